"""Who may see what. The confidentiality rule is written here once; every channel asks it.

Levels (`Agreement.Confidentiality`), from open to closed:

- **public**: any signed-in user (and, one day, a public portal);
- **internal**: signed-in ministry users, i.e. every account except counterpart accounts (role "Counterpart");
- **restricted**: the secretariat (users who may change agreements: editors and administrators), the
  agreement's coordinator, the users an editor put on the agreement's access list, and the responsible
  people of an action line, for that line alone.

A counterpart account sees public material plus the lines it is responsible for and the agreements it was
cleared for. Channels: lists, search, object pages, update forms, exports, figures and counts, commission,
session and meeting pages, carry-over links, calendar feeds, documents, history, the admin and reminder
digests. Querysets use `agreement_condition` / `action_line_condition` (through the models' `visible_to`);
single objects use the `get_*_for_user` helpers, which 404 on what the user may not see.
"""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import Q, Value
from django.http import Http404
from django.shortcuts import get_object_or_404

from . import compiled_rows, roles
from .models import (
    ActionLine,
    Agreement,
    AgreementAccess,
    Commission,
    Document,
    Person,
    ProgressUpdate,
    SectoralMeeting,
    Session,
)

Level = Agreement.Confidentiality


def person_of(user):
    """The Person linked to a login account, or None (Django caches the answer on the user, even a miss)."""
    return getattr(user, "person", None) if user.is_authenticated else None


def is_secretariat(user):
    """Editors and administrators: they see everything and keep the access lists."""
    return user.is_authenticated and user.has_perm("agreements.change_agreement")


def is_counterpart(user):
    cached = getattr(user, "_is_counterpart", None)
    if cached is None:
        cached = user.is_authenticated and user.groups.filter(name=roles.COUNTERPART).exists()
        user._is_counterpart = cached
    return cached


def open_levels(user):
    """The levels this user sees on every agreement, without being named anywhere."""
    if not user.is_authenticated or is_counterpart(user):
        return (Level.PUBLIC,)
    return (Level.PUBLIC, Level.INTERNAL)


def agreement_condition(user, prefix=""):
    """A Q selecting the agreements `user` may see (fields under `prefix`), or None when they may see all."""
    if is_secretariat(user):
        return None
    condition = Q(**{f"{prefix}confidentiality__in": open_levels(user)})
    if user.is_authenticated:
        # Cleared by name: on the access list, or the coordinator. Subqueries, so a grant counts at once.
        condition |= Q(**{f"{prefix}pk__in": AgreementAccess.objects.filter(user=user).values("agreement_id")})
        condition |= Q(**{f"{prefix}coordinator_id__in": Person.objects.filter(user=user).values("pk")})
    return condition


def action_line_condition(user, prefix=""):
    """A Q selecting the action lines `user` may see (fields under `prefix`), or None when they may see all.

    The agreement's rule, asked of the line's own copy of its agreement's confidentiality (kept by the database,
    agreements/placement.py), so that no list or count joins the agreements for it."""
    if is_secretariat(user):
        return None
    condition = Q(**{f"{prefix}confidentiality__in": open_levels(user)})
    if user.is_authenticated:
        granted = AgreementAccess.objects.filter(user=user).values("agreement_id")
        coordinated = Agreement.objects.filter(coordinator_id__in=Person.objects.filter(user=user).values("pk"))
        condition |= Q(**{f"{prefix}agreement_id__in": granted})
        condition |= Q(**{f"{prefix}agreement_id__in": coordinated.values("pk")})
    person = person_of(user)
    if person is not None:
        # The responsible people of a line are cleared for that line whatever its agreement's level.
        for side in ("responsible_person_id", "counterpart_person_id"):
            condition |= Q(**{f"{prefix}{side}": person.pk})
    return condition


class NamedClearance(NamedTuple):
    """Conditions on agreements and on action lines: what a user is named for, beyond their open levels, with the
    ids they were written from (`named_rows` compiles statements on them once)."""

    agreements: Q
    action_lines: Q
    # The agreements granted (sorted), the agreements coordinated (sorted), and the person, if any.
    granted: tuple
    coordinated: tuple
    person_id: int | None


def named_clearance(user):
    """What `user` sees beyond the levels open to every reader of their kind, because they are named: on an access
    list, as coordinator, as a line's responsible person. A NamedClearance, each condition excluding the open
    levels, or None when the user is named nowhere or sees everything.

    The same rule as the conditions above, split so that figures kept per level (agreements/tallies.py) and a count
    of these few rows add up to what the user sees. The agreements named are read first, a short list, so that the
    lines' condition is a few index lookups rather than subqueries under an OR that no index serves."""
    if not user.is_authenticated or is_secretariat(user):
        return None
    # Asked several times by one page (each figure); kept on the user, who is loaded anew for each request.
    if not hasattr(user, "_named_clearance"):
        user._named_clearance = _named_clearance(user)
    return user._named_clearance


def _granted(user_id):
    return AgreementAccess.objects.filter(user_id=user_id).values_list("agreement_id", flat=True)


def _granted_and_coordinated(user_id, person_id):
    """("granted", agreement id) for the access list, ("coordinated", agreement id) for the coordinator: one
    statement for both."""
    # In no order: SQLite refuses an ORDER BY inside a UNION.
    granted = AgreementAccess.objects.filter(user_id=user_id).annotate(named_as=Value("granted")).order_by()
    coordinated = Agreement.objects.filter(coordinator_id=person_id).annotate(named_as=Value("coordinated")).order_by()
    return granted.values_list("named_as", "agreement_id").union(coordinated.values_list("named_as", "pk"), all=True)


def _named_clearance(user):
    person = person_of(user)
    if person is None:
        granted, coordinated = compiled_rows.once("granted", (), _granted, user.pk), ()
    else:
        named = compiled_rows.once("granted.coordinated", (), _granted_and_coordinated, user.pk, person.pk)
        granted = [pk for kind, pk in named if kind == "granted"]
        coordinated = [pk for kind, pk in named if kind == "coordinated"]
    if person is None and not granted:
        return None
    granted, coordinated = tuple(sorted(set(granted))), tuple(sorted(set(coordinated)))
    return _named_conditions(open_levels(user), granted, coordinated, person.pk if person is not None else None)


def _named_conditions(levels, granted, coordinated, person_id):
    agreements, lines = Q(pk__in=granted), Q(agreement_id__in=granted)
    if person_id is not None:
        agreements |= Q(coordinator_id=person_id)
        lines |= Q(agreement_id__in=coordinated)
        lines |= Q(responsible_person_id=person_id) | Q(counterpart_person_id=person_id)
    beyond = ~Q(confidentiality__in=levels)
    return NamedClearance(agreements & beyond, lines & beyond, granted, coordinated, person_id)


def _named_ids(named, kind):
    """(the shape of the ids, the ids) that `kind`'s named condition is written from, for compiled statements."""
    # The agreements' condition does not read the agreements coordinated (it asks for the coordinator).
    coordinated = named.coordinated if kind == "action_lines" else ()
    shape = (len(named.granted), len(coordinated), named.person_id is not None)
    return shape, (*named.granted, *coordinated, *(() if named.person_id is None else (named.person_id,)))


def _named_from(shape, levels, ids):
    granted, coordinated = ids[: shape[0]], ids[shape[0] : shape[0] + shape[1]]
    person_id = ids[shape[0] + shape[1]] if shape[2] else None
    return _named_conditions(levels, granted, coordinated, person_id)


def _on_clearance(user, kind, name, build, condition, *ids):
    """build(condition(clearance), *ids)'s results, by a statement compiled once per reader and shape of the ids
    they are named for (compiled_rows.once): the named ids change what is read, not the SQL."""
    named = named_clearance(user)
    if named is None:
        return None
    levels = open_levels(user)
    shape, named_ids = _named_ids(named, kind)
    count = len(named_ids)

    def conditioned(*given):
        return build(condition(levels, getattr(_named_from(shape, levels, given[:count]), kind)), *given[count:])

    return compiled_rows.once(name, (*reader_key(user), *shape), conditioned, *named_ids, *ids)


def named_rows(user, kind, name, build):
    """build(condition)'s results, `condition` being the reader's named clearance on `kind` ("agreements" or
    "action_lines"), by a statement compiled once per reader. [] when the reader is named nowhere or sees all."""
    found = _on_clearance(user, kind, f"named.{kind}.{name}", build, lambda _levels, named: named)
    return [] if found is None else found


_MODELS = {"agreements": Agreement, "action_lines": ActionLine}


def resolved_rows(user, kind, name, build, *ids):
    """build(what `user` sees of `kind`, *ids)'s results: `kind` is "agreements" or "action_lines", what is seen
    is read as `resolved_agreements` or `resolved_action_lines`, and the statement is compiled once per reader
    (compiled_rows.once), so that a page's question of the reader's rows costs no ORM work after the first.
    Whatever build() reads besides its arguments (a day asked about, a limit) must be in `name`."""
    model = _MODELS[kind]
    found = _on_clearance(
        user,
        kind,
        f"resolved.{kind}.{name}",
        lambda cleared, *given: build(model.objects.filter(cleared), *given),
        lambda levels, named: Q(confidentiality__in=levels) | named,
        *ids,
    )
    if found is not None:
        return found
    # The secretariat, or a reader named nowhere: the condition is the reader's kind alone.
    return compiled_rows.once(
        f"resolved.{kind}.{name}", reader_key(user), lambda *given: build(_resolved(model, user, kind), *given), *ids
    )


def resolved_action_lines(user):
    """The lines `user` sees, as `ActionLine.objects.visible_to(user)`, with the agreements they are named for read
    first (`named_clearance`): a condition of levels and a few ids, which PostgreSQL plans in a fraction of the
    time of the rule's subqueries. For pages that ask several questions of the same reader's lines."""
    return _resolved(ActionLine, user, "action_lines")


def resolved_agreements(user):
    """The agreements `user` sees, as `Agreement.objects.visible_to(user)`, read as `resolved_action_lines`."""
    return _resolved(Agreement, user, "agreements")


def _resolved(model, user, kind):
    if is_secretariat(user):
        return model.objects.all()
    condition = Q(confidentiality__in=open_levels(user))
    named = named_clearance(user)
    return model.objects.filter(condition if named is None else condition | getattr(named, kind))


# Evidence sent with an update awaiting approval (or rejected) stays with the secretariat.
APPROVED_EVIDENCE = Q(progress_update__isnull=True) | Q(progress_update__review=ProgressUpdate.Review.APPROVED)


def visible_documents(user):
    """Documents follow what they belong to; session and meeting documents are internal."""
    documents = Document.objects.all()
    if is_secretariat(user):
        return documents
    allowed = Q(agreement__in=Agreement.objects.visible_to(user)) | Q(
        action_line__in=ActionLine.objects.visible_to(user)
    )
    if Level.INTERNAL in open_levels(user):
        allowed |= Q(session__isnull=False) | Q(meeting__isnull=False)
    return documents.filter(allowed & APPROVED_EVIDENCE)


def documents_of_cleared(user, **owner):
    """The documents of one agreement or action line whose page `user` was let into (get_*_for_user): they follow
    what they belong to, so only the evidence rule is left to ask. `owner` is agreement=… or action_line=…."""
    documents = Document.objects.filter(**owner)
    return documents if is_secretariat(user) else documents.filter(APPROVED_EVIDENCE)


def visible_progress_updates(user, updates=None):
    """The progress updates `user` may read: updates awaiting approval, and rejected ones, are the
    secretariat's alone. Narrows `updates` (default: all); what lines they belong to is for the caller."""
    updates = ProgressUpdate.objects.all() if updates is None else updates
    if is_secretariat(user):
        return updates
    return updates.filter(review=ProgressUpdate.Review.APPROVED)


def mark_hidden_agreements(lines, user):
    """Set `agreement_hidden` on lines the user sees only as their responsible person, so tables do not link to
    an agreement page that would answer 404. One query, and only when such a line is on the page."""
    lines = list(lines)
    if is_secretariat(user):
        return lines
    levels = open_levels(user)
    candidates = {line.agreement_id for line in lines if line.agreement.confidentiality not in levels}
    if candidates:
        visible = visible_agreement_ids(user, candidates)
        for line in lines:
            line.agreement_hidden = line.agreement_id in candidates - visible
    return lines


def audience_key(user):
    """Who a cached figure is for: people with the same key see the same agreements and lines."""
    if is_secretariat(user):
        return "all"
    key = "+".join(open_levels(user))
    if person_of(user) is not None or AgreementAccess.objects.filter(user=user).exists():
        key += f":user{user.pk}"
    return key


def email_shows_line(person, line):
    """May a digest to `person` show `line`'s title and description? Email leaves the building: a restricted
    line is shown in full only to a person whose active account is cleared for it; others get its reference
    and deadline alone."""
    if line.agreement.confidentiality != Level.RESTRICTED:
        return True
    user = person.user if person.user_id else None
    if user is None or not user.is_active:
        return False
    return ActionLine.objects.visible_to(user).filter(pk=line.pk).exists()


def outside_channel_lines():
    """Lines a URL fetched by outside services may carry (personal calendar feeds): never restricted ones."""
    return ActionLine.objects.exclude(agreement__confidentiality=Level.RESTRICTED)


# One access helper per object kind: select what the page shows, 404 when absent or hidden, 403 when not allowed.


def get_commission_for_user(request, pk):
    # Commissions are open to every reader: one statement serves everyone.
    return one_cleared(
        "commission", (), lambda pk: Commission.objects.select_related("lead_institution").filter(pk=pk), pk
    )


def get_session_for_user(request, pk):
    return get_object_or_404(Session.objects.select_related("commission", "country"), pk=pk)


def get_meeting_for_user(request, pk):
    queryset = SectoralMeeting.objects.select_related("session__commission", "session__country", "sector")
    return get_object_or_404(queryset, pk=pk)


def reader_key(user):
    """What the clearance rules above read of `user`: the secretariat, all alike, or the account with its kind
    and linked person. Statements and querysets kept per reader are kept under it (compiled_rows.py, list_bases.py)."""
    if is_secretariat(user):
        return ("secretariat",)
    person = person_of(user)
    return (user.pk, is_counterpart(user), person.pk if person is not None else None)


def one_cleared(name, key, build, pk):
    """build(pk)'s only row, by a statement compiled once per `key`, what build reads of the reader
    (compiled_rows.once); else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    found = compiled_rows.once(name, key, build, pk)
    if not found:
        raise Http404
    return found[0]


def get_agreement_for_user(request, pk):
    user = request.user

    def visible(pk):
        return (
            Agreement.objects.visible_to(user)
            .select_related("meeting__sector", "session__commission", "coordinator__institution", "carried_over_from")
            .filter(pk=pk)
        )

    return one_cleared("agreement", reader_key(user), visible, pk)


def _ids_among(rows, *ids):
    return rows.filter(pk__in=ids).values_list("pk", flat=True)


def visible_agreement_ids(user, ids):
    """The set of `ids` whose agreements `user` may see, by a statement written once per reader and number of ids."""
    if not ids:
        return set()
    return set(resolved_rows(user, "agreements", "ids_among", _ids_among, *sorted(set(ids))))


def can_see_agreement(user, agreement_id):
    """For links from a line to its agreement: a line's responsible person may see the line, not always the rest."""
    return agreement_id in visible_agreement_ids(user, [agreement_id])


def can_report_progress(user, line):
    """Editors report on any line; a focal point only on the lines they are responsible for."""
    return progress_reporter(user)(line)


def progress_reporter(user):
    """can_report_progress(user, ·): a function of a line, the user's permissions asked once (a list's rows)."""
    if user.has_perm("agreements.change_actionline"):
        return lambda line: True
    person = person_of(user)
    if person is None or not user.has_perm("agreements.add_progressupdate"):
        return lambda line: False
    return lambda line: person.pk in (line.responsible_person_id, line.counterpart_person_id)


def get_action_line_for_user(request, pk, write=False):
    user = request.user

    def visible(pk):
        return (
            ActionLine.objects.visible_to(user)
            .select_related(
                "agreement__session__commission",
                "agreement__coordinator",
                "sector",
                "responsible_person__institution",
                "responsible_institution",
                "counterpart_person__institution",
                "counterpart_institution",
                "carried_over_from",
            )
            .filter(pk=pk)
        )

    line = one_cleared("action_line", reader_key(user), visible, pk)
    if write and not can_report_progress(request.user, line):
        raise PermissionDenied
    return line


def get_document_for_user(request, pk):
    return get_object_or_404(visible_documents(request.user), pk=pk)


def can_manage_access(user):
    """Only the secretariat keeps access lists."""
    return is_secretariat(user)


def can_record_outcomes(user):
    """The secretariat records meetings, agreements and action lines on the outcomes page."""
    return is_secretariat(user) and user.has_perm("agreements.add_agreement")


def require_outcomes_editor(request):
    if not can_record_outcomes(request.user):
        raise PermissionDenied


def can_review_updates(user):
    """The secretariat sends signed update links, and approves or rejects what arrives through them."""
    return is_secretariat(user) and user.has_perm("agreements.change_actionline")


def require_reviewer(request):
    if not can_review_updates(request.user):
        raise PermissionDenied
