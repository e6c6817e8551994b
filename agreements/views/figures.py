"""Figures summed over the whole data set (dashboard bars, per-commission counts), computed once per state of the data.

Exact counts over a million action lines cost PostgreSQL hundreds of milliseconds whatever the indexes, and they
are the same for every reader until a transaction that writes commits. So the cache key carries the data version
(agreements/data_version.py), which moves exactly when such a transaction commits; it is read before the figures
are computed, so a commit in between only makes the cached figures newer than their key. Inside a transaction (a
view that writes, or a test) and on SQLite, figures are not cached.
"""

from collections import defaultdict
from typing import NamedTuple

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Min

from .. import compiled_rows, deadlines, tallies
from .. import data_version as version
from ..access import audience_key, is_secretariat, named_rows, open_levels, resolved_rows
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
# days since their boundary, and the part a reader sees because they are named somewhere is counted here from
# those few rows. Elsewhere (SQLite, `make run`) everything a reader sees is counted here from the rows. Both ways
# give the same figures (tests/test_tallies.py).

AGREEMENT_FIELDS = ("commission_id", "session_id", "status")
LINE_FIELDS = (
    "commission_id",
    "session_id",
    "sector_id",
    "status",
    "due_date",
    "percent_complete",
    "responsible_person_id",
)


class Rows(NamedTuple):
    """Agreements and action lines to count here, as named tuples of the fields the figures need."""

    agreements: list | tuple = ()
    lines: list | tuple = ()

    @classmethod
    def of(cls, agreements, lines):
        return cls(list(_agreement_fields(agreements)), list(_line_fields(lines)))


def _agreement_fields(agreements):
    return agreements.values_list(*AGREEMENT_FIELDS, named=True)


def _line_fields(lines):
    return lines.values_list(*LINE_FIELDS, named=True)


def _parts(user, using=DEFAULT_DB_ALIAS):
    """(levels tallied or None, Rows counted here). Kept on the user, loaded anew for each request: a page asks
    for several figures."""
    if not hasattr(user, "_figure_parts"):
        user._figure_parts = _split(user, using)
    return user._figure_parts


def _split(user, using):
    if connections[using].vendor != "postgresql":
        return None, Rows.of(Agreement.objects.visible_to(user), ActionLine.objects.visible_to(user))
    if is_secretariat(user):
        return tallies.LEVELS, Rows()
    # The reader's named rows, by statements written once per reader (access.named_rows).
    return open_levels(user), Rows(
        named_rows(user, "agreements", "figures", lambda named: _agreement_fields(Agreement.objects.filter(named))),
        named_rows(user, "action_lines", "figures", lambda named: _line_fields(ActionLine.objects.filter(named))),
    )


def _add(total, part):
    """Add the nested counts of `part` into `total` (dicts of numbers, or of such dicts)."""
    for key, value in part.items():
        if isinstance(value, dict):
            _add(total.setdefault(key, {}), value)
        else:
            total[key] = total.get(key, 0) + value
    return total


def _is_overdue(line, today):
    return line_class(line, today) == tallies.OVERDUE


def dashboard(user, today):
    """Agreements by status, open lines by where their deadline stands, and progress per sector."""
    levels, rows = _parts(user)
    figures = _dashboard_tallied(levels, today) if levels else _dashboard_empty()
    _add(figures, _dashboard_counted(rows, today))
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


DASHBOARD_STATES = (*deadlines.OPEN_STATES, deadlines.State.DONE)


def _dashboard_empty():
    return {
        "agreements": dict.fromkeys(Agreement.Status.values, 0),
        "lines": {state.value: 0 for state in DASHBOARD_STATES},
        "sectors": {},
    }


def _dashboard_counted(rows, today):
    figures = _dashboard_empty()
    for agreement in rows.agreements:
        figures["agreements"][agreement.status] += 1
    for line in rows.lines:
        state = deadlines.state(line.status, line.due_date, today)
        if state == deadlines.State.CANCELLED:
            continue
        figures["lines"][state] += 1
        _add(figures["sectors"], {line.sector_id: {"count": 1, "percent_sum": line.percent_complete}})
    return figures


def _dashboard_tallied(levels, today):
    State = deadlines.State
    found = tallies.dashboard(levels, today, deadlines.soon_until(today))
    tallies.keep_near(found["boundary"], today)
    figures = _dashboard_empty()
    lines = figures["lines"]
    still_open = 0
    for sector, kind, count, percent_sum in found["sectors"]:
        counted = _session_figures(kind, count, percent_sum)
        if counted["counted"]:
            _add(figures["sectors"], {sector: {"count": counted["counted"], "percent_sum": counted["percent_sum"]}})
        lines[State.DONE] += counted["done"]
        lines[State.OVERDUE] += counted["overdue"]
        still_open += counted["open"]
    lines[State.OVERDUE] += found["overdue_correction"]
    lines[State.TODAY], lines[State.SOON] = found["today"], found["soon"]
    lines[State.LATER] = still_open - lines[State.OVERDUE] - lines[State.TODAY] - lines[State.SOON]
    figures["agreements"].update(found["agreements"])
    return figures


SESSION_FIGURES = ("agreements", "total", "open", "overdue", "done", "percent_sum", "counted")
# The figures of the lines, in the order tallies.lines_by_session gives them.
LINE_FIGURES = SESSION_FIGURES[1:]


def per_commission(user, today):
    """{commission id: agreement, open and overdue counts}."""
    return {
        commission: {
            "agreement_count": found["agreements"],
            "open_count": found["open"],
            "overdue_count": found["overdue"],
        }
        for (commission, _session), found in _by_session(user, today, per_commission=True).items()
    }


def per_session(user, commission_id, today):
    """{session id: agreement and line counts, summed progress} for one commission's sessions.

    Progress is kept as a sum and a count of the lines not cancelled, so that a commission's total
    is the sum of its sessions' rather than another pass over its lines.
    """
    return {session: found for (_commission, session), found in _by_session(user, today, commission_id).items()}


def _by_session(user, today, commission_id=None, per_commission=False):
    """{(commission id, session id): SESSION_FIGURES} for one commission or all (session None: per commission): the
    tallies over the reader's levels, corrected for the days since their boundary, plus the reader's named rows
    classed on `today`."""
    levels, rows = _parts(user)
    sessions = defaultdict(lambda: dict.fromkeys(SESSION_FIGURES, 0))
    if levels:
        found = tallies.lines_by_session(levels, today, commission_id, per_commission)
        tallies.keep_near(found["boundary"], today)
        for commission, session, count in found["agreements"]:
            sessions[commission, session]["agreements"] += count
        for commission, session, *figures in found["lines"]:
            _add(sessions[commission, session], dict(zip(LINE_FIGURES, figures, strict=True)))
        for commission, session, correction in found["overdue_corrections"]:
            sessions[commission, session]["overdue"] += correction
    wanted = (lambda row: True) if commission_id is None else (lambda row: row.commission_id == commission_id)
    for agreement in filter(wanted, rows.agreements):
        sessions[agreement.commission_id, None if per_commission else agreement.session_id]["agreements"] += 1
    for line in filter(wanted, rows.lines):
        figures = _session_figures(line_class(line, today), 1, line.percent_complete)
        _add(sessions[line.commission_id, None if per_commission else line.session_id], figures)
    return dict(sessions)


def line_class(line, today):
    """A line's class in the tallies (agreements/tallies.py agreements_tally_class), with today as the boundary."""
    if line.status not in OPEN_STATUSES:
        return line.status
    return tallies.OVERDUE if line.due_date < today else tallies.OPEN


def _session_figures(kind, count, percent_sum):
    """A session's figures for `count` lines of one class (agreements/tallies.py) with this percent sum."""
    counted = kind != tallies.CANCELLED
    return {
        "total": count,
        "open": count if kind in (tallies.OVERDUE, tallies.OPEN) else 0,
        "overdue": count if kind == tallies.OVERDUE else 0,
        "done": count if kind == tallies.DONE else 0,
        "percent_sum": percent_sum if counted else 0,
        "counted": count if counted else 0,
    }


def mean_progress(figures):
    return figures["percent_sum"] / figures["counted"] if figures["counted"] else None


def overdue_by_owner(user, today, limit=10):
    """The people on our side with the most overdue open lines, oldest deadline first among equals.

    The tallies name the few people who can be on top (agreements/tallies.py owner_candidates), with the people of
    the lines the reader is named for; their overdue lines are then counted exactly, with the oldest deadline and
    their names, in one grouped query over the open lines by person.
    """
    levels, rows = _parts(user)
    candidates = None if levels is None else tallies.owner_candidates(levels, limit, today)
    # What the statement holds besides ids is in its name: written once per reader, day asked about and limit.
    name = f"owners.{limit}.{today.isoformat()}"
    if candidates is None:
        counted = resolved_rows(user, "action_lines", f"{name}.all", _owners_counted(today, limit))
    else:
        candidates |= {line.responsible_person_id for line in rows.lines if _is_overdue(line, today)}
        candidates = sorted(candidates - {None})
        # A list, not a subquery: under the reader's clearance (an OR) only a list lets the person index serve. The
        # candidates are ids: one statement per number of them.
        counted = (
            resolved_rows(user, "action_lines", name, _owners_counted(today, limit), *candidates) if candidates else []
        )
    # Named once counted: joining the people before grouping would read every person to group a few hundred lines.
    people = _names_and_institutions([row["responsible_person"] for row in counted])
    return [
        {
            "person_id": row["responsible_person"],
            "name": people[row["responsible_person"]][0],
            "institution": people[row["responsible_person"]][1],
            "count": row["count"],
            "oldest": row["oldest"],
        }
        for row in counted
        # A person deleted between the two statements (their lines went with them) is left out.
        if row["responsible_person"] in people
    ]


def _owners_counted(today, limit):
    """build(lines, *people) for resolved_rows: the overdue lines of `lines` counted per person (of `people`, where
    given), most first, with the oldest deadline."""

    def build(lines, *people):
        overdue = lines.filter(deadlines.condition(deadlines.State.OVERDUE, today), responsible_person__isnull=False)
        if people:
            overdue = overdue.filter(responsible_person__in=people)
        return (
            overdue.order_by()
            .values("responsible_person")
            .annotate(count=Count("pk"), oldest=Min("due_date"))
            .order_by("-count", "oldest", "responsible_person")[:limit]
        )

    return build


def _names_and_institutions(ids):
    """{person id: (full name, their institution's acronym or name, or "")}, by a statement compiled once."""
    if not ids:
        return {}

    def people(*ids):
        fields = ("pk", "full_name", "institution__acronym", "institution__name")
        return Person.objects.filter(pk__in=ids).values_list(*fields)

    found = compiled_rows.once("people.named", (), people, *ids)
    return {pk: (name, acronym or institution or "") for pk, name, acronym, institution in found}


def due_soon(user, today, limit=5):
    """The first `limit` open lines due today or soon (agreements/deadlines.py), nearest deadline first."""

    def build(lines):
        return (
            lines.due_between(today, deadlines.soon_until(today))
            .order_by("due_date", "id")
            .values("id", "title", "due_date", "agreement__reference_code", "responsible_person__full_name")[:limit]
        )

    lines = resolved_rows(user, "action_lines", f"due_soon.{limit}.{today.isoformat()}", build)
    return [
        {
            "id": line["id"],
            "title": line["title"],
            "due_date": line["due_date"],
            "reference": line["agreement__reference_code"],
            "owner": line["responsible_person__full_name"] or "",
        }
        for line in lines
    ]
