"""Recording a meeting's outcomes on one page: the meeting, its agreements and their action lines at once."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import ActionLine, Agreement, DeadlineChange, Institution, Person, SectoralMeeting
from agreements.outcomes.references import reference_prefix, sector_code, suggest_references

pytestmark = pytest.mark.django_db

NEW = reverse("agreements:outcomes_new")


@pytest.fixture
def editor(client, make, in_english):
    client.force_login(make.user(groups=["Editor"]))
    return client


@pytest.fixture
def world(make):
    """A Venezuela–Belarus commission led from Venezuela, its session VIII, and the people of two lines."""
    ve = make.country("VE", "Venezuela")
    by = make.country("BY", "Belarus")
    ministry = make.institution("Ministerio de Industrias", acronym="MPPIPN", country=ve)
    factory = make.institution("Fábrica de Tractores de Minsk", acronym="MTZ", country=by)
    commission = make.commission("Comisión Mixta", lead_institution=ministry)
    session = make.session(
        commission, number=8, start_date=datetime.date(2026, 9, 23), end_date=datetime.date(2026, 9, 25)
    )
    return {
        "session": session,
        "industry": make.sector("Industria"),
        "science": make.sector("Ciencia y tecnología"),
        "ministry": ministry,
        "factory": factory,
        "ana": make.person("Ana Pérez", institution=ministry),
        "ivan": make.person("Iván Sidorov", institution=factory),
    }


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def line_data(prefix, title, due="2026-12-31", **fields):
    return {f"{prefix}-title": title, f"{prefix}-due_date": due, **{f"{prefix}-{k}": v for k, v in fields.items()}}


def meeting_post(world, agreements, date="2026-09-24"):
    """POST data for a new industry meeting; `agreements` is a list of (title, [line dicts])."""
    data = {
        "meeting-sector": str(world["industry"].pk),
        "meeting-date": date,
        "meeting-chairs": "Ana Pérez\nIván Sidorov",
        "meeting-summary": "Tractors and trucks.",
        "save": "1",
        **management("agreements", len(agreements)),
    }
    for index, (title, lines) in enumerate(agreements):
        data.update({f"agreements-{index}-title": title, f"agreements-{index}-kind": "commitment"})
        data.update({f"agreements-{index}-status": "agreed", f"agreements-{index}-confidentiality": "internal"})
        data.update(management(f"agreements-{index}-lines", len(lines)))
        for number, line in enumerate(lines):
            data.update({f"agreements-{index}-lines-{number}-{key}": value for key, value in line.items()})
    return data


def two_agreements():
    return [
        (
            "Tractor assembly in Barinas",
            [
                {"title": "Deliver 80 tractor kits", "due_date": "2026-12-15", "target_quantity": "80",
                 "target_unit": "tractor kits", "responsible_person": "Ana Pérez",
                 "counterpart_person": "Iván Sidorov"},
                {"title": "Train twenty mechanics", "due_date": "2027-02-01", "responsible_person": "ana pérez"},
            ],
        ),
        ("Spare parts warehouse", [{"title": "Open the warehouse", "due_date": "2027-03-01",
                                     "counterpart_institution": "MTZ"}]),
    ]  # fmt: skip


def record(editor, world, agreements, **kwargs):
    return editor.post(f"{NEW}?session={world['session'].pk}", meeting_post(world, agreements, **kwargs))


def test_editor_records_a_meeting_with_two_agreements_and_their_lines_in_one_post(editor, world):
    response = record(editor, world, two_agreements())

    meeting = SectoralMeeting.objects.get(session=world["session"], sector=world["industry"])
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    agreements = list(meeting.agreements.order_by("reference_code"))
    assert [agreement.reference_code for agreement in agreements] == ["VE-BY-VIII-IND-01", "VE-BY-VIII-IND-02"]
    assert [agreement.title for agreement in agreements] == ["Tractor assembly in Barinas", "Spare parts warehouse"]
    kits = ActionLine.objects.get(title="Deliver 80 tractor kits")
    assert kits.agreement == agreements[0]
    assert (kits.responsible_person, kits.counterpart_person) == (world["ana"], world["ivan"])
    # A blank institution takes the person's.
    assert (kits.responsible_institution, kits.counterpart_institution) == (world["ministry"], world["factory"])
    assert kits.target_quantity == 80 and kits.target_unit == "tractor kits"
    assert kits.original_due_date == kits.due_date == datetime.date(2026, 12, 15)
    assert ActionLine.objects.get(title="Train twenty mechanics").responsible_person == world["ana"]
    warehouse = ActionLine.objects.get(title="Open the warehouse")
    assert warehouse.counterpart_institution == world["factory"]  # matched by acronym
    assert warehouse.sector == world["industry"] and warehouse.commission == world["session"].commission


def test_an_error_in_one_line_saves_nothing_and_keeps_everything_typed(editor, world):
    agreements = two_agreements()
    agreements[1][1][0]["due_date"] = "2027-02-30"  # no such day
    agreements[0][1][1]["counterpart_person"] = "Nobody Known"

    response = record(editor, world, agreements)

    assert response.status_code == 200
    assert not SectoralMeeting.objects.exists() and not Agreement.objects.exists() and not ActionLine.objects.exists()
    page = response.content.decode()
    assert re.search(r"<title>Error: Record outcomes", page)
    assert 'class="error-summary"' in page
    assert 'href="#id_agreements-1-lines-0-due_date"' in page
    assert "Agreement 2, action line 1, Deadline: Enter the deadline as a real date." in page
    assert 'href="#id_agreements-0-lines-1-counterpart_person"' in page
    assert "No one called “Nobody Known” was found." in page
    for typed in ("Tractor assembly in Barinas", "Deliver 80 tractor kits", "tractor kits", "Iván Sidorov",
                  "Spare parts warehouse", "Open the warehouse", "Nobody Known", "2027-02-30"):  # fmt: skip
        assert f'value="{typed}"' in page, typed


def test_a_meeting_dated_outside_its_session_is_refused(editor, world):
    response = record(editor, world, two_agreements(), date="2026-10-02")

    assert response.status_code == 200
    assert not SectoralMeeting.objects.exists()
    assert "The meeting must be held during its session, from Sept. 23, 2026 to Sept. 25, 2026." in (
        response.content.decode()
    )


def test_the_session_dates_rule_is_the_model_s_so_the_admin_shows_it_too(world, make):
    meeting = SectoralMeeting(session=world["session"], sector=world["industry"], date=datetime.date(2026, 9, 22))
    with pytest.raises(Exception) as refused:
        meeting.full_clean()
    assert "date" in refused.value.message_dict
    meeting.date = datetime.date(2026, 9, 25)
    meeting.full_clean()


@pytest.mark.parametrize("role", ["Viewer", "Focal point", "Counterpart"])
def test_only_the_secretariat_may_record_outcomes(client, make, world, role):
    client.force_login(make.user(groups=[role]))
    meeting = make.meeting(world["session"], world["industry"], date=datetime.date(2026, 9, 24))

    assert client.get(NEW).status_code == 403
    assert client.get(reverse("agreements:outcomes_edit", args=[meeting.pk])).status_code == 403
    assert client.post(f"{NEW}?session={world['session'].pk}", meeting_post(world, [])).status_code == 403
    assert client.get(reverse("agreements:suggest_people"), {"q": "Ana"}).status_code == 403
    assert SectoralMeeting.objects.count() == 1


def test_people_and_institutions_are_suggested_to_editors_as_json(editor, world, make):
    for number in range(12):
        make.person(f"Ana Clone {number:02d}")

    people = editor.get(reverse("agreements:suggest_people"), {"q": "ana"}).json()["results"]
    assert len(people) == 10
    assert all(row["value"].startswith("Ana") for row in people)
    perez = editor.get(reverse("agreements:suggest_people"), {"q": "Ana P"}).json()["results"]
    assert perez == [
        {"id": world["ana"].pk, "value": "Ana Pérez", "label": "Ana Pérez — Ministerio de Industrias",
         "institution": "Ministerio de Industrias"}
    ]  # fmt: skip
    found = editor.get(reverse("agreements:suggest_institutions"), {"q": "fáb"}).json()["results"]
    assert [row["value"] for row in found] == ["Fábrica de Tractores de Minsk"]
    assert editor.get(reverse("agreements:suggest_people"), {"q": ""}).json() == {"results": []}


def test_suggestions_need_a_signed_in_editor(client, make):
    url = reverse("agreements:suggest_institutions")
    assert client.get(url, {"q": "Min"}).status_code == 302
    client.force_login(make.user(groups=["Viewer"]))
    assert client.get(url, {"q": "Min"}).status_code == 403


def test_namesakes_are_told_apart_by_their_institution(editor, world, make):
    make.person("Ana Pérez", institution=world["factory"])
    rows = editor.get(reverse("agreements:suggest_people"), {"q": "Ana Pérez"}).json()["results"]
    assert {row["value"] for row in rows} == {
        "Ana Pérez — Ministerio de Industrias",
        "Ana Pérez — Fábrica de Tractores de Minsk",
    }
    agreements = [("Tractors", [{"title": "Ship", "due_date": "2026-12-01", "responsible_person": "Ana Pérez"}])]
    page = record(editor, world, agreements).content.decode()
    assert "Several people are called “Ana Pérez”" in page

    agreements[0][1][0]["responsible_person"] = "Ana Pérez — MTZ"
    assert record(editor, world, agreements).status_code == 302
    assert ActionLine.objects.get().responsible_institution == world["factory"]


def test_references_follow_parties_session_sector_and_a_running_number(world, make):
    session = world["session"]
    assert sector_code(world["industry"]) == "IND"
    assert sector_code(world["science"]) == "CYT"
    assert reference_prefix(session, world["science"]) == "VE-BY-VIII-CYT-"
    meeting = make.meeting(session, world["industry"], date=datetime.date(2026, 9, 24))
    make.agreement(meeting, reference_code="VE-BY-VIII-IND-03")
    make.agreement(meeting, reference_code="VE-BY-VIII-IND-NOTE")
    assert suggest_references(session, world["industry"], 2) == ["VE-BY-VIII-IND-04", "VE-BY-VIII-IND-05"]
    assert suggest_references(session, world["industry"], 1, taken={"VE-BY-VIII-IND-04"}) == ["VE-BY-VIII-IND-05"]


def test_references_are_suggested_as_json_and_a_typed_duplicate_is_a_field_error(editor, world, make):
    meeting = make.meeting(world["session"], world["science"], date=datetime.date(2026, 9, 24))
    make.agreement(meeting, reference_code="VE-BY-VIII-IND-01")
    answer = editor.get(
        reverse("agreements:suggest_references"),
        {"session": world["session"].pk, "sector": world["industry"].pk, "count": 2, "taken": "VE-BY-VIII-IND-02"},
    ).json()
    assert answer == {"prefix": "VE-BY-VIII-IND-", "references": ["VE-BY-VIII-IND-03", "VE-BY-VIII-IND-04"]}

    data = meeting_post(world, [("Tractors", [])])
    data["agreements-0-reference_code"] = "VE-BY-VIII-IND-01"
    page = editor.post(f"{NEW}?session={world['session'].pk}", data).content.decode()
    assert 'href="#id_agreements-0-reference_code"' in page
    assert "Another agreement already has this reference." in page
    assert not SectoralMeeting.objects.filter(sector=world["industry"]).exists()


def existing_meeting(world, make, agreements=2, lines=1):
    meeting = make.meeting(world["session"], world["industry"], date=datetime.date(2026, 9, 24))
    for number in range(agreements):
        agreement = make.agreement(meeting, reference_code=f"VE-BY-VIII-IND-{number + 1:02d}")
        for _ in range(lines):
            make.action_line(
                agreement,
                due_date=datetime.date(2026, 12, 1),
                responsible_person=world["ana"],
                responsible_institution=world["ministry"],
            )
    return meeting


def edit_post(editor, meeting):
    """The edit page's own fields, as a browser would send them back unchanged."""
    page = editor.get(reverse("agreements:outcomes_edit", args=[meeting.pk]))
    form = page.context["outcomes"]
    data = {"save": "1"}
    for bound in [form.meeting_form, *form.agreements.forms]:
        data.update(_values(bound))
    data.update(_values(form.agreements.management_form))
    for agreement in form.agreements.forms:
        data.update(_values(agreement.lines.management_form))
        for line in agreement.lines.forms:
            data.update(_values(line))
    return data


def _values(form):
    values = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        values[field.html_name] = "on" if value is True else str(value)
    return values


def test_editor_edits_an_existing_meeting_and_adds_a_line(editor, world, make):
    meeting = existing_meeting(world, make)
    data = edit_post(editor, meeting)
    data["meeting-summary"] = "Revised summary."
    data["agreements-1-title"] = "Renamed agreement"
    data["agreements-0-lines-TOTAL_FORMS"] = "2"
    data.update(line_data("agreements-0-lines-1", "A new line", counterpart_person="Iván Sidorov"))

    response = editor.post(reverse("agreements:outcomes_edit", args=[meeting.pk]), data)

    assert response.status_code == 302, response.context and response.context["error_entries"]
    meeting.refresh_from_db()
    assert meeting.summary == "Revised summary."
    assert Agreement.objects.get(reference_code="VE-BY-VIII-IND-02").title == "Renamed agreement"
    new_line = ActionLine.objects.get(title="A new line")
    assert new_line.agreement.reference_code == "VE-BY-VIII-IND-01"
    assert new_line.counterpart_institution == world["factory"]
    assert ActionLine.objects.count() == 3
    assert not DeadlineChange.objects.exists()


def test_a_moved_deadline_asks_for_a_reason_and_is_recorded(editor, world, make):
    meeting = existing_meeting(world, make, agreements=1)
    line = ActionLine.objects.get()
    data = edit_post(editor, meeting)
    data["agreements-0-lines-0-due_date"] = "2027-01-15"

    refused = editor.post(reverse("agreements:outcomes_edit", args=[meeting.pk]), data)
    assert refused.status_code == 200
    assert "Give a reason for the new deadline." in refused.content.decode()
    line.refresh_from_db()
    assert line.due_date == datetime.date(2026, 12, 1)

    data["agreements-0-lines-0-deadline_reason"] = "The parts ship late."
    assert editor.post(reverse("agreements:outcomes_edit", args=[meeting.pk]), data).status_code == 302
    line.refresh_from_db()
    change = DeadlineChange.objects.get()
    assert (line.due_date, line.original_due_date) == (datetime.date(2027, 1, 15), datetime.date(2026, 12, 1))
    assert (change.old_date, change.new_date, change.reason) == (
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 15),
        "The parts ship late.",
    )


def test_new_lines_have_no_reason_field(editor, world):
    page = editor.get(f"{NEW}?session={world['session'].pk}").content.decode()
    assert "deadline_reason" not in page


def test_a_new_person_is_created_inline_and_everything_typed_is_kept(editor, world):
    data = meeting_post(world, two_agreements())
    del data["save"]
    data.update(
        {
            "create_person": "1",
            "new_person-full_name": "Olga Ivanova",
            "new_person-institution": "MTZ",
            "new_person-email": "olga@example.org",
        }
    )
    response = editor.post(f"{NEW}?session={world['session'].pk}", data)

    assert response.status_code == 200
    olga = Person.objects.get(full_name="Olga Ivanova")
    assert (olga.institution, olga.email) == (world["factory"], "olga@example.org")
    page = response.content.decode()
    assert 'value="Tractor assembly in Barinas"' in page
    assert "Error:" not in page.split("</title>")[0]
    assert not SectoralMeeting.objects.exists()


def test_a_new_person_needs_a_valid_email(editor, world):
    data = meeting_post(world, [])
    data.update({"create_person": "1", "new_person-full_name": "Olga", "new_person-email": "olga@"})
    page = editor.post(f"{NEW}?session={world['session'].pk}", data).content.decode()
    assert "Enter an email address in the right format" in page
    assert not Person.objects.filter(full_name="Olga").exists()


def test_a_new_institution_is_created_inline(editor, world):
    data = meeting_post(world, [])
    data.update(
        {
            "create_institution": "1",
            "new_institution-name": "Mazven",
            "new_institution-country": str(world["session"].country_id),
        }
    )
    assert editor.post(f"{NEW}?session={world['session'].pk}", data).status_code == 200
    assert Institution.objects.filter(name="Mazven").exists()


def test_add_another_buttons_work_without_javascript_and_keep_what_was_typed(editor, world):
    data = meeting_post(world, [("Tractors", [{"title": "Ship kits", "due_date": ""}])])
    del data["save"]
    with_agreement = editor.post(f"{NEW}?session={world['session'].pk}", {**data, "add_agreement": "1"})
    page = with_agreement.content.decode()
    assert 'name="agreements-1-title"' in page and 'name="agreements-1-lines-0-title"' in page
    assert 'value="Ship kits"' in page
    assert "Enter the deadline." not in page  # no judging of unfinished rows

    with_line = editor.post(f"{NEW}?session={world['session'].pk}", {**data, "add_line": "0"})
    assert 'name="agreements-0-lines-1-title"' in with_line.content.decode()
    assert not SectoralMeeting.objects.exists()


def test_pages_link_to_the_outcomes_page_for_editors_only(editor, world, make, client):
    meeting = make.meeting(world["session"], world["industry"], date=datetime.date(2026, 9, 24))
    session_page = editor.get(world["session"].get_absolute_url()).content.decode()
    assert f'href="{NEW}?session={world["session"].pk}"' in session_page
    meeting_page = editor.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{reverse("agreements:outcomes_edit", args=[meeting.pk])}"' in meeting_page
    assert f'href="{NEW}"' in meeting_page  # the header

    client.force_login(make.user(groups=["Viewer"]))
    assert "/outcomes/" not in client.get(meeting.get_absolute_url()).content.decode()


def test_the_edit_page_runs_the_same_queries_with_2_and_20_agreements(editor, world, make):
    meeting = existing_meeting(world, make, agreements=2, lines=2)
    url = reverse("agreements:outcomes_edit", args=[meeting.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert editor.get(url).status_code == 200
        return len(captured)

    with_2 = queries()
    for number in range(18):
        agreement = make.agreement(meeting, reference_code=f"VE-BY-VIII-IND-{number + 10}")
        for _ in range(2):
            make.action_line(agreement, responsible_person=world["ana"], counterpart_institution=world["factory"])
    assert queries() == with_2
