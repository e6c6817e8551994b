"""Text search: full-text on PostgreSQL (stored vectors kept by a trigger, GIN index, ranking), substrings elsewhere."""

import pytest
from django.db import connection
from django.urls import reverse

from agreements import search
from agreements.models import ActionLine, Agreement
from tests.conftest import require_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

AGREEMENTS = reverse("agreements:agreement_list")
ACTION_LINES = reverse("agreements:action_line_list")


def needs_postgresql():
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")


@pytest.fixture
def veneminsk(make):
    return make.agreement(
        title="Reactivación de la fábrica de tractores Veneminsk",
        description="Suministro de las piezas faltantes para ensamblar más de 80 tractores y camiones.",
    )


def listed(response, name="agreements"):
    return [row.title for row in response.context[name]]


def test_searching_tractores_finds_the_veneminsk_agreement(viewer, make, veneminsk):
    make.agreement(title="Cooperación en neurociencia", description="Intercambio de investigadores.")
    response = viewer.get(AGREEMENTS, {"q": "tractores"})
    assert response.status_code == 200
    assert listed(response) == [veneminsk.title]


def test_every_word_must_match(viewer, make, veneminsk):
    make.agreement(title="Fábrica de camiones Mazven")
    assert listed(viewer.get(AGREEMENTS, {"q": "fábrica Veneminsk"})) == [veneminsk.title]
    assert listed(viewer.get(AGREEMENTS, {"q": "Veneminsk Mazven"})) == []


def test_search_covers_the_reference_code_and_description(viewer, make):
    agreement = make.agreement(title="Plan de sustitución de importaciones", description="Repuestos de camiones")
    assert listed(viewer.get(AGREEMENTS, {"q": agreement.reference_code})) == [agreement.title]
    assert listed(viewer.get(AGREEMENTS, {"q": "repuestos"})) == [agreement.title]


def test_action_lines_are_searched_by_title_and_description(viewer, make, veneminsk):
    make.action_line(veneminsk, title="Suministrar piezas para 80 tractores", description="Partes de motor")
    make.action_line(veneminsk, title="Estudio de mercado latinoamericano")
    assert listed(viewer.get(ACTION_LINES, {"q": "tractores"}), "action_lines") == [
        "Suministrar piezas para 80 tractores"
    ]
    assert listed(viewer.get(ACTION_LINES, {"q": "motor"}), "action_lines") == ["Suministrar piezas para 80 tractores"]


@pytest.mark.parametrize("text", ['"', "-", "&|!", "a:*", "'); DROP TABLE x; --", "  ", "\\"])
def test_odd_search_text_never_fails(viewer, veneminsk, text):
    assert viewer.get(AGREEMENTS, {"q": text}).status_code == 200
    assert viewer.get(ACTION_LINES, {"q": text}).status_code == 200


def test_the_trigger_fills_the_vector_on_insert_update_and_bulk_insert(make, veneminsk):
    needs_postgresql()
    stored = Agreement.objects.filter(search_vector=search.search_query("tractor"))
    assert list(stored) == [veneminsk]

    veneminsk.title = "Reactivación de la planta de camiones"
    veneminsk.description = ""
    veneminsk.save()
    assert not Agreement.objects.filter(search_vector=search.search_query("tractores")).exists()
    assert Agreement.objects.filter(search_vector=search.search_query("camiones")).exists()

    agreement = make.agreement()
    ActionLine.objects.bulk_create(
        [
            ActionLine(
                agreement=agreement,
                title="Mantenimiento por la Empresa Socialista Pedro Camejo",
                due_date=agreement.created_at.date(),
                original_due_date=agreement.created_at.date(),
                commission_id=agreement.commission_id,
                sector_id=agreement.sector_id,
            )
        ]
    )
    assert ActionLine.objects.filter(search_vector=search.search_query("Camejo")).count() == 1

    Agreement.objects.filter(pk=agreement.pk).update(description="Concesionarios nuevos")
    assert Agreement.objects.filter(search_vector=search.search_query("concesionarios")).get() == agreement


def test_the_trigger_and_the_python_expression_build_the_same_vector(make, veneminsk):
    needs_postgresql()
    line = make.action_line(veneminsk, title="Importar repuestos", description="Motores y ejes")
    agreement = Agreement.objects.annotate(built=search.document_vector(search.AGREEMENT_FIELDS)).get()
    assert str(agreement.search_vector) == str(agreement.built)
    line = ActionLine.objects.annotate(built=search.document_vector(search.ACTION_LINE_FIELDS)).get(pk=line.pk)
    assert str(line.search_vector) == str(line.built)


def test_spanish_stems_and_simple_words_both_match(make, veneminsk):
    needs_postgresql()
    found = search.search_agreements(Agreement.objects.all(), "tractor")  # Spanish stem of "tractores"
    assert list(found) == [veneminsk]
    found = search.search_agreements(Agreement.objects.all(), '"fábrica de tractores" -Mazven')
    assert list(found) == [veneminsk]


def test_results_are_ranked_title_before_description(viewer, make):
    needs_postgresql()
    make.agreement(title="Estudio de mercado", description="Para la exportación de tractores")
    make.agreement(title="Tractores para el campo", description="Entrega a cooperativas")
    assert listed(viewer.get(AGREEMENTS, {"q": "tractores"})) == ["Tractores para el campo", "Estudio de mercado"]
    # A chosen sort wins over the ranking.
    response = viewer.get(AGREEMENTS, {"q": "tractores", "sort": "created"})
    assert listed(response) == ["Estudio de mercado", "Tractores para el campo"]


def test_search_vectors_have_gin_indexes():
    needs_postgresql()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexname IN (%s, %s) ORDER BY tablename",
            ["agreements_agreement_search", "agreements_actionline_search"],
        )
        rows = cursor.fetchall()
    assert [table for table, _ in rows] == ["agreements_actionline", "agreements_agreement"]
    assert all("USING gin (search_vector)" in definition for _, definition in rows)


def test_without_full_text_search_every_word_is_a_substring(make, veneminsk, monkeypatch):
    monkeypatch.setattr(search, "has_full_text", lambda queryset: False)
    assert list(search.search_agreements(Agreement.objects.all(), "TRACTORES veneminsk")) == [veneminsk]
    assert list(search.search_agreements(Agreement.objects.all(), "tract")) == [veneminsk]
    assert list(search.search_agreements(Agreement.objects.all(), "tractores Mazven")) == []
