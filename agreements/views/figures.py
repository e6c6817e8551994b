"""Figures summed over the whole data set (dashboard bars, per-commission counts), computed once per state of the data.

Exact counts over a million action lines cost PostgreSQL hundreds of milliseconds whatever the indexes, and they
are the same for every reader until a transaction that writes commits. So the cache key carries the data version
(agreements/data_version.py), which moves exactly when such a transaction commits; it is read before the figures
are computed, so a commit in between only makes the cached figures newer than their key. Inside a transaction (a
view that writes, or a test) and on SQLite, figures are not cached.
"""

from collections import defaultdict

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Avg, Count, Min, Q, Sum
from django.db.models.functions import Coalesce

from .. import data_version as version
from .. import deadlines
from ..access import audience_key
from ..models import OPEN_STATUSES, ActionLine, Agreement, Person

# Entries of superseded versions are never read again; this only bounds how long they take memory.
TIMEOUT = 300


def data_version(using=DEFAULT_DB_ALIAS):
    """The committed state of the data, or None where it cannot be known."""
    return version.current(using)


def cached(compute, *key, using=DEFAULT_DB_ALIAS):
    """compute(), or what it returned for `key` at the same state of the data. It must return plain, picklable data."""
    state = data_version(using)
    if state is None:
        return compute()
    cache_key = ":".join(["figures", state, *(str(part) for part in key)])
    figures = cache.get(cache_key)
    if figures is None:
        figures = compute()
        cache.set(cache_key, figures, TIMEOUT)
    return figures


def audience(user):
    """Whom the figures are for: users with the same key are cleared for the same agreements and lines."""
    return audience_key(user)


# ---------- The figures ----------
# Each returns plain dicts and lists (cached as they are); the views add labels and links.


def dashboard(user, today):
    """Agreements by status, open lines by where their deadline stands, and progress per sector.

    The lines are read once, grouped by sector, for both the deadline counts and the progress: each is a full
    pass over a reader's million lines, so two queries cost twice the time."""
    agreements = Agreement.objects.visible_to(user)
    counted = ~Q(status=ActionLine.Status.CANCELLED)
    states = (*deadlines.OPEN_STATES, deadlines.State.DONE)
    by_sector = list(
        ActionLine.objects.visible_to(user)
        .order_by("sector__name")
        .values("sector_id", "sector__name")
        .annotate(
            progress=Avg("percent_complete", filter=counted),
            count=Count("pk", filter=counted),
            **deadlines.counts(today, states),
        )
    )
    lines = {
        deadlines.State(state).value: sum(row.pop(deadlines.State(state).value) for row in by_sector)
        for state in states
    }
    return {
        "agreements": agreements.aggregate(
            **{status.value: Count("pk", filter=Q(status=status)) for status in Agreement.Status}
        ),
        # Open lines by where their deadline stands, and the done ones (agreements/deadlines.py).
        "lines": lines,
        # Sectors whose lines are all cancelled have no progress to show.
        "sectors": [row for row in by_sector if row["count"]],
    }


def per_commission(user, today):
    """{commission id: agreement, open and overdue counts}: one grouped query per table, not one per commission."""
    counts = defaultdict(lambda: {"agreement_count": 0, "open_count": 0, "overdue_count": 0})
    agreements = Agreement.objects.visible_to(user).order_by().values("commission")
    for row in agreements.annotate(n=Count("pk")):
        counts[row["commission"]]["agreement_count"] = row["n"]
    lines = ActionLine.objects.visible_to(user).open().order_by().values("commission")
    overdue = deadlines.condition(deadlines.State.OVERDUE, today)
    for row in lines.annotate(open=Count("pk"), overdue=Count("pk", filter=overdue)):
        counts[row["commission"]].update(open_count=row["open"], overdue_count=row["overdue"])
    return dict(counts)


def per_session(user, commission_id, today):
    """{session id: agreement and line counts, summed progress} for one commission's sessions.

    Progress is kept as a sum and a count of the lines not cancelled, so that a commission's total
    is the sum of its sessions' rather than another pass over its lines.
    """
    sessions = defaultdict(lambda: dict.fromkeys(SESSION_FIGURES, 0))
    agreements = Agreement.objects.visible_to(user).filter(commission=commission_id).order_by().values("session")
    for row in agreements.annotate(n=Count("pk")):
        sessions[row["session"]]["agreements"] = row["n"]
    is_open = Q(status__in=OPEN_STATUSES)
    counted = ~Q(status=ActionLine.Status.CANCELLED)
    lines = ActionLine.objects.visible_to(user).filter(commission=commission_id).order_by()
    for row in lines.values("agreement__session").annotate(
        total=Count("pk"),
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=deadlines.condition(deadlines.State.OVERDUE, today)),
        done=Count("pk", filter=Q(status=ActionLine.Status.DONE)),
        percent_sum=Coalesce(Sum("percent_complete", filter=counted), 0),
        counted=Count("pk", filter=counted),
    ):
        sessions[row.pop("agreement__session")].update(row)
    return dict(sessions)


SESSION_FIGURES = ("agreements", "total", "open", "overdue", "done", "percent_sum", "counted")


def mean_progress(figures):
    return figures["percent_sum"] / figures["counted"] if figures["counted"] else None


def overdue_by_owner(user, today, limit=10):
    """The people on our side with the most overdue open lines, oldest deadline first among equals.

    One grouped query over the partial index of open lines by deadline (it covers the responsible person),
    then one for the names of the `limit` people it returns.
    """
    overdue = ActionLine.objects.visible_to(user).filter(
        deadlines.condition(deadlines.State.OVERDUE, today), responsible_person__isnull=False
    )
    rows = list(
        overdue.order_by()
        .values("responsible_person")
        .annotate(count=Count("pk"), oldest=Min("due_date"))
        .order_by("-count", "oldest", "responsible_person")[:limit]
    )
    people = Person.objects.select_related("institution").in_bulk([row["responsible_person"] for row in rows])
    owners = []
    for row in rows:
        person = people[row["responsible_person"]]
        institution = person.institution
        owners.append(
            {
                "person_id": person.pk,
                "name": person.full_name,
                "institution": (institution.acronym or institution.name) if institution else "",
                "count": row["count"],
                "oldest": row["oldest"],
            }
        )
    return owners


def due_soon(user, today, limit=5):
    """The first `limit` open lines due today or soon (agreements/deadlines.py), nearest deadline first."""
    lines = (
        ActionLine.objects.visible_to(user)
        .due_between(today, deadlines.soon_until(today))
        .select_related("agreement", "responsible_person")
        .only("title", "due_date", "agreement__reference_code", "responsible_person__full_name")
        .order_by("due_date", "id")[:limit]
    )
    return [
        {
            "id": line.pk,
            "title": line.title,
            "due_date": line.due_date,
            "reference": line.agreement.reference_code,
            "owner": line.responsible_person.full_name if line.responsible_person else "",
        }
        for line in lines
    ]
