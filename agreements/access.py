"""One access helper per object kind: select what the page shows, 404 when absent or hidden, 403 when not allowed."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import ActionLine, Agreement, Commission, SectoralMeeting, Session


def person_of(user):
    """The Person linked to a login account, or None."""
    return getattr(user, "person", None) if user.is_authenticated else None


def get_commission_for_user(request, pk):
    return get_object_or_404(Commission.objects.select_related("lead_institution"), pk=pk)


def get_session_for_user(request, pk):
    return get_object_or_404(Session.objects.select_related("commission", "country"), pk=pk)


def get_meeting_for_user(request, pk):
    queryset = SectoralMeeting.objects.select_related("session__commission", "session__country", "sector")
    return get_object_or_404(queryset, pk=pk)


def get_agreement_for_user(request, pk):
    queryset = Agreement.objects.visible_to(request.user).select_related(
        "meeting__sector", "session__commission", "coordinator__institution", "carried_over_from"
    )
    return get_object_or_404(queryset, pk=pk)


def can_report_progress(user, line):
    """Editors report on any line; a focal point only on the lines they are responsible for."""
    if user.has_perm("agreements.change_actionline"):
        return True
    person = person_of(user)
    responsible = person is not None and person.pk in (line.responsible_person_id, line.counterpart_person_id)
    return responsible and user.has_perm("agreements.add_progressupdate")


def get_action_line_for_user(request, pk, write=False):
    queryset = ActionLine.objects.visible_to(request.user).select_related(
        "agreement__session__commission",
        "agreement__coordinator",
        "sector",
        "responsible_person__institution",
        "responsible_institution",
        "counterpart_person__institution",
        "counterpart_institution",
        "carried_over_from",
    )
    line = get_object_or_404(queryset, pk=pk)
    if write and not can_report_progress(request.user, line):
        raise PermissionDenied
    return line
