"""Calendar feeds of open deadlines: per commission for signed-in users, per person at a secret URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import get_commission_for_user, outside_channel_lines, person_of
from ..calendars import build_calendar
from ..models import ActionLine, Person

FEED_RELATED = ("agreement__session__commission", "responsible_person", "counterpart_person")


def calendar_response(name, lines, filename):
    response = HttpResponse(build_calendar(name, lines), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def commission_feed(request, pk):
    commission = get_commission_for_user(request, pk)
    lines = (
        ActionLine.objects.visible_to(request.user)
        .open()
        .filter(commission=commission)
        .select_related(*FEED_RELATED)
        .order_by("due_date", "id")
    )
    return calendar_response(str(commission), lines, f"commission-{commission.pk}.ics")


@login_not_required
@require_GET
def person_feed(request, token):
    """Public: the token in the URL is the secret. Revoking it (a new token) answers 404 at the old URL."""
    person = get_object_or_404(Person, feed_token=token, is_active=True)
    # Calendar services fetch the URL from their own servers: it carries what access allows outside channels.
    lines = outside_channel_lines().responsible(person).open().select_related(*FEED_RELATED).order_by("due_date", "id")
    # Fetched by a calendar service, not a browser: speak the person's language, not the request's.
    with translation.override(person.language):
        name = _("Deadlines of %(name)s") % {"name": person.full_name}
        return calendar_response(name, lines, "deadlines.ics")


@require_POST
def revoke_person_feed(request):
    person = person_of(request.user)
    if person is None:
        messages.error(request, _("Your account is not linked to a person, so you have no calendar link."))
    else:
        person.revoke_feed_token()
        messages.success(request, _("Your old calendar link no longer works. Subscribe again with the new one."))
    return redirect("agreements:my_action_lines")
