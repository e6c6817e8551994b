"""Carrying a session's pending agreements and action lines over into the next session of the same commission.

Pending: an agreement neither completed nor cancelled that still has open action lines, in this session or an
earlier one, and not already continued in a later session other than the next. Each agreement carried becomes a
new agreement in the next session's meeting of its sector (made when missing), with a reference in the
commission's pattern and `carried_over_from` set; each line chosen is copied under it. The original line is
closed as cancelled with a note naming its successor, so one commitment is followed (and reminded) in one place;
its history and progress stay on it. Everything happens in one transaction, and a unique constraint per
(original, session) stops an agreement from being carried twice into the same session.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .access import is_secretariat
from .forms import DateInput
from .models import (
    OPEN_STATUSES,
    ActionLine,
    Agreement,
    AgreementAccess,
    Country,
    SectoralMeeting,
    Session,
)
from .models.dates import validate_sane_date
from .progress import report_progress

CLOSED_AGREEMENT_STATUSES = (Agreement.Status.COMPLETED, Agreement.Status.CANCELLED)
# The work goes on where it stands; anything else open starts afresh in the new session.
KEPT_LINE_STATUSES = (ActionLine.Status.IN_PROGRESS, ActionLine.Status.BLOCKED)


def next_session_of(session):
    return Session.objects.filter(commission_id=session.commission_id, number=session.number + 1).first()


# --- Labels on pages and lists: "carried over from VII", "carried over to VIII" --------------------------------


def agreements_with_carry_over(queryset):
    """Annotate `carried_from_number` and `carried_to_number`: the session numbers on either side of a carry-over."""
    later = Agreement.objects.filter(carried_over_from=OuterRef("pk")).order_by("session__number")
    return queryset.annotate(
        carried_from_number=Subquery(
            Agreement.objects.filter(pk=OuterRef("carried_over_from_id")).values("session__number")[:1]
        ),
        carried_to_number=Subquery(later.values("session__number")[:1]),
    )


def lines_with_carry_over(queryset):
    """The same annotations for action lines, read through their agreements."""
    later = ActionLine.objects.filter(carried_over_from=OuterRef("pk")).order_by("agreement__session__number")
    return queryset.annotate(
        carried_from_number=Subquery(
            ActionLine.objects.filter(pk=OuterRef("carried_over_from_id")).values("agreement__session__number")[:1]
        ),
        carried_to_number=Subquery(later.values("agreement__session__number")[:1]),
    )


# --- What may be carried ---------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """A pending agreement on the page: its open lines, and its successor in the next session if it has one."""

    agreement: Agreement
    lines: list = field(default_factory=list)

    @property
    def already_carried(self):
        return self.agreement.successor_id is not None

    @property
    def open_lines(self):
        return [line for line in self.lines if line.successor_id is None]


def _successor(model, next_session, session_path):
    if next_session is None:
        return Value(None, output_field=IntegerField())
    later = model.objects.filter(carried_over_from=OuterRef("pk"), **{session_path: next_session})
    return Subquery(later.values("pk")[:1])


def candidates(session, user, next_session):
    """Pending agreements of `session` and earlier sessions of its commission that `user` may see, each with its
    open visible lines, plus those already carried into `next_session` (shown, not offered again)."""
    open_lines = ActionLine.objects.visible_to(user).filter(status__in=OPEN_STATUSES)
    continued_elsewhere = Agreement.objects.filter(carried_over_from=OuterRef("pk")).exclude(
        session=next_session.pk if next_session else None
    )
    pending = (
        ~Q(status__in=CLOSED_AGREEMENT_STATUSES)
        & Exists(open_lines.filter(agreement=OuterRef("pk")))
        & ~Exists(continued_elsewhere)
    )
    if next_session is not None:
        pending |= Q(carried_over_to__session=next_session)
    agreements = list(
        Agreement.objects.visible_to(user)
        .filter(commission_id=session.commission_id, session__number__lte=session.number)
        .filter(pending)
        .distinct()
        .select_related("session", "sector")
        .annotate(successor_id=_successor(Agreement, next_session, "session"))
        .order_by("sector__name", "session__number", "reference_code")
    )
    lines_continued_elsewhere = ActionLine.objects.filter(carried_over_from=OuterRef("pk")).exclude(
        agreement__session=next_session.pk if next_session else None
    )
    shown = Q(status__in=OPEN_STATUSES) & ~Exists(lines_continued_elsewhere)
    if next_session is not None:
        shown |= Q(carried_over_to__agreement__session=next_session)
    lines = (
        ActionLine.objects.visible_to(user)
        .filter(agreement__in=[agreement.pk for agreement in agreements])
        .filter(shown)
        .distinct()
        .select_related("responsible_person", "counterpart_person")
        .annotate(successor_id=_successor(ActionLine, next_session, "agreement__session"))
        .order_by("due_date", "pk")
    )
    found = {agreement.pk: Candidate(agreement) for agreement in agreements}
    for line in lines:
        found[line.agreement_id].lines.append(line)
    return [candidate for candidate in found.values() if candidate.already_carried or candidate.open_lines]


def by_sector(found):
    """[(sector, [candidates…])…] in the order `candidates` gives (by sector name)."""
    groups = []
    for candidate in found:
        if not groups or groups[-1][0] != candidate.agreement.sector:
            groups.append((candidate.agreement.sector, []))
        groups[-1][1].append(candidate)
    return groups


# --- References in the commission's pattern: VE-BY-VIII-IND-01 -------------------------------------------------


def sector_code(sector):
    """IND for Industria, CYT for Ciencia y tecnología: the demo's three letters, or the initials of several words."""
    plain = unicodedata.normalize("NFKD", sector.name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z]+", plain)
    if not words:
        return "SEC"
    return ("".join(word[0] for word in words)[:4] if len(words) > 1 else words[0][:3]).upper()


def party_codes(commission):
    """VE-BY: our country (the lead institution's) first, then the other parties."""
    codes = sorted(commission.parties.values_list("code", flat=True))
    lead = commission.lead_institution
    if lead is not None and lead.country.code in codes:
        codes.remove(lead.country.code)
        codes.insert(0, lead.country.code)
    return "-".join(codes) or "REF"


def reference_prefix(original, next_session):
    """The original's own pattern with the new session's numeral, else parties-numeral-sector."""
    numeral = next_session.roman_number
    match = re.fullmatch(rf"(.+)-{original.session.roman_number}-([A-Z0-9]+)-\d+", original.reference_code)
    if match:
        return f"{match[1]}-{numeral}-{match[2]}"
    return f"{party_codes(next_session.commission)}-{numeral}-{sector_code(original.sector)}"


def next_reference(prefix):
    """The prefix with the next running number free for it: VE-BY-IX-IND-01, -02, …"""
    pattern = re.compile(re.escape(prefix) + r"-(\d+)")
    taken = Agreement.objects.filter(reference_code__startswith=f"{prefix}-").values_list("reference_code", flat=True)
    numbers = [int(match[1]) for code in taken if (match := pattern.fullmatch(code))]
    return f"{prefix}-{max(numbers, default=0) + 1:02d}"


# --- The carry-over itself ---------------------------------------------------------------------------------------


@dataclass
class Outcome:
    session: Session
    agreements: int = 0
    lines: int = 0
    skipped: int = 0


def _copy_agreement(original, meeting, next_session):
    copy = Agreement(
        meeting=meeting,
        reference_code=next_reference(reference_prefix(original, next_session)),
        title=original.title,
        description=original.description,
        kind=original.kind,
        status=original.status,
        confidentiality=original.confidentiality,
        signed_date=original.signed_date,
        entry_into_force_date=original.entry_into_force_date,
        expiry_date=original.expiry_date,
        coordinator_id=original.coordinator_id,
        carried_over_from=original,
    )
    copy.save()
    copy.our_institutions.set(original.our_institutions.all())
    copy.counterpart_institutions.set(original.counterpart_institutions.all())
    # Whoever was cleared for the original is cleared for its continuation.
    AgreementAccess.objects.bulk_create(
        [
            AgreementAccess(agreement=copy, user_id=grant.user_id, granted_by_id=grant.granted_by_id)
            for grant in original.access_grants.all()
        ]
    )
    return copy


def _copy_line(original, agreement, user, next_session):
    kept = original.status in KEPT_LINE_STATUSES
    copy = ActionLine.objects.create(
        agreement=agreement,
        title=original.title,
        description=original.description,
        responsible_institution_id=original.responsible_institution_id,
        responsible_person_id=original.responsible_person_id,
        counterpart_institution_id=original.counterpart_institution_id,
        counterpart_person_id=original.counterpart_person_id,
        due_date=original.due_date,
        status=original.status if kept else ActionLine.Status.NOT_STARTED,
        percent_complete=original.percent_complete if kept else 0,
        target_quantity=original.target_quantity,
        target_unit=original.target_unit,
        achieved_quantity=original.achieved_quantity if kept else None,
        carried_over_from=original,
    )
    note = gettext("Carried over to session %(number)s as %(reference)s.") % {
        "number": next_session.roman_number,
        "reference": agreement.reference_code,
    }
    report_progress(original, author=user, note=note, status=ActionLine.Status.CANCELLED)
    return copy


def carry_over(session, user, agreement_ids, line_ids, new_session=None):
    """Carry the chosen agreements and lines of `session` (or earlier) into the next session; returns an Outcome.

    `new_session` holds city, country, start_date and end_date for a next session that does not exist yet. Only
    candidates the user may see are carried; a line chosen brings its agreement; anything already carried into
    the next session is skipped. All or nothing.
    """
    agreement_ids, line_ids = {int(pk) for pk in agreement_ids}, {int(pk) for pk in line_ids}
    with transaction.atomic():
        # One carry-over of a session at a time: the second sees what the first made.
        Session.objects.select_for_update().get(pk=session.pk)
        next_session = next_session_of(session)
        if next_session is None:
            next_session = Session(
                commission_id=session.commission_id,
                number=session.number + 1,
                status=Session.Status.PLANNED,
                **(new_session or {}),
            )
            next_session.full_clean()
            next_session.save()
        outcome = Outcome(next_session)
        meetings = {meeting.sector_id: meeting for meeting in next_session.meetings.all()}
        for candidate in candidates(session, user, next_session):
            original = candidate.agreement
            lines = [line for line in candidate.lines if line.pk in line_ids]
            if original.pk not in agreement_ids and not lines:
                continue
            if candidate.already_carried:
                successor = Agreement.objects.get(pk=original.successor_id)
                outcome.skipped += original.pk in agreement_ids
            else:
                if original.sector_id not in meetings:
                    meetings[original.sector_id] = SectoralMeeting.objects.create(
                        session=next_session, sector_id=original.sector_id, date=next_session.start_date
                    )
                successor = _copy_agreement(original, meetings[original.sector_id], next_session)
                outcome.agreements += 1
            for line in lines:
                if line.successor_id is not None:
                    outcome.skipped += 1
                    continue
                _copy_line(line, successor, user, next_session)
                outcome.lines += 1
    return outcome


# --- The form ---------------------------------------------------------------------------------------------------


class CarryOverForm(forms.Form):
    """The items to carry; and, when the next session does not exist yet, its place and dates."""

    agreements = forms.MultipleChoiceField(label=_("Agreements"), required=False, widget=forms.CheckboxSelectMultiple)
    lines = forms.MultipleChoiceField(label=_("Action lines"), required=False, widget=forms.CheckboxSelectMultiple)
    city = forms.CharField(label=_("City"), max_length=100, widget=forms.TextInput(attrs={"class": "input"}))
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), widget=forms.Select(attrs={"class": "select"})
    )
    start_date = forms.DateField(label=_("Start date"), validators=[validate_sane_date], widget=DateInput())
    end_date = forms.DateField(label=_("End date"), validators=[validate_sane_date], widget=DateInput())

    SESSION_FIELDS = ("city", "country", "start_date", "end_date")

    def __init__(self, *args, found, creating, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.fields["agreements"].choices = [
            (str(c.agreement.pk), c.agreement.reference_code) for c in found if not c.already_carried
        ]
        self.fields["lines"].choices = [(str(line.pk), line.title) for c in found for line in c.open_lines]
        if not creating:
            for name in self.SESSION_FIELDS:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("agreements") and not cleaned.get("lines") and not self.has_error("agreements"):
            self.add_error("agreements", _("Choose at least one agreement or action line to carry over."))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The session cannot end before it starts."))
        return cleaned

    def new_session(self):
        if not self.creating:
            return None
        return {name: self.cleaned_data[name] for name in self.SESSION_FIELDS}


# --- The session page -------------------------------------------------------------------------------------------


def session_figures(session, user):
    """What the session page says of carry-over: agreements carried in, carried out, and the next session."""
    agreements = Agreement.objects.visible_to(user).filter(session=session)
    counts = agreements.aggregate(
        carried_in=Count("pk", filter=Q(carried_over_from__isnull=False)),
        carried_out=Count("pk", filter=Exists(Agreement.objects.filter(carried_over_from=OuterRef("pk")))),
    )
    return {
        **counts,
        "next_session": next_session_of(session),
        "can_prepare": is_secretariat(user),
    }
