"""iCalendar feeds of open deadlines: one all-day event per action line, linking back to it."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODUCT_ID = "-//Commission Tracker//Deadlines//EN"


def event_uid(line):
    """Stable per line, so a calendar updates the event in place when the deadline moves."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"action-line-{line.pk}@{domain}"


def line_event(line, stamp):
    url = settings.SITE_URL + line.get_absolute_url()
    agreement = line.agreement
    event = Event()
    event.add("uid", event_uid(line))
    event.add("dtstamp", stamp)
    event.add("last-modified", line.updated_at)
    # An all-day event: DTSTART as a DATE, DTEND the next day (exclusive, RFC 5545). No day follows 9999-12-31
    # (a row older than the date rule): without DTEND an all-day event lasts that one day all the same.
    event.add("dtstart", line.due_date)
    if line.due_date < datetime.date.max:
        event.add("dtend", line.due_date + datetime.timedelta(days=1))
    event.add("summary", _("Deadline: %(title)s") % {"title": line.title})
    session = agreement.session
    details = [
        _("Agreement: %(agreement)s") % {"agreement": agreement},
        _("Commission: %(commission)s, session %(session)s")
        % {"commission": session.commission, "session": session.roman_number},
        _("Status: %(status)s, %(percent)s%% complete")
        % {"status": line.get_status_display(), "percent": line.percent_complete},
    ]
    if line.responsible_person:
        details.append(_("Responsible (our side): %(name)s") % {"name": line.responsible_person})
    if line.counterpart_person:
        details.append(_("Responsible (counterpart): %(name)s") % {"name": line.counterpart_person})
    details.append(url)
    event.add("description", "\n".join(details))
    event.add("url", url)
    event.add("categories", [str(agreement.session.commission)])
    return event


def build_calendar(name, lines):
    """The feed as bytes: `lines` are open action lines with agreement, session and commission selected."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for line in lines:
        calendar.add_component(line_event(line, stamp))
    return calendar.to_ical()
