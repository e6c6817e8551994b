"""The admin asks agreements/access.py too: a staff user outside the secretariat sees only what they are cleared for,
in changelists, change pages, autocompletes and history pages alike."""

from django.core.exceptions import ValidationError
from django.http import Http404

from agreements.access import action_line_condition, agreement_condition


class ConfidentialAdmin:
    """Set `cleared_through` to None for agreements, "" for action lines, or "action_line__" for their children."""

    cleared_through = None

    def visibility_condition(self, user):
        if self.cleared_through is None:
            return agreement_condition(user)
        return action_line_condition(user, prefix=self.cleared_through)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        condition = self.visibility_condition(request.user)
        return queryset if condition is None else queryset.filter(condition)

    def visible_or_404(self, request, object_id):
        try:
            visible = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, ValidationError):
            visible = False
        if not visible:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        # simple_history falls back to the latest historical copy when the queryset hides the object.
        self.visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history reads a past version from the history table, which the queryset does not filter.
        self.visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
