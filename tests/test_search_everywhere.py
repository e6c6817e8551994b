"""The header's search box: /search/?q=… across agreements, action lines, meetings, people and progress notes,
grouped by kind with capped counts, within the confidentiality rule, never failing on odd text."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements import roles
from agreements.models import Agreement, ProgressUpdate
from agreements.search import everywhere

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

SEARCH = reverse("agreements:search")
RESTRICTED = Agreement.Confidentiality.RESTRICTED


def groups(response):
    """{kind: [what each row shows first]} of the kinds that found something."""
    titles = {
        "agreements": lambda row: row.title,
        "action_lines": lambda row: row.title,
        "meetings": lambda row: row.sector.name,
        "people": lambda row: row.full_name,
        "progress_notes": lambda row: row.note,
    }
    return {group.kind: [titles[group.kind](row) for row in group.rows] for group in response.context["found"]}


@pytest.fixture
def world(make):
    """One word, "formación", in every kind of thing the header searches."""
    sector = make.sector("Formación técnica")
    meeting = make.meeting(sector_=sector, venue="Caracas", summary="Se acordó la formación de operadores.")
    person = make.person("Ana Formación Rondón", position="Coordinadora de formación")
    agreement = make.agreement(meeting, title="Formación de operadores y mecánicos")
    line = make.action_line(agreement, title="Formación de especialistas", responsible_person=person)
    ProgressUpdate.objects.create(action_line=line, note="Primer curso de formación concluido.")
    return {"meeting": meeting, "person": person, "agreement": agreement, "line": line}


def test_the_header_has_a_labelled_search_box_on_signed_in_pages(viewer):
    page = viewer.get(reverse("agreements:home")).content.decode()
    assert f'action="{SEARCH}" method="get" role="search"' in page
    assert '<label class="visually-hidden" for="header-search-q">' in page
    assert 'id="header-search-q" name="q"' in page


def test_results_are_grouped_by_kind_with_counts(viewer, world):
    response = viewer.get(SEARCH, {"q": "formacion"})
    assert response.status_code == 200
    assert groups(response) == {
        "agreements": ["Formación de operadores y mecánicos"],
        "action_lines": ["Formación de especialistas"],
        "meetings": ["Formación técnica"],
        "people": ["Ana Formación Rondón"],
        "progress_notes": ["Primer curso de formación concluido."],
    }
    page = response.content.decode()
    for heading in ("Agreements", "Action lines", "Sectoral meetings", "People", "Progress notes"):
        assert f'{heading} <span class="search-count">(1)</span></h2>' in page
    assert world["line"].get_absolute_url() in page and world["meeting"].get_absolute_url() in page


def test_accents_case_and_plurals_do_not_matter(viewer, world):
    found = groups(viewer.get(SEARCH, {"q": "formacion"}))
    assert groups(viewer.get(SEARCH, {"q": "FORMACIÓN"})) == found
    assert groups(viewer.get(SEARCH, {"q": "rondon"})) == {"people": ["Ana Formación Rondón"]}


def test_each_kind_shows_ten_and_links_to_the_full_list(viewer, make, world):
    for n in range(12):
        make.action_line(world["agreement"], title=f"Formación del grupo {n}")
    response = viewer.get(SEARCH, {"q": "formacion"})
    lines = next(group for group in response.context["found"] if group.kind == "action_lines")
    assert (len(lines.rows), lines.count) == (everywhere.SHOWN, 13)
    assert f'href="{reverse("agreements:action_line_list")}?q=formacion"' in response.content.decode()


def test_counts_stop_at_the_cap(viewer, make, world, monkeypatch):
    monkeypatch.setattr(everywhere, "CAP", 2)
    for n in range(3):
        make.agreement(world["meeting"], title=f"Formación {n}")
    response = viewer.get(SEARCH, {"q": "formacion"})
    agreements = next(group for group in response.context["found"] if group.kind == "agreements")
    assert (agreements.count, agreements.capped) == (3, True)  # counted up to CAP + 1, never further
    assert 'Agreements <span class="search-count">(2+)</span>' in response.content.decode()


@pytest.fixture
def restricted(make):
    """A restricted agreement whose word is in its title, its line and the line's progress note."""
    rfocal_user = make.user(groups=[roles.FOCAL_POINT])
    rfocal = make.person("Responsable Cerrado", user=rfocal_user)
    agreement = make.agreement(title="Acuerdo zafiro de suministro", confidentiality=RESTRICTED)
    line = make.action_line(agreement, title="Línea zafiro", responsible_person=rfocal)
    ProgressUpdate.objects.create(action_line=line, note="Avance zafiro")
    ProgressUpdate.objects.create(action_line=line, note="Propuesta zafiro", review=ProgressUpdate.Review.PENDING)
    return {"agreement": agreement, "line": line, "rfocal": rfocal_user}


def test_a_restricted_agreement_its_lines_and_notes_are_absent_for_a_viewer(viewer, restricted):
    response = viewer.get(SEARCH, {"q": "zafiro"})
    assert groups(response) == {}
    page = response.content.decode()
    assert not any(text in page for text in ("Acuerdo zafiro", "Línea zafiro", "Avance zafiro", "Propuesta zafiro"))


def test_an_editor_finds_the_restricted_agreement_its_line_and_every_note(client, make, restricted):
    client.force_login(make.user(groups=[roles.EDITOR], is_staff=True))
    assert groups(client.get(SEARCH, {"q": "zafiro"})) == {
        "agreements": ["Acuerdo zafiro de suministro"],
        "action_lines": ["Línea zafiro"],
        "progress_notes": ["Propuesta zafiro", "Avance zafiro"],
    }


def test_the_responsible_person_finds_their_line_and_its_approved_notes_not_the_agreement(client, restricted):
    client.force_login(restricted["rfocal"])
    assert groups(client.get(SEARCH, {"q": "zafiro"})) == {
        "action_lines": ["Línea zafiro"],
        "progress_notes": ["Avance zafiro"],
    }


def test_a_counterpart_account_does_not_find_internal_agreements(client, make, world):
    client.force_login(make.user(groups=[roles.COUNTERPART]))
    found = groups(client.get(SEARCH, {"q": "formacion"}))
    assert "agreements" not in found and "action_lines" not in found and "progress_notes" not in found


@pytest.mark.parametrize(
    "text", ["", "   ", '"', "-", "-formacion", "&|!", "a:*", "'); DROP TABLE x; --", "\\", "NEAR(a b)", "*", "ñ" * 200]
)
def test_odd_queries_answer_a_page(viewer, world, text):
    response = viewer.get(SEARCH, {"q": text})
    assert response.status_code == 200


@pytest.mark.parametrize("text", ["x" * 201, "forma\x00cion"])
def test_absurd_queries_answer_400(viewer, text):
    response = viewer.get(SEARCH, {"q": text})
    assert response.status_code == 400
    assert response.context["groups"] == []


def test_a_query_with_nothing_to_find_says_so(viewer, world):
    page = viewer.get(SEARCH, {"q": "inexistente"}).content.decode()
    assert "Nothing matches “inexistente”." in page


def queries_for(client, text):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(SEARCH, {"q": text}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", [roles.VIEWER, roles.EDITOR])
def test_the_number_of_queries_is_the_same_for_5_and_50_matches(client, make, role):
    client.force_login(make.user(groups=[role]))

    def grow(n):
        meeting = make.meeting(summary="Formación continua.")
        for i in range(n):
            person = make.person(f"Persona Formación {i}", institution=make.institution())
            agreement = make.agreement(meeting, title=f"Formación {i}", reference_code=f"F-{role}-{n}-{i}")
            line = make.action_line(agreement, title=f"Formación {i}", responsible_person=person)
            ProgressUpdate.objects.create(action_line=line, note=f"Formación {i}", reported_by=person)

    grow(5)
    few = queries_for(client, "formacion")
    grow(45)
    assert queries_for(client, "formacion") == few
