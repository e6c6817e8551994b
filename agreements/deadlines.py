"""Where an action line's deadline stands today: overdue, due today, due soon, later, done or cancelled.

One rule for every page, list, export, digest and chart, so that they agree: `state()` for one line,
`condition()` and `counts()` for querysets. "Due soon" is the next settings.DUE_SOON_DAYS days after
today; today itself is "due today". Each state has one CSS class, `tag-<state>`, and one bar colour,
`bar-<state>` (static/css/site.css), in tables and charts alike.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models.action_lines import OPEN_STATUSES


class State(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    TODAY = "today", _("Due today")
    SOON = "soon", _("Due soon")
    LATER = "later", _("Due later")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")

    @property
    def css(self):
        return f"tag-{self.value}"


# The states of an open line, most urgent first.
OPEN_STATES = (State.OVERDUE, State.TODAY, State.SOON, State.LATER)


def soon_days():
    """How many days after today count as "due soon" (settings.DUE_SOON_DAYS, 7 unless set)."""
    return int(getattr(settings, "DUE_SOON_DAYS", 7))


def soon_until(today):
    """The last day that is still "due soon"."""
    return today + datetime.timedelta(days=soon_days())


def days_left(due_date, today):
    """Days from `today` to `due_date`: negative when the deadline has passed."""
    return (due_date - today).days


def date_state(due_date, today):
    """The state of an open line due on `due_date`."""
    days = days_left(due_date, today)
    if days < 0:
        return State.OVERDUE
    if days == 0:
        return State.TODAY
    return State.SOON if days <= soon_days() else State.LATER


def state(status, due_date, today):
    """The state of a line with this status and deadline, on `today`."""
    if status == State.DONE:
        return State.DONE
    if status == State.CANCELLED:
        return State.CANCELLED
    return date_state(due_date, today)


def line_state(line, today):
    return state(line.status, line.due_date, today)


def is_overdue(status, due_date, today):
    return state(status, due_date, today) == State.OVERDUE


def cue(status, due_date, today):
    """The words beside an open line's deadline: "5 days overdue", "due today", "in 3 days"; "" once closed."""
    if status not in OPEN_STATUSES:
        return ""
    days = days_left(due_date, today)
    if days < 0:
        return ngettext("%(count)d day overdue", "%(count)d days overdue", -days) % {"count": -days}
    if days == 0:
        return str(_("due today"))
    return ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}


def condition(state, today, prefix=""):
    """A Q for the lines in `state` on `today`; `prefix` reaches the line through a relation ("action_line__")."""
    state = State(state)
    status, due = f"{prefix}status", f"{prefix}due_date"
    if state in (State.DONE, State.CANCELLED):
        return Q(**{status: state.value})
    is_open = Q(**{f"{status}__in": OPEN_STATUSES})
    if state == State.OVERDUE:
        return is_open & Q(**{f"{due}__lt": today})
    if state == State.TODAY:
        return is_open & Q(**{due: today})
    if state == State.SOON:
        return is_open & Q(**{f"{due}__gt": today, f"{due}__lte": soon_until(today)})
    return is_open & Q(**{f"{due}__gt": soon_until(today)})


def counts(today, states=tuple(State)):
    """Aggregate expressions counting lines per state, for `queryset.aggregate(**counts(today))`."""
    return {State(state).value: Count("pk", filter=condition(state, today)) for state in states}
