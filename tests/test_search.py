"""Text search: full-text on PostgreSQL (stored vectors kept by a trigger, GIN index, ranking) and on SQLite (FTS5
over folded, stemmed text kept by triggers); accents, case, plurals and verb forms never matter on either."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements import search
from agreements.models import ActionLine, Agreement, Person, ProgressUpdate, SectoralMeeting
from agreements.pagination import CappedPaginator
from agreements.search import sqlite as search_index
from tests.conftest import require_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

AGREEMENTS = reverse("agreements:agreement_list")
ACTION_LINES = reverse("agreements:action_line_list")


def needs_postgresql():
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")


def needs_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's search index only")


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


# ---------- Search that forgives: the same answers on PostgreSQL and SQLite ----------


@pytest.fixture
def report(make):
    """Text in the style of the demo's reports: accents, plurals, a person with an accented name."""
    rondon = make.person("Luis Alberto Rondón", position="Director General de Proyectos Industriales")
    training = make.agreement(
        title="Formación de operadores y mecánicos", description="Cursos para técnicos de mantenimiento."
    )
    market = make.agreement(title="Estudio de mercado en América Latina", description="Tractores y camiones.")
    lines = [
        make.action_line(training, title="Formación de especialistas", responsible_person=rondon),
        make.action_line(market, title="Estudio de factibilidad de concesionarios", responsible_person=rondon),
        make.action_line(market, title="Estudios de suelo en Barinas"),
        make.action_line(market, title="Entrega de repuestos", description="Sin relación con lo demás."),
    ]
    return {"rondon": rondon, "training": training, "market": market, "lines": lines}


@pytest.mark.parametrize(
    ("typed", "written"),
    [("formacion", "formación"), ("FORMACIÓN", "formación"), ("estudios", "estudio"), ("estudiar", "estudio")],
)
def test_accents_case_plurals_and_verb_forms_find_the_same_rows(viewer, report, typed, written):
    for url, name in ((AGREEMENTS, "agreements"), (ACTION_LINES, "action_lines")):
        found = sorted(listed(viewer.get(url, {"q": typed}), name))
        assert found, f"{typed!r} finds nothing on {url}"
        assert found == sorted(listed(viewer.get(url, {"q": written}), name))


def test_formacion_without_its_accent_finds_the_training_rows(viewer, report):
    assert listed(viewer.get(AGREEMENTS, {"q": "formacion"})) == ["Formación de operadores y mecánicos"]
    assert listed(viewer.get(ACTION_LINES, {"q": "formacion"}), "action_lines") == ["Formación de especialistas"]


def test_estudios_finds_a_singular_estudio_and_the_plural(viewer, report):
    found = listed(viewer.get(ACTION_LINES, {"q": "estudios"}), "action_lines")
    assert sorted(found) == ["Estudio de factibilidad de concesionarios", "Estudios de suelo en Barinas"]


def test_rondon_without_its_accent_finds_the_person_and_their_lines(viewer, report):
    assert list(search.search_people(Person.objects.all(), "rondon")) == [report["rondon"]]
    by_person = listed(viewer.get(ACTION_LINES, {"person": "rondon"}), "action_lines")
    assert sorted(by_person) == ["Estudio de factibilidad de concesionarios", "Formación de especialistas"]
    assert listed(viewer.get(ACTION_LINES, {"person": "Rond"}), "action_lines")  # part of a name still works


def test_meetings_and_progress_notes_forgive_too(make, report):
    meeting = make.meeting(venue="Palacio de la Independencia", summary="Se evaluó la formación técnica.")
    ProgressUpdate.objects.create(action_line=report["lines"][0], note="Capacitación concluida en Mérida.")
    assert list(search.search_meetings(SectoralMeeting.objects.all(), "formacion tecnica")) == [meeting]
    assert list(search.search_meetings(SectoralMeeting.objects.all(), "palacio independencia")) == [meeting]
    notes = search.search_notes(ProgressUpdate.objects.all(), "capacitacion merida")
    assert [update.note for update in notes] == ["Capacitación concluida en Mérida."]


def test_phrases_exclusions_and_or_work_alike_on_both_databases(report):
    every = Agreement.objects.all()
    assert list(search.search_agreements(every, '"estudio de mercado" -formacion')) == [report["market"]]
    assert list(search.search_agreements(every, '"mercado de estudio"')) == []
    assert set(search.search_agreements(every, "formacion or mercado")) == {report["market"], report["training"]}
    assert list(search.search_agreements(every, "-formacion")) == []  # nothing to look for


def test_search_text_folds_accents_and_case_then_stems():
    assert search.search_text("Formación", "ESTUDIOS", None, "Rondón") == "formacion estudi rondon"
    assert search.search_text("VE-BY-VIII-IND-05") == "ve by viii ind 05"


# ---------- SQLite's index: kept by triggers under every write, rebuilt by a command ----------


def indexed():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, object_id, title, body FROM {search_index.TABLE} ORDER BY kind, object_id")
        return cursor.fetchall()


def test_the_sqlite_index_follows_saves_bulk_writes_updates_and_deletes(make, veneminsk):
    needs_sqlite()
    every = Agreement.objects.all()
    assert list(search.search_agreements(every, "fabrica")) == [veneminsk]
    veneminsk.title = "Reactivación de la planta de camiones"
    veneminsk.save()
    assert not search.search_agreements(every, "fabrica").exists()
    Agreement.objects.filter(pk=veneminsk.pk).update(description="Concesionarios nuevos")
    assert list(search.search_agreements(every, "concesionario")) == [veneminsk]
    ActionLine.objects.bulk_create(
        [
            ActionLine(
                agreement=veneminsk,
                title="Mantenimiento por la Empresa Socialista Pedro Camejo",
                due_date=veneminsk.created_at.date(),
                original_due_date=veneminsk.created_at.date(),
                commission_id=veneminsk.commission_id,
                sector_id=veneminsk.sector_id,
            )
        ]
    )
    assert search.search_action_lines(ActionLine.objects.all(), "camejo").count() == 1
    # A sector's new name reaches its meetings' index rows.
    meeting = veneminsk.meeting
    meeting.sector.name = "Petroquímica"
    meeting.sector.save()
    assert list(search.search_meetings(SectoralMeeting.objects.all(), "petroquimica")) == [meeting]
    veneminsk.delete()
    assert not [row for row in indexed() if row[0] in ("agreement", "action_line")]


def test_rebuild_search_index_gives_what_the_triggers_kept(make, report):
    needs_sqlite()
    ProgressUpdate.objects.create(action_line=report["lines"][1], note="Visitas técnicas a Barinas.")
    kept = indexed()
    assert {row[0] for row in kept} == {"agreement", "action_line", "meeting", "person", "progress"}
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert indexed() == kept


def test_load_demo_leaves_the_index_right(viewer):
    call_command("load_demo", stdout=io.StringIO())
    if connection.vendor == "sqlite":
        kept = indexed()
        call_command("rebuild_search_index", stdout=io.StringIO())
        assert indexed() == kept
    written = listed(viewer.get(ACTION_LINES, {"q": "formación"}), "action_lines")
    assert written and listed(viewer.get(ACTION_LINES, {"q": "formacion"}), "action_lines") == written


# ---------- Counting a common word's matches ----------


def counts_of(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    counts = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(")]
    assert len(counts) == 1, counts
    return response, counts[0]


@pytest.mark.parametrize(
    ("url", "params", "order"),
    [
        (ACTION_LINES, {"q": "repuestos"}, '"agreements_actionline"."due_date" ASC, "agreements_actionline"."id" ASC'),
        (
            ACTION_LINES,
            {"q": "repuestos", "sort": "-deadline"},
            '"agreements_actionline"."due_date" DESC, "agreements_actionline"."id" DESC',
        ),
        (AGREEMENTS, {"q": "tractores"}, '"agreements_agreement"."id" DESC'),
    ],
)
def test_a_text_querys_matches_are_counted_in_the_lists_order_and_never_ranked(viewer, report, url, params, order):
    """Counted in no order, a common word's matches are whichever rows the table scan meets first: at a million
    lines 1,001 open ones take 12,000 rows or 130,000, 10 ms or 120 ms, as the scan starts (search.counting_order).
    In the list's order the count walks the index the page walks. The rank is never computed for the count."""
    response, sql = counts_of(viewer, url, params)
    assert response.context["paginator"].count >= 1
    assert f"ORDER BY {order} LIMIT 1001" in sql, sql
    assert "ts_rank" not in sql and "bm25" not in sql, sql


def test_a_list_without_words_is_counted_in_no_order(viewer, report):
    _, sql = counts_of(viewer, ACTION_LINES, {"status": "all"})
    assert "ORDER BY" not in sql, sql


def test_counting_order_is_the_lists_order_without_the_rank():
    lines = ActionLine.objects.order_by("due_date", "id")
    assert search.counting_order(lines) == ()
    matches = search.search_action_lines(lines, "repuestos").order_by("-rank", "due_date", "id")
    assert search.counting_order(matches) == ("due_date", "id")
    assert search.counting_order(matches.order_by("-rank")) == ()


def test_counted_in_order_the_count_and_the_cap_are_unchanged(viewer, report, monkeypatch):
    # "Repuestos" is in one line's title; "estudios" in two: under the cap both are counted exactly, best first.
    response, _ = counts_of(viewer, ACTION_LINES, {"q": "repuestos", "status": "all"})
    assert response.context["paginator"].count == 1
    response, _ = counts_of(viewer, ACTION_LINES, {"q": "estudios", "status": "all"})
    assert (response.context["paginator"].count, response.context["filter"].ranked) == (2, True)
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    # Twice: the second from the statements kept for the same values (kept_lists.py).
    for _ in range(2):
        response, _ = counts_of(viewer, ACTION_LINES, {"q": "estudios", "status": "all"})
        assert response.context["paginator"].is_capped
        assert [line.title for line in response.context["action_lines"]] == [
            line.title for line in report["lines"] if line.title.startswith("Estudio")
        ]
