"""The dashboard and the object pages: commission → session → sectoral meeting → agreement → action line.

Every page runs a fixed number of queries whatever the number of rows: counts are grouped queries
(figures.py, kept until the data changes), correlated subqueries or filtered aggregates, and lists
select or prefetch what their templates show.
"""

import functools
from collections import defaultdict

from django.db.models import Avg, Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext

from .. import access_list, carry_over, charts, compiled_rows, deadlines
from ..access import (
    can_manage_access,
    can_report_progress,
    can_see_agreement,
    get_action_line_for_user,
    get_agreement_for_user,
    get_commission_for_user,
    get_meeting_for_user,
    get_session_for_user,
    mark_hidden_agreements,
    person_of,
    resolved_agreements,
    resolved_rows,
    visible_documents,
    visible_progress_updates,
)
from ..clock import local_today
from ..filters import ActionLineFilter
from ..following.follows import is_following
from ..jinja_env import render as render_jinja2
from ..kept_plans import kept_plans, rows_in_order
from ..models import OPEN_STATUSES, ActionLine, Agreement, Commission, Follow, ProgressUpdate, Session
from ..table_rows import action_line_rows
from ..templatetags.tracker import breadcrumbs_for
from . import figures, object_rows

# What a table of action lines shows besides the line itself (see templates/agreements/includes/action_line_table.html).
LINE_TABLE_RELATED = (
    "agreement",
    "responsible_person",
    "responsible_institution",
    "counterpart_person",
    "counterpart_institution",
)
MY_ITEMS_ON_DASHBOARD = 5
LATEST_UPDATES_ON_DASHBOARD = 10
OWNERS_ON_DASHBOARD = 10
DUE_SOON_ON_DASHBOARD = 5
OVERDUE_ON_COMMISSION_PAGE = 10


def _count_by(queryset, field):
    """COUNT of `queryset` rows whose `field` is the outer row, as a correlated subquery (no join fan-out)."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _progress_by(lines, field):
    """Mean percent complete of the lines (cancelled ones left out) whose `field` is the outer row."""
    counted = lines.exclude(status=ActionLine.Status.CANCELLED).filter(**{field: OuterRef("pk")})
    return Subquery(counted.order_by().values(field).annotate(avg=Avg("percent_complete")).values("avg"))


def _line_totals(lines, today):
    """Open, overdue and done counts and mean progress of a set of lines, in one query."""
    is_open = Q(status__in=OPEN_STATUSES)
    return lines.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=deadlines.condition(deadlines.State.OVERDUE, today)),
        done=Count("pk", filter=Q(status=ActionLine.Status.DONE)),
        progress=Avg("percent_complete", filter=~Q(status=ActionLine.Status.CANCELLED)),
    )


@functools.cache
def _list_path(name, script_prefix):
    return reverse(name)


def _list_url(name, **params):
    # A list's path is reversed once per name, not once per bar and owner of the dashboard.
    return f"{_list_path(name, get_script_prefix())}?{urlencode(params)}"


def _agreement_status_bars(counts):
    return [
        {
            "label": status.label,
            "value": counts[status.value],
            "url": _list_url("agreements:agreement_list", status=status.value),
            "css": status.value,
        }
        for status in Agreement.Status
    ]


def _line_state_bars(counts):
    """Action lines by where their deadline stands (agreements/deadlines.py), each bar linking to the list it counts."""
    State = deadlines.State
    # ngettext, not ngettext_lazy: the bars are rendered in this request, and a lazy plural builds a class per call.
    soon = ngettext("Due in the next %(count)d day", "Due in the next %(count)d days", deadlines.soon_days()) % {
        "count": deadlines.soon_days()
    }
    states = [
        (State.OVERDUE, State.OVERDUE.label, {"overdue": "yes"}),
        (State.TODAY, State.TODAY.label, {"deadline": State.TODAY}),
        (State.SOON, soon, {"deadline": State.SOON}),
        (State.LATER, State.LATER.label, {"deadline": State.LATER}),
        (State.DONE, State.DONE.label, {"status": ActionLine.Status.DONE}),
    ]
    return [
        {
            "label": label,
            "value": counts[state.value],
            "url": _list_url("agreements:action_line_list", **params),
            "css": state.value,
        }
        for state, label, params in states
    ]


def _overdue_owners(user, today):
    """Who owns what is late, each linking to that person's overdue lines."""
    owners = figures.cached(
        lambda: figures.overdue_by_owner(user, today, OWNERS_ON_DASHBOARD), "owners", figures.audience(user), today
    )
    for owner in owners:
        owner["url"] = _list_url("agreements:action_line_list", person=owner["name"], overdue="yes")
    return owners


def _due_soon_url(today):
    """The open lines due today or soon (agreements/deadlines.py), as one list."""
    last = deadlines.soon_until(today)
    return _list_url("agreements:action_line_list", status="open", due_after=today, due_before=last)


def _followed(user_id):
    return Follow.objects.filter(user_id=user_id).values_list("agreement_id", flat=True)


def _your_commissions(user, today):
    """Figures for the commissions of the agreements the user follows, so they come first on a busy dashboard."""
    followed = compiled_rows.once("dashboard.followed", (), _followed, user.pk)
    if not followed:
        return []
    followed = resolved_agreements(user).filter(pk__in=followed)
    commissions = list(Commission.objects.filter(pk__in=followed.values("commission")).order_by("name"))
    if not commissions:
        return []
    counts = figures.cached(lambda: figures.per_commission(user, today), "commissions", figures.audience(user), today)
    for commission in commissions:
        found = counts.get(commission.pk, {})
        commission.open_count = found.get("open_count", 0)
        commission.overdue_count = found.get("overdue_count", 0)
        commission.overdue_url = _list_url("agreements:action_line_list", commission=commission.pk, overdue="yes")
    return commissions


def _own_line_ids(person_id):
    lines = ActionLine.objects.open().filter(Q(responsible_person_id=person_id) | Q(counterpart_person_id=person_id))
    return lines.order_by("due_date", "id").values_list("pk", flat=True)[:MY_ITEMS_ON_DASHBOARD]


def _latest_update_ids(user):
    def build(lines):
        updates = visible_progress_updates(user, ProgressUpdate.objects.filter(action_line__in=lines))
        return updates.order_by("-created_at", "-id").values_list("pk", flat=True)[:LATEST_UPDATES_ON_DASHBOARD]

    return build


# The dashboard's statements read small tallies, a reader's own lines and a few people by id: plans PostgreSQL
# would make the same for any values, and planning them took a fifth of its work for this page.
@kept_plans()
def dashboard(request):
    today = local_today()
    user = request.user
    totals = figures.cached(lambda: figures.dashboard(user, today), "dashboard", figures.audience(user), today)
    sector_bars = [
        {
            "label": row["sector__name"],
            "value": row["progress"],
            "url": _list_url("agreements:action_line_list", sector=row["sector_id"]),
            "count": row["count"],
        }
        for row in totals["sectors"]
    ]
    person = person_of(user)
    my_lines = []
    if person is not None:
        # The people responsible for a line are cleared for it: no clearance to ask. Ids first, then their rows,
        # each by a statement written once.
        mine = compiled_rows.once("dashboard.own_ids", (), _own_line_ids, person.pk)
        my_lines = mark_hidden_agreements(rows_in_order(mine, lookup=object_rows.own_lines), user)
    latest = resolved_rows(user, "action_lines", "dashboard.latest", _latest_update_ids(user))
    latest = rows_in_order(latest, lookup=lambda ids: object_rows.updates(user, ids))
    context = {
        "today": today,
        "agreement_chart": charts.bar_chart(_agreement_status_bars(totals["agreements"])),
        "line_chart": charts.bar_chart(_line_state_bars(totals["lines"])),
        "sector_chart": charts.bar_chart(sector_bars, maximum=100, unit="%"),
        "person": person,
        "my_lines": my_lines,
        "latest_updates": latest,
        "your_commissions": _your_commissions(user, today),
        "overdue_owners": _overdue_owners(user, today),
        "overdue_url": _list_url("agreements:action_line_list", overdue="yes"),
        "due_soon_count": totals["lines"]["today"] + totals["lines"]["soon"],
        "due_soon_days": deadlines.soon_days(),
        "due_soon": figures.cached(
            lambda: figures.due_soon(user, today, DUE_SOON_ON_DASHBOARD), "due-soon", figures.audience(user), today
        ),
        "due_soon_url": _due_soon_url(today),
    }
    return render_jinja2(request, "agreements/dashboard.html", context)


def _commissions_with_sessions():
    """Every commission with its number of sessions and its latest one (the same for every reader)."""
    latest_session = Session.objects.filter(commission=OuterRef("pk")).order_by("-number")
    return Commission.objects.select_related("lead_institution").annotate(
        session_count=_count_by(Session.objects.all(), "commission"),
        latest_session=Subquery(latest_session.values("number")[:1]),
        latest_session_id=Subquery(latest_session.values("pk")[:1]),
    )


def _party_names():
    """{commission id: its parties' names, by name}, in one query of two columns: a prefetch of the countries built
    a model instance and a related manager for each, for a name each."""
    names = defaultdict(list)
    for commission, name in compiled_rows.once("parties", (), _parties):
        names[commission].append(name)
    return names


def _parties():
    parties = Commission.parties.through.objects.order_by("country__name", "country_id")
    return parties.values_list("commission_id", "country__name")


# As the dashboard's: tallies, and commissions and their sessions, the same whatever the values.
@kept_plans()
def commission_list(request):
    today = local_today()
    user = request.user
    commissions = compiled_rows.once("commissions", (), _commissions_with_sessions)
    counts = figures.cached(lambda: figures.per_commission(user, today), "commissions", figures.audience(user), today)
    parties = _party_names()
    for commission in commissions:
        commission.party_names = parties.get(commission.pk, [])
        found = counts.get(commission.pk, {})
        for name in ("agreement_count", "open_count", "overdue_count"):
            setattr(commission, name, found.get(name, 0))
    return render_jinja2(request, "agreements/commission_list.html", {"commissions": commissions})


# The commission's own rows by its id, its sessions' tallies, and its overdue lines under the reader's clearance.
@kept_plans()
def _first_overdue(today):
    def build(lines, commission_id):
        overdue = lines.overdue(today).filter(commission_id=commission_id).order_by("due_date", "id")
        return overdue.values_list("pk", flat=True)[:OVERDUE_ON_COMMISSION_PAGE]

    return build


def commission_detail(request, pk):
    commission = get_commission_for_user(request, pk)
    today = local_today()
    user = request.user
    sessions = object_rows.commission_sessions(commission.pk)
    counts = figures.cached(
        lambda: figures.per_session(user, commission.pk, today),
        "sessions",
        commission.pk,
        figures.audience(user),
        today,
    )
    totals = dict.fromkeys(figures.SESSION_FIGURES, 0)
    for session_counts in counts.values():
        for name in figures.SESSION_FIGURES:
            totals[name] += session_counts[name]
    for session in sessions:
        found = counts.get(session.pk, dict.fromkeys(figures.SESSION_FIGURES, 0))
        session.agreement_count = found["agreements"]
        session.open_count = found["open"]
        session.overdue_count = found["overdue"]
        session.progress = figures.mean_progress(found)
    # The first overdue lines' ids, then their rows looked up by id as the action-line list's (list_bases.lookup),
    # each by a statement written once per reader.
    overdue_ids = resolved_rows(
        user, "action_lines", f"commission.overdue.{today.isoformat()}", _first_overdue(today), commission.pk
    )
    overdue = rows_in_order(overdue_ids, lookup=ActionLineFilter.lookup(user, action_line_rows))
    context = {
        "commission": commission,
        "parties": _party_names().get(commission.pk, []),
        "sessions": sessions,
        "agreement_total": totals["agreements"],
        "line_totals": {**totals, "progress": figures.mean_progress(totals)},
        "overdue_lines": list(overdue),
        "overdue_url": _list_url("agreements:action_line_list", commission=commission.pk, overdue="yes"),
        "today": today,
    }
    return render_jinja2(request, "agreements/commission_detail.html", context)


def session_detail(request, pk):
    session = get_session_for_user(request, pk)
    today = local_today()
    agreements = Agreement.objects.visible_to(request.user)
    lines = ActionLine.objects.visible_to(request.user)
    meetings = session.meetings.select_related("sector").annotate(
        agreement_count=_count_by(agreements, "meeting"),
        line_count=_count_by(lines, "agreement__meeting"),
        overdue_count=_count_by(lines.overdue(today), "agreement__meeting"),
        progress=_progress_by(lines, "agreement__meeting"),
    )
    context = {
        "session": session,
        "meetings": meetings,
        "agreement_total": agreements.filter(session=session).count(),
        "line_totals": _line_totals(lines.filter(agreement__session=session), today),
        "agreements_url": _list_url("agreements:agreement_list", session=session.pk),
        "documents": visible_documents(request.user).filter(session=session),
        "carry_over": carry_over.session_figures(session, request.user),
    }
    return render(request, "agreements/session_detail.html", context)


def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request, pk)
    lines = carry_over.lines_with_carry_over(ActionLine.objects.select_related(*LINE_TABLE_RELATED)).order_by(
        "due_date", "id"
    )
    agreements = (
        carry_over.agreements_with_carry_over(Agreement.objects.visible_to(request.user))
        .filter(meeting=meeting)
        .with_progress()
        .select_related("coordinator")
        .prefetch_related(Prefetch("action_lines", queryset=lines))
        .order_by("reference_code")
    )
    context = {
        "meeting": meeting,
        "agreements": agreements,
        "documents": visible_documents(request.user).filter(meeting=meeting),
        "today": local_today(),
    }
    return render(request, "agreements/meeting_detail.html", context)


def _carry_over_links(user, kind, obj, related):
    """What `obj` (an agreement or a line, of `kind`) continues, or None, and what continues it, among what `user`
    may see (a restricted predecessor is not linked for a viewer), in one query written once per reader
    (access.resolved_rows)."""
    if obj.carried_over_from_id:
        found = resolved_rows(user, kind, "carry_over.both", _both_ways(related), obj.pk, obj.carried_over_from_id)
    else:
        found = resolved_rows(user, kind, "carry_over.later", _later(related), obj.pk)
    continues = next((other for other in found if other.pk == obj.carried_over_from_id), None)
    return continues, [other for other in found if other.carried_over_from_id == obj.pk]


def _later(related):
    return lambda visible, pk: visible.select_related(related).filter(carried_over_from_id=pk)


def _both_ways(related):
    return lambda visible, pk, earlier: visible.select_related(related).filter(
        Q(pk=earlier) | Q(carried_over_from_id=pk)
    )


def _mean_progress(lines):
    """Agreement.compute_progress() from the agreement's lines already on the page, without another query."""
    percents = [line.percent_complete for line in lines if line.status != ActionLine.Status.CANCELLED]
    return sum(percents) / len(percents) if percents else None


# Every statement of an object page looks rows up by the object's id: their plans can be kept.
@kept_plans()
def agreement_detail(request, pk):
    agreement = get_agreement_for_user(request, pk)
    user = request.user
    # As the lists read theirs: the table's rows, not model instances (agreements/table_rows.py).
    lines = object_rows.agreement_lines(agreement.pk)
    continues, continued_by = _carry_over_links(user, "agreements", agreement, "session")
    context = {
        "agreement": agreement,
        "crumbs": breadcrumbs_for({"request": request}, agreement)["crumbs"],
        "following": is_following(user, agreement),
        "progress": _mean_progress(lines),
        "our_institutions": object_rows.institutions(agreement.pk, "ours"),
        "counterpart_institutions": object_rows.institutions(agreement.pk, "counterpart"),
        "continues": continues,
        "continued_by": continued_by,
        "action_lines": lines,
        "updates": object_rows.agreement_updates(user, agreement.pk),
        "deadline_changes": object_rows.agreement_deadline_changes(agreement.pk),
        "documents": object_rows.documents(user, agreement_id=agreement.pk),
        "today": local_today(),
    }
    if can_manage_access(user):
        context["grant_form"] = access_list.GrantForm(agreement)
        context["grants"] = access_list.grants_of(agreement)
    return render_jinja2(request, "agreements/agreement_detail.html", context)


@kept_plans()
def action_line_detail(request, pk):
    line = get_action_line_for_user(request, pk)
    user = request.user
    # A line's responsible person may see the line of a restricted agreement, not the agreement's page.
    agreement_visible = can_see_agreement(user, line.agreement_id)
    continues, continued_by = _carry_over_links(user, "action_lines", line, "agreement__session")
    context = {
        "line": line,
        "crumbs": breadcrumbs_for({"request": request}, line, agreement_visible)["crumbs"],
        "continues": continues,
        "continued_by": continued_by,
        # Updates awaiting approval are listed above the timeline, for the secretariat, until reviewed.
        "updates": object_rows.line_updates(user, line.pk),
        "deadline_changes": object_rows.line_deadline_changes(line.pk),
        "reminders": object_rows.line_reminders(line.pk),
        "documents": object_rows.documents(user, action_line_id=line.pk),
        "can_report": line.is_open and can_report_progress(user, line),
        "agreement_visible": agreement_visible,
        "today": local_today(),
    }
    return render_jinja2(request, "agreements/action_line_detail.html", context)
