"""Figures summed over the whole data set (dashboard bars, per-commission counts), computed once per state of the data.

Exact counts over a million action lines cost PostgreSQL hundreds of milliseconds whatever the indexes, and they
are the same for every reader until a transaction that writes commits. So the cache key carries the data version
(agreements/data_version.py), which moves exactly when such a transaction commits; it is read before the figures
are computed, so a commit in between only makes the cached figures newer than their key. Inside a transaction (a
view that writes, or a test) and on SQLite, figures are not cached.
"""

from collections import defaultdict

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Coalesce

from .. import data_version as version
from .. import deadlines, tallies
from ..access import audience_key, is_secretariat, named_clearance, open_levels
from ..models import OPEN_STATUSES, ActionLine, Agreement, Person, Sector

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
# Each returns plain dicts and lists (cached as they are); the views add labels and links. On PostgreSQL the part
# every reader of a kind shares comes from the tallies the database keeps (agreements/tallies.py), corrected for the
# days since their boundary, and the part a reader sees because they are named somewhere is counted from those few
# rows; elsewhere (SQLite) everything is counted from the rows. Both give the same figures (tests/test_tallies.py).


def _parts(user, using=DEFAULT_DB_ALIAS):
    """(levels tallied or None, [(agreements, action lines) counted from the rows])."""
    visible = (Agreement.objects.visible_to(user), ActionLine.objects.visible_to(user))
    if connections[using].vendor != "postgresql":
        return None, [visible]
    if is_secretariat(user):
        return tallies.LEVELS, []
    named = named_clearance(user)
    counted = [] if named is None else [(Agreement.objects.filter(named[0]), ActionLine.objects.filter(named[1]))]
    return open_levels(user), counted


def _open_lines(levels):
    return ActionLine.objects.filter(confidentiality__in=levels, status__in=OPEN_STATUSES)


def _moving(levels, today):
    """(open lines of `levels` tallied in the wrong class for `today`, sign of their correction to "overdue")."""
    first, last, sign = tallies.moving_range(tallies.boundary_for(today), today)
    return _open_lines(levels).filter(due_date__gte=first, due_date__lt=last), sign


def _add(total, part):
    """Add the nested counts of `part` into `total` (dicts of numbers, or of such dicts)."""
    for key, value in part.items():
        if isinstance(value, dict):
            _add(total.setdefault(key, {}), value)
        else:
            total[key] = total.get(key, 0) + value
    return total


def dashboard(user, today):
    """Agreements by status, open lines by where their deadline stands, and progress per sector."""
    levels, counted = _parts(user)
    figures = _dashboard_tallied(levels, today) if levels else {}
    for agreements, lines in counted:
        _add(figures, _dashboard_counted(agreements, lines, today))
    names = dict(Sector.objects.filter(pk__in=figures["sectors"]).values_list("pk", "name"))
    sectors = [
        {
            "sector_id": sector,
            "sector__name": names[sector],
            "progress": row["percent_sum"] / row["count"],
            "count": row["count"],
        }
        for sector, row in figures["sectors"].items()
        # Sectors whose lines are all cancelled have no progress to show.
        if row["count"]
    ]
    sectors.sort(key=lambda row: (row["sector__name"], row["sector_id"]))
    return {"agreements": figures["agreements"], "lines": figures["lines"], "sectors": sectors}


def _dashboard_counted(agreements, lines, today):
    """The dashboard's figures counted from the rows. The lines are read once, grouped by sector, for both the
    deadline counts and the progress."""
    counted = ~Q(status=ActionLine.Status.CANCELLED)
    states = (*deadlines.OPEN_STATES, deadlines.State.DONE)
    by_sector = list(
        lines.order_by()
        .values("sector_id")
        .annotate(
            percent_sum=Coalesce(Sum("percent_complete", filter=counted), 0),
            count=Count("pk", filter=counted),
            **deadlines.counts(today, states),
        )
    )
    return {
        "agreements": agreements.aggregate(
            **{status.value: Count("pk", filter=Q(status=status)) for status in Agreement.Status}
        ),
        # Open lines by where their deadline stands, and the done ones (agreements/deadlines.py).
        "lines": {state.value: sum(row[state.value] for row in by_sector) for state in states},
        "sectors": {row["sector_id"]: {"percent_sum": row["percent_sum"], "count": row["count"]} for row in by_sector},
    }


def _dashboard_tallied(levels, today):
    State = deadlines.State
    lines = dict.fromkeys((*(state.value for state in deadlines.OPEN_STATES), State.DONE.value), 0)
    sectors = {}
    still_open = 0
    for sector, kind, count, percent_sum in tallies.lines_by_sector(levels):
        if kind != tallies.CANCELLED:
            _add(sectors, {sector: {"count": count, "percent_sum": percent_sum}})
        if kind == tallies.DONE:
            lines[State.DONE] += count
        elif kind in (tallies.OVERDUE, tallies.OPEN):
            still_open += count
            if kind == tallies.OVERDUE:
                lines[State.OVERDUE] += count
    # The days near today, and any between the boundary and today: a short range of the open lines' deadline index.
    moving, sign = _moving(levels, today)
    lines[State.OVERDUE] += sign * moving.count()
    near = _open_lines(levels).filter(due_date__gte=today, due_date__lte=deadlines.soon_until(today))
    near = near.aggregate(**deadlines.counts(today, (State.TODAY, State.SOON)))
    lines.update(near)
    lines[State.LATER] = still_open - lines[State.OVERDUE] - lines[State.TODAY] - lines[State.SOON]
    agreements = dict.fromkeys(Agreement.Status.values, 0)
    for _commission, _session, status, count in tallies.agreements_by_session(levels):
        agreements[status] += count
    return {"agreements": agreements, "lines": lines, "sectors": sectors}


def per_commission(user, today):
    """{commission id: agreement, open and overdue counts}."""
    levels, counted = _parts(user)
    figures = _per_commission_tallied(levels, today) if levels else {}
    for agreements, lines in counted:
        _add(figures, _per_commission_counted(agreements, lines, today))
    return {commission: {**dict.fromkeys(COMMISSION_FIGURES, 0), **found} for commission, found in figures.items()}


COMMISSION_FIGURES = ("agreement_count", "open_count", "overdue_count")


def _per_commission_counted(agreements, lines, today):
    """One grouped query per table, not one per commission."""
    counts = defaultdict(dict)
    for row in agreements.order_by().values("commission").annotate(n=Count("pk")):
        counts[row["commission"]]["agreement_count"] = row["n"]
    overdue = deadlines.condition(deadlines.State.OVERDUE, today)
    for row in (
        lines.open().order_by().values("commission").annotate(open=Count("pk"), overdue=Count("pk", filter=overdue))
    ):
        counts[row["commission"]].update(open_count=row["open"], overdue_count=row["overdue"])
    return dict(counts)


def _per_commission_tallied(levels, today):
    counts = defaultdict(lambda: dict.fromkeys(COMMISSION_FIGURES, 0))
    for commission, _session, _status, count in tallies.agreements_by_session(levels):
        counts[commission]["agreement_count"] += count
    for commission, _session, kind, count, _percent in tallies.lines_by_session(levels):
        if kind in (tallies.OVERDUE, tallies.OPEN):
            counts[commission]["open_count"] += count
        if kind == tallies.OVERDUE:
            counts[commission]["overdue_count"] += count
    moving, sign = _moving(levels, today)
    for row in moving.order_by().values("commission").annotate(n=Count("pk")):
        counts[row["commission"]]["overdue_count"] += sign * row["n"]
    return dict(counts)


def per_session(user, commission_id, today):
    """{session id: agreement and line counts, summed progress} for one commission's sessions.

    Progress is kept as a sum and a count of the lines not cancelled, so that a commission's total
    is the sum of its sessions' rather than another pass over its lines.
    """
    levels, counted = _parts(user)
    figures = _per_session_tallied(levels, commission_id, today) if levels else {}
    for agreements, lines in counted:
        _add(figures, _per_session_counted(agreements, lines, commission_id, today))
    return {session: {**dict.fromkeys(SESSION_FIGURES, 0), **found} for session, found in figures.items()}


SESSION_FIGURES = ("agreements", "total", "open", "overdue", "done", "percent_sum", "counted")


def _per_session_counted(agreements, lines, commission_id, today):
    sessions = defaultdict(dict)
    agreements = agreements.filter(commission=commission_id).order_by().values("session")
    for row in agreements.annotate(n=Count("pk")):
        sessions[row["session"]]["agreements"] = row["n"]
    is_open = Q(status__in=OPEN_STATUSES)
    counted = ~Q(status=ActionLine.Status.CANCELLED)
    lines = lines.filter(commission=commission_id).order_by()
    for row in lines.values("session").annotate(
        total=Count("pk"),
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=deadlines.condition(deadlines.State.OVERDUE, today)),
        done=Count("pk", filter=Q(status=ActionLine.Status.DONE)),
        percent_sum=Coalesce(Sum("percent_complete", filter=counted), 0),
        counted=Count("pk", filter=counted),
    ):
        sessions[row.pop("session")].update(row)
    return dict(sessions)


def _per_session_tallied(levels, commission_id, today):
    sessions = defaultdict(lambda: dict.fromkeys(SESSION_FIGURES, 0))
    for _commission, session, _status, count in tallies.agreements_by_session(levels, commission_id):
        sessions[session]["agreements"] += count
    for _commission, session, kind, count, percent_sum in tallies.lines_by_session(levels, commission_id):
        found = sessions[session]
        found["total"] += count
        if kind in (tallies.OVERDUE, tallies.OPEN):
            found["open"] += count
        if kind == tallies.OVERDUE:
            found["overdue"] += count
        if kind == tallies.DONE:
            found["done"] += count
        if kind != tallies.CANCELLED:
            found["percent_sum"] += percent_sum
            found["counted"] += count
    moving, sign = _moving(levels, today)
    for row in moving.filter(commission=commission_id).order_by().values("session").annotate(n=Count("pk")):
        sessions[row["session"]]["overdue"] += sign * row["n"]
    return dict(sessions)


def mean_progress(figures):
    return figures["percent_sum"] / figures["counted"] if figures["counted"] else None


def overdue_by_owner(user, today, limit=10):
    """The people on our side with the most overdue open lines, oldest deadline first among equals.

    The tallies name the few people who can be on top (agreements/tallies.py top_owners, with everyone tied with
    the last); their overdue lines are then counted exactly, with the oldest deadline, from the open lines by person.
    """
    overdue = ActionLine.objects.visible_to(user).filter(
        deadlines.condition(deadlines.State.OVERDUE, today), responsible_person__isnull=False
    )
    levels, counted = _parts(user)
    if levels is not None:
        moving, sign = _moving(levels, today)
        if sign > 0:
            candidates = set(tallies.top_owners(levels, limit))
            for _agreements, lines in [(None, moving), *counted]:
                lines = lines.filter(deadlines.condition(deadlines.State.OVERDUE, today))
                candidates |= set(lines.exclude(responsible_person=None).values_list("responsible_person", flat=True))
            overdue = overdue.filter(responsible_person__in=candidates)
        # A boundary ahead of the day asked about (a past day) can lower anyone's count: all are counted then.
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
