"""The follow-up matrix: every agreement and action line of the chosen sessions that the reader may see, as plain rows.

Two queries whatever the number of rows: the visible agreements of the sessions, and their visible action lines with
the deadline moves, the latest update and the carry-over numbers as correlated subqueries. A line whose agreement the
reader may not open (they are its responsible person) is shown under its agreement's reference, without a link. What
was left out for this reader is counted, never named.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Substr
from django.http import QueryDict
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import access
from ..models import OPEN_STATUSES, ActionLine, Agreement, DeadlineChange, ProgressUpdate, Session

Level = Agreement.Confidentiality
# From open to closed: the pack is marked with the most closed level of what it includes.
LEVELS = (Level.PUBLIC, Level.INTERNAL, Level.RESTRICTED)
EXCERPT_LENGTH = 160


def session_label(session):
    return _("Session %(number)s, %(city)s") % {"number": session.roman_number, "city": session.city}


class SessionsForm(forms.Form):
    """Which sessions of the commission the matrix covers; without a choice, the latest session held."""

    session = forms.MultipleChoiceField(label=_("Sessions"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, data, commission):
        self.sessions = list(commission.sessions.order_by("number"))
        if not data.getlist("session"):
            default = latest_held(self.sessions)
            data = QueryDict(mutable=True)
            data.setlist("session", [str(default.pk)] if default else [])
        super().__init__(data)
        self.fields["session"].choices = [(str(session.pk), session_label(session)) for session in self.sessions]

    def clean_session(self):
        chosen = set(self.cleaned_data["session"])
        return [session for session in self.sessions if str(session.pk) in chosen]


def latest_held(sessions):
    """The last session held (else the last one recorded), from sessions in number order."""
    held = [session for session in sessions if session.status == Session.Status.HELD]
    return (held or sessions or [None])[-1]


@dataclass
class Side:
    person: str
    institution: str
    institution_acronym: str

    def __str__(self):
        institution = self.institution_acronym or self.institution
        return ", ".join(part for part in (self.person, institution) if part)

    def __bool__(self):
        return bool(self.person or self.institution)


@dataclass
class LineRow:
    pk: int
    title: str
    status: str
    status_label: str
    ours: Side
    theirs: Side
    original_due_date: datetime.date
    due_date: datetime.date
    moves: int
    percent_complete: int
    target_quantity: Decimal | None
    target_unit: str
    achieved_quantity: Decimal | None
    latest_note: str
    latest_at: datetime.datetime | None
    carried_from_number: int | None
    carried_to_number: int | None
    days_overdue: int
    url: str

    @property
    def is_overdue(self):
        return self.days_overdue > 0

    @property
    def owner(self):
        """Who answers for an overdue line: our side first, else the counterpart."""
        return str(self.ours) or str(self.theirs)


@dataclass
class AgreementRow:
    pk: int
    reference_code: str
    title: str
    status: str
    status_label: str
    confidentiality: str
    session_number: int
    sector: str
    carried_from_number: int | None = None
    carried_to_number: int | None = None
    url: str | None = None
    lines: list = field(default_factory=list)


@dataclass
class SectorGroup:
    name: str
    agreements: list


@dataclass
class Matrix:
    commission: object
    sessions: list
    groups: list
    left_out: int
    today: datetime.date
    # The visible lines of the chosen sessions, unevaluated, for the summary's "what changed" queries.
    scope: object = None

    @property
    def agreements(self):
        return [agreement for group in self.groups for agreement in group.agreements]

    @property
    def lines(self):
        return [line for agreement in self.agreements for line in agreement.lines]

    @property
    def level(self):
        """The most closed confidentiality level included, or "" when the matrix is empty."""
        found = {agreement.confidentiality for agreement in self.agreements}
        return next((level for level in reversed(LEVELS) if level in found), "")

    @property
    def level_label(self):
        return Level(self.level).label if self.level else ""

    @property
    def filtered_note(self):
        """What the page, the file and the pack say when something was left out for this reader, or ""."""
        if not self.left_out:
            return ""
        return ngettext(
            "This pack leaves out %(count)d item you are not cleared to see.",
            "This pack leaves out %(count)d items you are not cleared to see.",
            self.left_out,
        ) % {"count": self.left_out}

    @property
    def session_numbers(self):
        return ", ".join(session.roman_number for session in self.sessions)


AGREEMENT_FIELDS = (
    "pk", "reference_code", "title", "status", "confidentiality", "session__number", "sector__name",
    "carried_from_number", "carried_to_number",
)  # fmt: skip
LINE_FIELDS = (
    "pk", "title", "status", "agreement_id", "agreement__reference_code", "agreement__title", "agreement__status",
    "agreement__confidentiality", "agreement__session__number", "sector__name",
    "responsible_person__full_name", "responsible_institution__name", "responsible_institution__acronym",
    "counterpart_person__full_name", "counterpart_institution__name", "counterpart_institution__acronym",
    "original_due_date", "due_date", "moves", "percent_complete", "target_quantity", "target_unit",
    "achieved_quantity", "latest_note", "latest_at", "carried_from_number", "carried_to_number",
)  # fmt: skip


def _moves():
    changes = DeadlineChange.objects.filter(action_line=OuterRef("pk")).order_by().values("action_line")
    return Coalesce(Subquery(changes.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def on_record(updates):
    """Updates that are part of the record: one awaiting an editor's approval, or rejected, has changed nothing."""
    return updates.filter(review=ProgressUpdate.Review.APPROVED)


def _latest_update():
    return on_record(ProgressUpdate.objects.filter(action_line=OuterRef("pk"))).order_by("-created_at", "-id")


def _carried(model, session_path):
    """The session numbers on either side of a carry-over: the predecessor's, and the first successor's."""
    successors = model.objects.filter(carried_over_from=OuterRef("pk")).order_by(session_path)
    return {
        "carried_from_number": Subquery(
            model.objects.filter(pk=OuterRef("carried_over_from_id")).values(session_path)[:1]
        ),
        "carried_to_number": Subquery(successors.values(session_path)[:1]),
    }


def _side(row, prefix_person, prefix_institution):
    return Side(
        row[f"{prefix_person}__full_name"] or "",
        row[f"{prefix_institution}__name"] or "",
        row[f"{prefix_institution}__acronym"] or "",
    )


def _excerpt(note):
    note = " ".join((note or "").split())
    return note if len(note) <= EXCERPT_LENGTH else note[: EXCERPT_LENGTH - 1].rstrip() + "…"


def _line_row(row, statuses, today):
    overdue = row["status"] in OPEN_STATUSES and row["due_date"] < today
    return LineRow(
        pk=row["pk"],
        title=row["title"],
        status=row["status"],
        status_label=statuses[row["status"]],
        ours=_side(row, "responsible_person", "responsible_institution"),
        theirs=_side(row, "counterpart_person", "counterpart_institution"),
        original_due_date=row["original_due_date"],
        due_date=row["due_date"],
        moves=row["moves"],
        percent_complete=row["percent_complete"],
        target_quantity=row["target_quantity"],
        target_unit=row["target_unit"],
        achieved_quantity=row["achieved_quantity"],
        latest_note=_excerpt(row["latest_note"]),
        latest_at=row["latest_at"],
        carried_from_number=row["carried_from_number"],
        carried_to_number=row["carried_to_number"],
        days_overdue=(today - row["due_date"]).days if overdue else 0,
        url=reverse("agreements:action_line_detail", args=[row["pk"]]),
    )


def left_out(user, session_ids):
    """How many agreements and lines of the sessions this user is not cleared for: counted, never named.

    An agreement counts as left out only when none of its lines is shown either."""
    agreement_condition = access.agreement_condition(user)
    line_condition = access.action_line_condition(user)
    if agreement_condition is None:
        return 0
    lines = ActionLine.objects.filter(agreement__session__in=session_ids).aggregate(
        total=Count("pk"), shown=Count("pk", filter=line_condition)
    )
    shown_line = Exists(ActionLine.objects.filter(line_condition, agreement=OuterRef("pk")))
    agreements = Agreement.objects.filter(session__in=session_ids).aggregate(
        total=Count("pk"), shown=Count("pk", filter=agreement_condition | Q(shown_line))
    )
    return lines["total"] - lines["shown"] + agreements["total"] - agreements["shown"]


def build(commission, sessions, user, today):
    """The matrix of `sessions` (of `commission`) as `user` may see it, grouped by sector."""
    session_ids = [session.pk for session in sessions]
    if not session_ids:
        return Matrix(commission, [], [], 0, today, ActionLine.objects.none())
    agreement_statuses = {value: str(label) for value, label in Agreement.Status.choices}
    line_statuses = {value: str(label) for value, label in ActionLine.Status.choices}
    visible_agreements = Agreement.objects.visible_to(user).annotate(**_carried(Agreement, "session__number"))
    found = {}
    for row in visible_agreements.filter(session__in=session_ids).values(*AGREEMENT_FIELDS):
        found[row["pk"]] = AgreementRow(
            pk=row["pk"],
            reference_code=row["reference_code"],
            title=row["title"],
            status=row["status"],
            status_label=agreement_statuses[row["status"]],
            confidentiality=row["confidentiality"],
            session_number=row["session__number"],
            sector=row["sector__name"],
            carried_from_number=row["carried_from_number"],
            carried_to_number=row["carried_to_number"],
            url=reverse("agreements:agreement_detail", args=[row["pk"]]),
        )
    scope = ActionLine.objects.visible_to(user).filter(agreement__session__in=session_ids)
    lines = (
        scope.annotate(
            **_carried(ActionLine, "agreement__session__number"),
            moves=_moves(),
            latest_note=Subquery(_latest_update().annotate(excerpt=Substr("note", 1, 400)).values("excerpt")[:1]),
            latest_at=Subquery(_latest_update().values("created_at")[:1]),
        )
        .order_by("due_date", "pk")
        .values(*LINE_FIELDS)
    )
    for row in lines:
        agreement = found.get(row["agreement_id"])
        if agreement is None:
            # Seen as the line's responsible person only: the agreement is named, not linked.
            agreement = found[row["agreement_id"]] = AgreementRow(
                pk=row["agreement_id"],
                reference_code=row["agreement__reference_code"],
                title=row["agreement__title"],
                status=row["agreement__status"],
                status_label=agreement_statuses[row["agreement__status"]],
                confidentiality=row["agreement__confidentiality"],
                session_number=row["agreement__session__number"],
                sector=row["sector__name"],
            )
        agreement.lines.append(_line_row(row, line_statuses, today))
    ordered = sorted(found.values(), key=lambda a: (a.sector.casefold(), a.session_number, a.reference_code))
    groups = []
    for agreement in ordered:
        if not groups or groups[-1].name != agreement.sector:
            groups.append(SectorGroup(agreement.sector, []))
        groups[-1].agreements.append(agreement)
    return Matrix(commission, list(sessions), groups, left_out(user, session_ids), today, scope)


def download_name(built, extension):
    """The file's name: commission, session numbers and the day, e.g. comision-mixta-viii-ix-2026-04-15.pdf."""
    numbers = "-".join(session.roman_number for session in built.sessions) or "none"
    return f"{slugify(str(built.commission))}-{numbers}-{built.today.isoformat()}.{extension}"
