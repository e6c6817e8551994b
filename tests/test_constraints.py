"""Every rule in the database rejects bad data there, and the same rule shows as a clear message on a form."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import CheckConstraint
from django.forms import modelform_factory
from django.utils import timezone, translation

from agreements.models import (
    ActionLine,
    Agreement,
    AgreementAccess,
    Commission,
    Country,
    DeadlineChange,
    Document,
    Institution,
    ProgressUpdate,
    Reminder,
    Sector,
    SectoralMeeting,
    Session,
    SweepRun,
)
from agreements.models.reminders import ReminderDispatch

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@dataclass
class Case:
    """`bad(make)` returns a row breaking the rule: unsaved, or saved and then changed in memory."""

    bad: Any
    field: str
    message: str


def _changed(instance, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def _own_superior(make):
    person = make.person()
    return _changed(person, superior=person)


def _twin_session(make):
    session = make.session(number=8)
    return Session(
        commission=session.commission, number=8, start_date=DAY, city="Minsk", country=make.country("BY", "Belarús")
    )


def _twin_meeting(make):
    meeting = make.meeting()
    return SectoralMeeting(session=meeting.session, sector=meeting.sector, date=DAY)


def _twin_institution(make):
    make.institution("Empresa Mixta Veneminsk")
    return Institution(name="EMPRESA MIXTA VENEMINSK", country=make.country())


def _signed(make, **fields):
    return _changed(make.agreement(), **fields)


def _line(make, **fields):
    return _changed(make.action_line(), **fields)


def _deadline_change(make, **fields):
    line = make.action_line(due_date=DAY)
    values = {"action_line": line, "old_date": DAY, "new_date": DAY + datetime.timedelta(days=7), "reason": "Embarque"}
    return DeadlineChange(**(values | fields))


def _progress_update(make, **fields):
    return ProgressUpdate(**({"action_line": make.action_line(), "note": "Llegó el primer lote."} | fields))


def _document(make, **fields):
    return Document(title="Acta", file="documents/acta.pdf", **fields)


def _both_owners(make):
    agreement = make.agreement()
    return _document(make, meeting=agreement.meeting, agreement=agreement)


def _twin_external_reference(make, build):
    first = build(make, external_reference="HOJA-1")
    first.save_base()
    return build(make, external_reference="HOJA-1")


def _carried_twice(make):
    first = make.agreement()
    later = make.agreement(carried_over_from=first)
    placement = {"session": later.session, "commission": later.commission, "sector": later.sector}
    return Agreement(meeting=later.meeting, reference_code="TWIN-1", title="Twin", carried_over_from=first, **placement)


def _line_carried_twice(make):
    first = make.action_line()
    later = make.action_line(carried_over_from=first)
    return ActionLine(
        agreement=later.agreement,
        commission=later.commission,
        sector=later.sector,
        title="Twin",
        due_date=DAY,
        original_due_date=DAY,
        carried_over_from=first,
    )


def _import_past_its_total(make):
    from agreements.models import SpreadsheetImport

    return SpreadsheetImport(file="documents/x", file_name="acuerdos.xlsx", rows_total=10, rows_done=11)


def _twin_follow(make):
    from agreements.models import Follow

    follow = Follow.objects.create(user=make.user(), agreement=make.agreement())
    return Follow(user=follow.user, agreement=follow.agreement)


def _twin_notice(make, event):
    from agreements.models import FollowNotice

    line = make.action_line()
    if event == "progress_update":
        source = ProgressUpdate.objects.create(action_line=line, note="Llegó el primer lote.")
        kind = "progress"
    else:
        source = DeadlineChange.objects.create(
            action_line=line, old_date=line.due_date, new_date=DAY, reason="Embarque"
        )
        kind = "deadline"
    values = {"follower": make.user(), "agreement": line.agreement, "kind": kind, event: source}
    FollowNotice.objects.create(**values)
    return FollowNotice(**values)


def _unsent_notice(make):
    from agreements.models import FollowNotice

    agreement = make.agreement()
    return FollowNotice(follower=make.user(), agreement=agreement, kind="status", status="sent")


def _link_expiring_at_once(make):
    from agreements.models import UpdateLink

    now = timezone.now()
    return UpdateLink(action_line=make.action_line(), person=make.person(), token="t", created_at=now, expires_at=now)


def _twin_access_grant(make):
    agreement, user = make.agreement(), make.user()
    AgreementAccess.objects.create(agreement=agreement, user=user)
    return AgreementAccess(agreement=agreement, user=user)


FAR_FUTURE = datetime.date(9999, 12, 31)
OUT_OF_RANGE = "Enter a date between 1990 and 2100."


def _out_of_range_cases():
    """One case per date that must stay within 1990–2100: deadlines and legal dates."""
    rows = {
        "action_line": (_line, ["due_date", "original_due_date", "completed_date"]),
        "agreement": (_signed, ["signed_date", "entry_into_force_date", "expiry_date"]),
        "deadline_change": (_deadline_change, ["old_date", "new_date"]),
        "progress_update": (_progress_update, ["new_due_date"]),
    }
    cases = {}
    for prefix, (build, fields) in rows.items():
        for field in fields:
            extra = {"status": "done", "percent_complete": 100} if field == "completed_date" else {}
            cases[f"{prefix}_{field}_in_range"] = Case(
                lambda make, build=build, field=field, extra=extra: build(make, **{field: FAR_FUTURE}, **extra),
                field,
                OUT_OF_RANGE,
            )
    return cases


def _reminder(make, **fields):
    line = make.action_line()
    values = {"action_line": line, "recipient": make.person(), "kind": "before", "days_from_deadline": -7}
    return Reminder(**(values | {"due_date": line.due_date} | fields))


def _twin_reminder(make):
    reminder = _reminder(make)
    reminder.save()
    return Reminder(
        action_line=reminder.action_line,
        recipient=reminder.recipient,
        kind=reminder.kind,
        days_from_deadline=reminder.days_from_deadline,
        due_date=reminder.due_date,
    )


CASES = {
    "country_code_is_two_capitals": Case(
        lambda make: Country(code="V1", name="Venezuela"), "code", "Use the two-letter ISO 3166 code, e.g. VE."
    ),
    "institution_name_unique_per_country": Case(
        _twin_institution, "name", "An institution with this name already exists in this country."
    ),
    "person_is_not_own_superior": Case(_own_superior, "superior", "A person cannot be their own superior."),
    "session_number_unique_per_commission": Case(
        _twin_session, "number", "This commission already has a session with this number."
    ),
    "session_number_positive": Case(
        lambda make: _changed(make.session(), number=0), "number", "The session number must be 1 or more."
    ),
    "session_ends_after_it_starts": Case(
        lambda make: _changed(make.session(start_date=DAY), end_date=DAY - datetime.timedelta(days=1)),
        "end_date",
        "The session cannot end before it starts.",
    ),
    "one_meeting_per_sector_per_session": Case(
        _twin_meeting, "sector", "This session already has a meeting for this sector."
    ),
    "agreement_enters_into_force_after_signing": Case(
        lambda make: _signed(make, signed_date=DAY, entry_into_force_date=DAY - datetime.timedelta(days=1)),
        "entry_into_force_date",
        "An agreement cannot enter into force before it is signed.",
    ),
    "agreement_expires_after_signing": Case(
        lambda make: _signed(make, signed_date=DAY, expiry_date=DAY),
        "expiry_date",
        "An agreement must expire after it is signed.",
    ),
    "agreement_expires_after_entry_into_force": Case(
        lambda make: _signed(make, entry_into_force_date=DAY, expiry_date=DAY - datetime.timedelta(days=1)),
        "expiry_date",
        "An agreement must expire after it enters into force.",
    ),
    "signed_instrument_has_signed_date": Case(
        lambda make: _signed(make, kind=Agreement.Kind.MEMORANDUM, status=Agreement.Status.SIGNED),
        "signed_date",
        "A signed memorandum or contract needs its signed date.",
    ),
    "document_has_exactly_one_owner": Case(
        _both_owners,
        NON_FIELD_ERRORS,
        "Attach the document to exactly one session, meeting, agreement or action line.",
    ),
    "agreement_external_reference_unique": Case(
        lambda make: _twin_external_reference(make, _signed),
        "external_reference",
        "Another agreement already has this external reference.",
    ),
    "action_line_external_reference_unique": Case(
        lambda make: _twin_external_reference(make, _line),
        "external_reference",
        "Another action line already has this external reference.",
    ),
    "agreement_carried_over_once_per_session": Case(
        _carried_twice, NON_FIELD_ERRORS, "This agreement has already been carried over to that session."
    ),
    "action_line_carried_over_once_per_agreement": Case(
        _line_carried_twice, NON_FIELD_ERRORS, "This action line has already been carried over to that agreement."
    ),
    "import_progress_within_total": Case(
        _import_past_its_total, NON_FIELD_ERRORS, "Constraint “import_progress_within_total” is violated."
    ),
    "follow_once_per_user": Case(_twin_follow, NON_FIELD_ERRORS, "Follow with this User and Agreement already exists."),
    "follow_notice_once_per_update": Case(
        lambda make: _twin_notice(make, "progress_update"),
        NON_FIELD_ERRORS,
        "Constraint “follow_notice_once_per_update” is violated.",
    ),
    "follow_notice_once_per_deadline_change": Case(
        lambda make: _twin_notice(make, "deadline_change"),
        NON_FIELD_ERRORS,
        "Constraint “follow_notice_once_per_deadline_change” is violated.",
    ),
    "follow_notice_sent_at_iff_sent": Case(
        _unsent_notice, NON_FIELD_ERRORS, "Constraint “follow_notice_sent_at_iff_sent” is violated."
    ),
    "update_link_expires_after_sending": Case(
        _link_expiring_at_once, NON_FIELD_ERRORS, "Constraint “update_link_expires_after_sending” is violated."
    ),
    "agreement_access_once_per_user": Case(
        _twin_access_grant, NON_FIELD_ERRORS, "Access grant with this Agreement and User already exists."
    ),
    **_out_of_range_cases(),
    "action_line_percent_0_to_100": Case(
        lambda make: _line(make, percent_complete=101),
        "percent_complete",
        "Percent complete must be between 0 and 100.",
    ),
    "action_line_achieved_not_negative": Case(
        lambda make: _line(make, achieved_quantity=-1), "achieved_quantity", "The achieved quantity cannot be negative."
    ),
    "action_line_target_positive": Case(
        lambda make: _line(make, target_quantity=0, target_unit="tractores"),
        "target_quantity",
        "The target quantity must be greater than zero.",
    ),
    "action_line_target_has_unit": Case(
        lambda make: _line(make, target_quantity=80), "target_unit", "Say what the target counts, e.g. tractors."
    ),
    "action_line_completed_date_iff_done": Case(
        lambda make: _line(make, status=ActionLine.Status.DONE, percent_complete=100),
        "completed_date",
        "A finished action line needs its completed date.",
    ),
    "action_line_done_is_100_percent": Case(
        lambda make: _line(make, status=ActionLine.Status.DONE, percent_complete=90, completed_date=DAY),
        "percent_complete",
        "A finished action line is 100% complete.",
    ),
    "deadline_change_changes_the_date": Case(
        lambda make: _deadline_change(make, new_date=DAY), "new_date", "The new deadline must differ from the old one."
    ),
    "deadline_change_has_reason": Case(
        lambda make: _deadline_change(make, reason=""), "reason", "Give a reason for the new deadline."
    ),
    "progress_update_percent_0_to_100": Case(
        lambda make: _progress_update(make, percent_complete=150),
        "percent_complete",
        "Percent complete must be between 0 and 100.",
    ),
    "progress_update_achieved_not_negative": Case(
        lambda make: _progress_update(make, achieved_quantity=-5),
        "achieved_quantity",
        "The achieved quantity cannot be negative.",
    ),
    "progress_update_has_note": Case(lambda make: _progress_update(make, note=""), "note", "Write what happened."),
    "reminder_once_per_line_recipient_kind_deadline": Case(
        _twin_reminder,
        NON_FIELD_ERRORS,
        "Reminder with this Action line, Recipient, Kind, Days from deadline and Deadline already exists.",
    ),
    "reminder_sent_at_iff_sent": Case(
        lambda make: _reminder(make, status=Reminder.Status.SENT),
        "sent_at",
        "A sent reminder needs the time it was sent.",
    ),
    "reminder_dispatch_one_row": Case(
        lambda make: ReminderDispatch(id=2, finished_at=timezone.now()),
        NON_FIELD_ERRORS,
        "The dispatcher keeps a single record.",
    ),
}


def test_every_constraint_of_the_domain_is_covered():
    declared = {
        constraint.name
        for model in apps.get_app_config("agreements").get_models()
        for constraint in model._meta.constraints
    }
    assert declared == set(CASES)


def _constraint(name):
    for model in apps.get_app_config("agreements").get_models():
        for constraint in model._meta.constraints:
            if constraint.name == name:
                return constraint
    raise LookupError(name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_database_rejects_what_the_constraint_forbids(make, name):
    row = CASES[name].bad(make)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        # save_base skips the models' save() hooks, so the row reaches the database as it is.
        row.save_base(force_insert=row._state.adding)
    # PostgreSQL names every constraint it enforces; SQLite names check constraints, and columns for unique ones.
    if connection.vendor == "postgresql" or isinstance(_constraint(name), CheckConstraint):
        assert name in str(caught.value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_validation_names_the_field_in_plain_words(make, name):
    case = CASES[name]
    row = case.bad(make)
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert case.message in caught.value.message_dict[case.field]


@pytest.mark.parametrize(
    "model, field, existing",
    [
        (Country, "code", {"code": "VE", "name": "Venezuela"}),
        (Sector, "name", {"name": "Industria"}),
        (Commission, "name", {"name": "Comisión Mixta Venezuela–Belarús"}),
        (SweepRun, "run_date", {"run_date": DAY}),
    ],
)
def test_unique_fields_are_refused_twice(model, field, existing):
    model.objects.create(**existing)
    twin = model(**existing)
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert "already exists" in caught.value.message_dict[field][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**existing)


def test_agreement_reference_code_is_unique(make):
    first = make.agreement()
    twin = _signed(make, reference_code=first.reference_code)
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert caught.value.message_dict["reference_code"] == ["Agreement with this Reference code already exists."]
    with pytest.raises(IntegrityError), transaction.atomic():
        make.agreement(reference_code=first.reference_code)


def test_action_line_form_shows_the_rule_on_its_field(make):
    line = make.action_line()
    Form = modelform_factory(ActionLine, fields=["title", "due_date", "status", "percent_complete", "completed_date"])
    form = Form(
        {"title": line.title, "due_date": "2026-03-31", "status": "done", "percent_complete": "60"}, instance=line
    )
    assert not form.is_valid()
    assert form.errors["completed_date"] == ["A finished action line needs its completed date."]
    assert form.errors["percent_complete"] == ["A finished action line is 100% complete."]
    line.refresh_from_db()
    assert line.status == ActionLine.Status.NOT_STARTED


def test_agreement_form_shows_the_legal_dates_rule(make):
    agreement = make.agreement()
    Form = modelform_factory(Agreement, fields=["title", "kind", "status", "confidentiality", "meeting", "signed_date",
                                                "entry_into_force_date", "reference_code"])  # fmt: skip
    data = {
        "title": agreement.title,
        "reference_code": agreement.reference_code,
        "kind": "memorandum",
        "status": "agreed",
        "confidentiality": "internal",
        "meeting": agreement.meeting_id,
        "signed_date": "2026-03-10",
        "entry_into_force_date": "2026-03-01",
    }
    form = Form(data, instance=agreement)
    assert not form.is_valid()
    assert form.errors["entry_into_force_date"] == ["An agreement cannot enter into force before it is signed."]


def test_a_sent_reminder_row_is_accepted(make):
    """The reminder rule's other half: a sent row with its time passes, an unsent one with a time does not."""
    _reminder(make, status=Reminder.Status.SENT, sent_at=timezone.now()).full_clean()
    with pytest.raises(ValidationError) as caught:
        _reminder(make, sent_at=timezone.now()).full_clean()
    assert caught.value.message_dict["sent_at"] == ["Only a sent reminder has a sent time."]


class TestPlacementFollowsTheMeeting:
    """Agreements and action lines carry copies of commission and sector; the copies follow every move."""

    def test_agreement_moved_to_another_meeting(self, make):
        line = make.action_line()
        agreement = line.agreement
        elsewhere = make.meeting()

        agreement.meeting = elsewhere
        agreement.save()

        agreement.refresh_from_db()
        line.refresh_from_db()
        commission = elsewhere.session.commission_id
        assert (agreement.session_id, agreement.commission_id, agreement.sector_id) == (
            elsewhere.session_id,
            commission,
            elsewhere.sector_id,
        )
        assert (line.commission_id, line.sector_id) == (commission, elsewhere.sector_id)

    def test_meeting_moved_to_another_session_and_sector(self, make):
        line = make.action_line()
        meeting = line.agreement.meeting
        session, sector = make.session(), make.sector()

        meeting.session, meeting.sector = session, sector
        meeting.save()

        line.refresh_from_db()
        agreement = line.agreement
        assert (agreement.session_id, agreement.commission_id, agreement.sector_id) == (
            session.pk,
            session.commission_id,
            sector.pk,
        )
        assert (line.commission_id, line.sector_id) == (session.commission_id, sector.pk)

    def test_session_moved_to_another_commission(self, make):
        line = make.action_line()
        session = line.agreement.session
        other = make.commission()

        session.commission = other
        session.save()

        line.refresh_from_db()
        assert line.agreement.commission_id == other.pk
        assert line.commission_id == other.pk

    def test_action_line_moved_to_another_agreement(self, make):
        line = make.action_line()
        other = make.agreement()

        line.agreement = other
        line.save()

        line.refresh_from_db()
        assert (line.commission_id, line.sector_id) == (other.commission_id, other.sector_id)
