"""History pages without "revert": reverting would move a deadline without recording why."""

from django.core.exceptions import PermissionDenied


class NoRevertHistoryAdmin:
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
