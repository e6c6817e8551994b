"""The dashboard and the object pages: what each one shows, to whom, and at what cost in queries."""

import datetime
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from agreements.charts import bar_chart
from agreements.jinja_env import engine
from agreements.models import Document, ProgressUpdate, Reminder
from agreements.templatetags.tracker import days_label, deadline_state, roman

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("America/Caracas")), tick=False):
        yield


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Accounts are made in every test; the real hasher would take most of the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(make):
    """The VIII session's industry meeting: one agreement carried over from session VII, three lines, one secret."""
    belarus = make.country("BY", "Belarus")
    commission = make.commission("Comisión Mixta Venezuela–Belarús")
    session_7 = make.session(
        commission, 7, status="held", start_date=datetime.date(2024, 5, 2), city="Minsk", country=belarus
    )
    session_8 = make.session(commission, 8, status="held", start_date=datetime.date(2026, 1, 15), city="Caracas")
    industry = make.sector("Industria")
    meeting = make.meeting(session_8, industry, venue="MPPIPN", chairs="José Biomorgi", summary="Santa Inés otra vez")
    focal_person = make.person("Luis Rondón", position="Director de Industria")
    focal = make.user("focal", groups=["Focal point"])
    focal_person.user = focal
    focal_person.save()
    editor = make.user("editor", groups=["Editor"], is_staff=True)
    viewer = make.user("viewer", groups=["Viewer"])
    coordinator = make.person("Carmen Pacheco", position="Viceministra")
    earlier = make.agreement(make.meeting(session_7, industry), title="Plan de reactivación anterior")
    agreement = make.agreement(
        meeting,
        title="Reactivación de la fábrica de tractores Veneminsk",
        kind="action_plan",
        status="in_implementation",
        coordinator=coordinator,
        carried_over_from=earlier,
        signed_date=datetime.date(2026, 1, 16),
    )
    agreement.our_institutions.add(make.institution("Empresa Mixta Veneminsk"))
    agreement.counterpart_institutions.add(make.institution("Fábrica de Tractores de Minsk", country=belarus))
    parts = make.action_line(
        agreement,
        title="Suministro de partes para 80 tractores",
        due_date=TODAY - 30 * DAY,
        responsible_person=focal_person,
        counterpart_person=make.person("Dzmitry Savitski"),
        target_quantity=80,
        target_unit="tractores y camiones",
        achieved_quantity=32,
        status="in_progress",
        percent_complete=40,
    )
    parts.change_deadline(TODAY - 5 * DAY, "El embarque se retrasó", editor)
    soon = make.action_line(
        agreement, title="Segunda línea de ensamblaje", due_date=TODAY + 3 * DAY, percent_complete=20
    )
    done = make.action_line(
        agreement,
        title="Diagnóstico técnico",
        due_date=TODAY - 20 * DAY,
        status="done",
        percent_complete=100,
        completed_date=TODAY - 21 * DAY,
    )
    secret = make.agreement(meeting, title="Acuerdo reservado", confidentiality="restricted")
    make.action_line(secret, title="Línea reservada", due_date=TODAY - DAY)
    ProgressUpdate.objects.create(
        action_line=parts,
        author=focal,
        note="Llegó a La Guaira el primer lote",
        percent_complete=40,
        achieved_quantity=32,
    )
    Reminder.objects.create(
        action_line=parts,
        recipient=focal_person,
        kind=Reminder.Kind.OVERDUE,
        days_from_deadline=7,
        due_date=parts.due_date,
        status=Reminder.Status.SENT,
        sent_at=datetime.datetime(2026, 3, 9, 7, 0, tzinfo=ZoneInfo("America/Caracas")),
    )
    Reminder.objects.create(
        action_line=parts,
        recipient=coordinator,
        kind=Reminder.Kind.ESCALATION_COORDINATOR,
        days_from_deadline=14,
        due_date=parts.due_date,
        status=Reminder.Status.FAILED,
        last_error="SMTP 451 try again later",
    )
    Document.objects.create(
        title="Acta de la reunión de industria",
        kind="minutes",
        meeting=meeting,
        file=SimpleUploadedFile("acta.pdf", b"%PDF"),
    )
    return SimpleNamespace(**locals())


def get(client, user, url, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(url)


def text_of(response):
    """The page's visible words with tags dropped and spaces collapsed, for phrase assertions."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# ---------- Dashboard ----------


def test_dashboard_counts_agreements_by_status_and_lines_by_deadline(client, world):
    page = get(client, world.viewer, "/").content.decode()
    assert 'aria-label="In implementation: 1"' in page
    assert 'aria-label="Agreed: 1"' in page  # the earlier agreement; the restricted one is not counted
    assert 'aria-label="Overdue: 1"' in page
    assert 'aria-label="Due in the next 7 days: 1"' in page
    assert 'aria-label="Due today: 0"' in page
    assert 'aria-label="Done: 1"' in page


def test_dashboard_counts_restricted_work_for_the_secretariat(client, world):
    page = get(client, world.editor, "/").content.decode()
    assert 'aria-label="Agreed: 2"' in page
    assert 'aria-label="Overdue: 2"' in page


def test_dashboard_shows_progress_per_sector(client, world):
    # Viewer: (40 + 20 + 100) / 3; the restricted line at 0% is not theirs to see.
    assert 'aria-label="Industria: 53%"' in get(client, world.viewer, "/").content.decode()
    assert 'aria-label="Industria: 40%"' in get(client, world.editor, "/").content.decode()


def test_dashboard_bars_link_to_the_matching_lists(client, world):
    page = get(client, world.viewer, "/").content.decode()
    assert 'href="/agreements/?status=in_implementation"' in page
    assert 'href="/action-lines/?overdue=yes"' in page
    assert f'href="/action-lines/?sector={world.industry.pk}"' in page


def test_dashboard_shows_my_action_items_to_a_focal_point(client, world):
    response = get(client, world.focal, "/")
    assert [line.title for line in response.context["my_lines"]] == ["Suministro de partes para 80 tractores"]
    page = text_of(response)
    assert "My action items" in page
    assert "5 days overdue" in page
    assert reverse("agreements:my_action_lines") in response.content.decode()


def test_dashboard_has_no_action_items_panel_without_a_person(client, world):
    response = get(client, world.viewer, "/")
    assert response.context["person"] is None
    assert "See all my action items" not in text_of(response)


def test_dashboard_lists_the_ten_latest_progress_updates_newest_first(client, world):
    for day in range(12):
        ProgressUpdate.objects.create(
            action_line=world.soon,
            author=world.editor,
            note=f"Nota del día {day}",
            created_at=datetime.datetime(2026, 2, 1 + day, 9, 0, tzinfo=ZoneInfo("America/Caracas")),
        )
    response = get(client, world.viewer, "/")
    notes = [update.note for update in response.context["latest_updates"]]
    assert len(notes) == 10
    assert notes[0] == "Llegó a La Guaira el primer lote"  # created "now", the newest
    assert notes[1] == "Nota del día 11"
    assert "Nota del día 1" not in notes


# ---------- Commissions, sessions, meetings ----------


def test_commission_list_shows_parties_and_counts(client, world, make):
    make.commission("Comisión Venezuela–China")
    response = get(client, world.viewer, "/commissions/")
    belarus = next(c for c in response.context["commissions"] if c.pk == world.commission.pk)
    assert (belarus.session_count, belarus.agreement_count, belarus.open_count, belarus.overdue_count) == (2, 2, 2, 1)
    assert belarus.latest_session == 8
    page = text_of(response)
    assert "Comisión Venezuela–China" in page
    assert "Belarus, Venezuela" in page
    assert "Session VIII" in page


def test_commission_page_shows_its_sessions_in_order_with_totals(client, world):
    response = get(client, world.viewer, world.commission.get_absolute_url())
    page = text_of(response)
    assert page.index("Session VII, Minsk") < page.index("Session VIII, Caracas")
    assert response.context["agreement_total"] == 2
    totals = response.context["line_totals"]
    assert (totals["total"], totals["open"], totals["overdue"], totals["done"]) == (3, 2, 1, 1)
    assert [line.title for line in response.context["overdue_lines"]] == ["Suministro de partes para 80 tractores"]


def test_session_page_lists_meetings_by_sector_with_counts_and_progress(client, world):
    response = get(client, world.editor, world.session_8.get_absolute_url())
    [meeting] = response.context["meetings"]
    assert (meeting.sector.name, meeting.agreement_count, meeting.line_count, meeting.overdue_count) == (
        "Industria",
        2,
        4,
        2,
    )
    assert meeting.progress == 40
    assert "Session VIII, Caracas" in text_of(response)


def test_meeting_page_shows_agreements_with_their_action_lines_and_documents(client, world):
    response = get(client, world.viewer, world.meeting.get_absolute_url())
    page = text_of(response)
    assert "Reactivación de la fábrica de tractores Veneminsk" in page
    assert "Segunda línea de ensamblaje" in page
    assert "Acta de la reunión de industria" in page
    assert "José Biomorgi" in page
    assert "Acuerdo reservado" not in page


# ---------- Agreements ----------


def test_agreement_page_shows_legal_summary_and_both_sides(client, world):
    response = get(client, world.viewer, world.agreement.get_absolute_url())
    page = text_of(response)
    for phrase in [
        world.agreement.reference_code,
        "Action plan",
        "In implementation",
        "Internal",
        "Jan. 16, 2026",
        "Carmen Pacheco",
        "Empresa Mixta Veneminsk",
        "Fábrica de Tractores de Minsk",
        "Industria meeting, session VIII",
    ]:
        assert phrase in page
    assert round(response.context["progress"]) == 53


def test_agreement_page_shows_action_lines_timeline_and_deadline_history(client, world):
    response = get(client, world.viewer, world.agreement.get_absolute_url())
    page = text_of(response)
    assert "Suministro de partes para 80 tractores" in page
    assert "Llegó a La Guaira el primer lote" in page
    assert "El embarque se retrasó" in page
    assert "5 days overdue" in page


def test_agreement_page_does_not_repeat_its_own_reference_on_every_line(client, world):
    html = get(client, world.viewer, world.agreement.get_absolute_url()).content.decode()
    assert f'href="{world.agreement.get_absolute_url()}" title=' not in html


def test_agreement_page_links_what_it_continues_and_what_continues_it(client, world):
    page = get(client, world.viewer, world.agreement.get_absolute_url()).content.decode()
    assert f'href="{world.earlier.get_absolute_url()}"' in page
    page = get(client, world.viewer, world.earlier.get_absolute_url()).content.decode()
    assert "Continued by" in page
    assert f'href="{world.agreement.get_absolute_url()}"' in page


def test_restricted_agreement_is_hidden_from_a_viewer_and_shown_to_the_secretariat(client, world):
    assert get(client, world.viewer, world.secret.get_absolute_url()).status_code == 404
    assert get(client, world.editor, world.secret.get_absolute_url()).status_code == 200


# ---------- Action lines ----------


def test_action_line_page_shows_both_sides_deadlines_and_quantities(client, world):
    response = get(client, world.viewer, world.parts.get_absolute_url())
    page = text_of(response)
    for phrase in [
        "Luis Rondón",
        "Director de Industria",
        "Dzmitry Savitski",
        "March 5, 2026",  # current deadline
        "Originally Feb. 8, 2026",
        "32 of 80 tractores y camiones",
        "5 days overdue",
        "Llegó a La Guaira el primer lote",
        "El embarque se retrasó",
    ]:
        assert phrase in page


def test_action_line_page_shows_its_reminder_history(client, world):
    response = get(client, world.viewer, world.parts.get_absolute_url())
    assert [r.status for r in response.context["reminders"]] == ["failed", "sent"]
    page = text_of(response)
    assert "Escalated to the coordinator" in page
    assert "SMTP 451 try again later" in page
    assert "Carmen Pacheco" in page


@pytest.mark.parametrize(
    ("who", "line", "shown"),
    [("focal", "parts", True), ("focal", "soon", False), ("editor", "soon", True), ("viewer", "parts", False)],
)
def test_report_progress_button_only_for_people_who_may_report(client, world, who, line, shown):
    line = getattr(world, line)
    page = get(client, getattr(world, who), line.get_absolute_url()).content.decode()
    assert (reverse("agreements:action_line_update", args=[line.pk]) in page) is shown


def test_breadcrumbs_lead_from_the_commission_down_to_the_agreement(client, world):
    page = get(client, world.viewer, world.parts.get_absolute_url()).content.decode()
    trail = page[page.index('class="breadcrumbs"') : page.index("</nav>", page.index('class="breadcrumbs"'))]
    hrefs = re.findall(r'href="([^"]+)"', trail)
    assert hrefs == [
        "/",
        "/commissions/",
        world.commission.get_absolute_url(),
        world.session_8.get_absolute_url(),
        world.meeting.get_absolute_url(),
        world.agreement.get_absolute_url(),
    ]
    assert "Session VIII" in trail


@pytest.mark.parametrize(
    "name", ["commission_detail", "session_detail", "meeting_detail", "agreement_detail", "action_line_detail"]
)
def test_unknown_objects_answer_404(client, world, name):
    assert get(client, world.viewer, reverse(f"agreements:{name}", args=[987654])).status_code == 404


def test_pages_speak_spanish_by_default(client, world):
    client.force_login(world.viewer)
    page = text_of(client.get(world.parts.get_absolute_url()))
    assert "Líneas de acción" in page
    assert "5 de marzo de 2026" in page
    assert "5 días de retraso" in page


# ---------- Query budget ----------


def add_rows(world, make, n):
    """n more of everything a page lists: commissions, sessions, meetings, agreements, lines, timeline rows."""
    for _ in range(n):
        make.session(make.commission())
        make.session(world.commission)
        other_meeting = make.meeting(world.session_8)
        # Carried over from an earlier agreement each (one successor per session), and world.agreement continued in
        # a later session each time.
        earlier = make.agreement(make.meeting(world.session_7))
        agreement = make.agreement(world.meeting, coordinator=make.person(), carried_over_from=earlier)
        make.agreement(make.meeting(make.session(world.commission)), carried_over_from=world.agreement)
        agreement.our_institutions.add(make.institution())
        make.action_line(
            agreement,
            due_date=TODAY - 2 * DAY,
            responsible_person=world.focal_person,
            responsible_institution=make.institution(),
            counterpart_person=make.person(),
            counterpart_institution=make.institution(),
        )
        make.agreement(other_meeting)
        line = make.action_line(world.agreement, due_date=TODAY - 3 * DAY, carried_over_from=make.action_line(earlier))
        make.action_line(agreement, carried_over_from=world.parts)
        ProgressUpdate.objects.create(action_line=line, author=world.focal, note="Avance", percent_complete=10)
        ProgressUpdate.objects.create(action_line=world.parts, author=world.editor, note="Otro avance")
        line.change_deadline(TODAY + 9 * DAY, "Nueva fecha", world.editor)
        world.parts.change_deadline(world.parts.due_date - DAY, "Otra fecha", world.focal)
        Reminder.objects.create(
            action_line=world.parts,
            recipient=make.person(),
            kind=Reminder.Kind.OVERDUE,
            days_from_deadline=7,
            due_date=world.parts.due_date,
        )
        for owner in ({"meeting": world.meeting}, {"agreement": world.agreement}):
            Document.objects.create(title="Anexo", file=SimpleUploadedFile("anexo.pdf", b"%PDF"), **owner)


PAGES = {
    "dashboard": lambda world: "/",
    "commission_list": lambda world: "/commissions/",
    "commission_detail": lambda world: world.commission.get_absolute_url(),
    "session_detail": lambda world: world.session_8.get_absolute_url(),
    "meeting_detail": lambda world: world.meeting.get_absolute_url(),
    "agreement_detail": lambda world: world.agreement.get_absolute_url(),
    "action_line_detail": lambda world: world.parts.get_absolute_url(),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["focal", "editor"])
def test_query_count_is_the_same_with_5_and_50_rows(client, world, make, page, who):
    url = PAGES[page](world)
    client.force_login(getattr(world, who))
    client.cookies["django_language"] = "en"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_rows(world, make, 5)
    with_5 = queries()
    add_rows(world, make, 45)
    with_50 = queries()
    assert with_50 == with_5


# ---------- Shared template pieces ----------


@translation.override("en")
def test_roman_and_deadline_wording(make):
    assert [roman(n) for n in (1, 4, 8, 14, 0, "x")] == ["I", "IV", "VIII", "XIV", 0, "x"]
    line = make.action_line(due_date=TODAY - 5 * DAY)
    assert (days_label(line, TODAY), deadline_state(line, TODAY)) == ("5 days overdue", "overdue")
    line.due_date = TODAY
    assert (days_label(line, TODAY), deadline_state(line, TODAY)) == ("due today", "today")
    line.due_date = TODAY + DAY
    assert days_label(line, TODAY) == "in 1 day"
    line.status, line.percent_complete, line.completed_date = "done", 100, TODAY
    assert (days_label(line, TODAY), deadline_state(line, TODAY)) == ("", "done")


def test_bar_chart_writes_svg_numbers_unlocalised_in_spanish():
    template = engine.from_string(
        '{% from "includes/bar_chart.html" import bar_chart %}{{ bar_chart(chart, "Acuerdos", "chart-test") }}'
    )
    rows = [{"label": "Firmado", "value": 1, "url": "/a/"}, {"label": "Acordado", "value": 3, "url": "/b/"}]
    with translation.override("es"):
        html = template.render({"chart": bar_chart(rows)})
    assert 'width="33.3%"' in html
    assert 'width="100.0%"' in html
    assert 'aria-label="Firmado: 1"' in html


@translation.override("en")
def test_pagination_keeps_the_filters(rf):
    request = rf.get("/agreements/", {"status": "signed", "sector": "3", "page": "2"})
    page_obj = Paginator(range(100), 25).page(2)
    html = render_to_string("includes/pagination.html", {"page_obj": page_obj}, request=request)
    assert 'href="?status=signed&amp;sector=3&amp;page=1"' in html
    assert 'href="?status=signed&amp;sector=3&amp;page=3"' in html
    assert "Page 2 of 4" in html
