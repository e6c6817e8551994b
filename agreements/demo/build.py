"""Building blocks of the demo: dates relative to today, and rows keyed by their natural keys."""

import datetime

from django.conf import settings
from django.utils import timezone

from agreements.models import ActionLine, Agreement, DeadlineChange, ProgressUpdate, SectoralMeeting, Session

from .upsert import set_related, upsert

DONE = ActionLine.Status.DONE


class Builder:
    """Makes the demo's rows; `today` anchors every deadline so that some are overdue whenever the demo loads."""

    def __init__(self, today, people, institutions, authors):
        self.today = today
        self.people = people
        self.institutions = institutions
        # Accounts that signed progress updates and deadline changes; empty when DEBUG is off.
        self.authors = authors

    def day(self, offset):
        return self.today + datetime.timedelta(days=offset)

    def moment(self, offset, hour=10):
        when = datetime.datetime.combine(self.day(offset), datetime.time(hour))
        return timezone.make_aware(when) if settings.USE_TZ else when

    def session(self, commission, number, start, city, country, days=3):
        return upsert(
            Session,
            {"commission": commission, "number": number},
            {
                "start_date": start,
                "end_date": start + datetime.timedelta(days=days - 1),
                "city": city,
                "country": country,
                "status": Session.Status.HELD if start <= self.today else Session.Status.PLANNED,
            },
        )

    def meeting(self, session, sector, date, venue, chairs="", participants="", summary=""):
        return upsert(
            SectoralMeeting,
            {"session": session, "sector": sector},
            {"date": date, "venue": venue, "chairs": chairs, "participants": participants, "summary": summary},
        )

    def agreement(self, meeting, code, title, ours=(), theirs=(), coordinator=None, **fields):
        fields.setdefault("description", "")
        fields.setdefault("carried_over_from", None)
        for name in ("signed_date", "entry_into_force_date", "expiry_date"):
            fields.setdefault(name, None)
        agreement = upsert(
            Agreement,
            {"reference_code": code},
            {"meeting": meeting, "title": title, "coordinator": self.people.get(coordinator), **fields},
        )
        set_related(agreement, "our_institutions", [self.institutions[key] for key in ours])
        set_related(agreement, "counterpart_institutions", [self.institutions[key] for key in theirs])
        return agreement

    def line(
        self,
        agreement,
        title,
        due,
        *,
        ours=None,
        our_institution=None,
        theirs=None,
        their_institution=None,
        status=ActionLine.Status.NOT_STARTED,
        percent=0,
        completed=None,
        original=None,
        target=None,
        achieved=None,
        description="",
        carried_over_from=None,
    ):
        """`due`, `completed` and `original` are days from today; `target` is (quantity, unit)."""
        quantity, unit = target or (None, "")
        return upsert(
            ActionLine,
            {"agreement": agreement, "title": title},
            {
                "description": description,
                "responsible_person": self.people.get(ours),
                "responsible_institution": self.institutions.get(our_institution),
                "counterpart_person": self.people.get(theirs),
                "counterpart_institution": self.institutions.get(their_institution),
                "due_date": self.day(due),
                "original_due_date": self.day(original if original is not None else due),
                "status": status,
                "percent_complete": 100 if status == DONE else percent,
                "completed_date": self.day(completed) if status == DONE else None,
                "target_quantity": quantity,
                "target_unit": unit,
                "achieved_quantity": achieved,
                "carried_over_from": carried_over_from,
            },
        )

    def deadline_change(self, line, old, new, reason, on, by="editor"):
        """A deadline moved from `old` to `new` (days from today), `on` days from today."""
        return upsert(
            DeadlineChange,
            {"action_line": line, "reason": reason},
            {
                "old_date": self.day(old),
                "new_date": self.day(new),
                "changed_by": self.authors.get(by),
                "changed_at": self.moment(on, hour=9),
            },
        )

    def update(self, line, on, note, by="focal", status="", percent=None, achieved=None):
        """A progress update written `on` days from today (negative: in the past)."""
        return upsert(
            ProgressUpdate,
            {"action_line": line, "note": note},
            {
                "author": self.authors.get(by),
                "created_at": self.moment(on, hour=11),
                "status": status,
                "percent_complete": percent,
                "achieved_quantity": achieved,
            },
        )
