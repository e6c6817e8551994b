"""load_demo: realistic data from both reports, deadlines relative to today, the same rows however often it runs."""

import datetime
import io

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F, Q
from django.test import override_settings

from agreements.clock import local_today
from agreements.models import (
    ActionLine,
    Agreement,
    Commission,
    DeadlineChange,
    Institution,
    Person,
    ProgressUpdate,
    Sector,
    SectoralMeeting,
    Session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The demo hashes four passwords on every load; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def days_from_today(line):
    return (line.due_date - local_today()).days


@override_settings(DEBUG=True)
def test_loading_twice_leaves_the_same_rows_in_every_table():
    load_demo()
    first = row_counts()
    load_demo()
    assert row_counts() == first
    assert first["agreements.HistoricalActionLine"] == first["agreements.ActionLine"]  # one "created" record each


@override_settings(DEBUG=True)
def test_loading_on_a_later_day_moves_deadlines_without_new_rows():
    with time_machine.travel(datetime.datetime(2026, 5, 4, 12, tzinfo=datetime.UTC), tick=False):
        load_demo()
        counts = {model: model.objects.count() for model in (ActionLine, DeadlineChange, ProgressUpdate)}
    with time_machine.travel(datetime.datetime(2026, 6, 20, 12, tzinfo=datetime.UTC), tick=False):
        load_demo()
        assert {model: model.objects.count() for model in counts} == counts
        assert ActionLine.objects.overdue(local_today()).exists()


def test_both_reports_are_there():
    load_demo()
    belarus = Commission.objects.get(short_name="Venezuela–Belarús")
    assert set(belarus.parties.values_list("code", flat=True)) == {"VE", "BY"}
    vii, viii = Session.objects.filter(commission=belarus).order_by("number")
    assert (vii.roman_number, viii.roman_number, viii.city) == ("VII", "VIII", "Caracas")
    assert vii.status == viii.status == Session.Status.HELD
    assert set(viii.meetings.values_list("sector__name", flat=True)) == {
        "Industria",
        "Ciencia y tecnología",
        "Agricultura",
        "Transporte",
        "Vivienda",
        "Petroquímica",
        "Alimentación",
    }
    industry = " ".join(
        Agreement.objects.filter(session=viii, sector__name="Industria").values_list("title", flat=True)
    )
    industry += " ".join(ActionLine.objects.filter(agreement__session=viii).values_list("title", flat=True))
    for words in (
        "Santa Inés",
        "Veneminsk",
        "Mazven",
        "Pedro Camejo",
        "sustitución de importaciones",
        "América Latina",
    ):
        assert words in industry
    parts = ActionLine.objects.get(title__contains="80 tractores y camiones")
    assert (parts.target_quantity, parts.target_unit) == (80, "tractores y camiones")
    assert parts.carried_over_from.agreement.session == vii
    assert Agreement.objects.filter(session=viii, carried_over_from__session=vii).exists()

    china = Commission.objects.get(short_name="Venezuela–China")
    china_text = " ".join(Agreement.objects.filter(commission=china).values_list("title", flat=True)).lower()
    for topic in (
        "petrolera",
        "telecomunicaciones e infraestructura",
        "neurociencia",
        "investigación médica",
        "agricultura",
        "electrónica",
        "inteligencia artificial",
    ):
        assert topic in china_text

    assert Person.objects.get(full_name="José Biomorgi").position.startswith(
        "Ministro del Poder Popular para Industrias"
    )
    assert Person.objects.get(full_name="Alberto Quintero").institution.acronym == "MINCYT"
    assert Person.objects.filter(language="en").count() >= 5
    assert Person.objects.filter(superior__isnull=False).exists()


def test_the_china_record_is_a_conference_with_proposals_not_a_commission_session():
    with time_machine.travel(datetime.datetime(2026, 5, 4, 12, tzinfo=datetime.UTC), tick=False):
        load_demo()
    china = Commission.objects.get(short_name="Venezuela–China")
    assert "No es una comisión mixta" in china.description and "conferencia multilateral" in china.description
    (conference,) = Session.objects.filter(commission=china)
    assert (conference.city, conference.start_date, conference.end_date) == (
        "Chongqing",
        datetime.date(2025, 11, 7),
        datetime.date(2025, 11, 7),
    )
    (meeting,) = conference.meetings.all()
    assert "Franja y la Ruta sobre Intercambio Científico y Tecnológico (BRST)" in meeting.venue
    assert meeting.chairs == ""

    agreements = Agreement.objects.filter(commission=china)
    assert agreements.count() == 6
    assert set(agreements.values_list("status", flat=True)) == {Agreement.Status.PROPOSED}
    assert not agreements.filter(kind__in=[Agreement.Kind.MEMORANDUM, Agreement.Kind.CONTRACT]).exists()
    assert not agreements.filter(
        Q(signed_date__isnull=False) | Q(entry_into_force_date__isnull=False) | Q(expiry_date__isnull=False)
    ).exists()
    # The report names nobody on the Chinese side, and no Chinese ministry or company; only the city of Chongqing.
    assert not Person.objects.filter(institution__country__code="CN").exists()
    assert not ActionLine.objects.filter(commission=china, counterpart_person__isnull=False).exists()
    assert set(agreements.values_list("counterpart_institutions__name", flat=True)) == {
        None,
        "Gobierno Municipal de Chongqing",
    }
    assert Person.objects.get(full_name="Alberto Quintero").position == "Viceministro de Ciencia y Tecnología"


def test_belarus_sectors_other_than_industry_were_evaluated_with_nothing_signed_on_the_day():
    load_demo()
    viii = Session.objects.get(commission__short_name="Venezuela–Belarús", number=8)
    evaluated = Agreement.objects.filter(session=viii).exclude(sector__name="Industria")
    assert set(evaluated.values_list("sector__name", flat=True)) == {
        "Ciencia y tecnología",
        "Agricultura",
        "Transporte",
        "Vivienda",
        "Petroquímica",
        "Alimentación",
    }
    assert set(evaluated.values_list("status", flat=True)) <= {Agreement.Status.PROPOSED, Agreement.Status.AGREED}
    assert not evaluated.filter(kind=Agreement.Kind.CONTRACT).exists()
    assert not evaluated.filter(Q(signed_date__isnull=False) | Q(entry_into_force_date__isnull=False)).exists()
    for meeting in viii.meetings.exclude(sector__name="Industria"):
        assert meeting.summary.startswith("Se evalu"), meeting


@override_settings(DEBUG=True)
def test_loading_removes_what_earlier_demos_overstated():
    load_demo()
    china = Commission.objects.get(short_name="Venezuela–China")
    china.name = "Comisión de Cooperación Científica y Tecnológica Venezuela–China"
    china.save()
    session = china.sessions.get()
    energy = SectoralMeeting.objects.create(
        session=session, sector=Sector.objects.get(name="Energía"), date=session.start_date
    )
    Agreement.objects.create(
        meeting=energy, reference_code="VE-CN-I-ENE-01", title="Ampliación de la cooperación en el sector petrolero"
    )
    Agreement.objects.filter(reference_code="VE-BY-VIII-VIV-01").update(
        title="Construcción de viviendas con tecnología constructiva bielorrusa",
        kind=Agreement.Kind.CONTRACT,
        status=Agreement.Status.IN_IMPLEMENTATION,
        signed_date=session.start_date,
    )
    Person.objects.create(
        full_name="Li Wen", institution=Institution.objects.get(name="Gobierno Municipal de Chongqing")
    )

    load_demo()

    assert Commission.objects.get(pk=china.pk).name == "Cooperación Venezuela–China en la Franja y la Ruta"
    assert not Agreement.objects.filter(reference_code="VE-CN-I-ENE-01").exists()
    assert not SectoralMeeting.objects.filter(pk=energy.pk).exists()
    housing = Agreement.objects.get(reference_code="VE-BY-VIII-VIV-01")
    assert (housing.status, housing.signed_date) == (Agreement.Status.PROPOSED, None)
    assert housing.action_lines.count() == 1
    assert not Person.objects.filter(full_name="Li Wen").exists()


def test_deadlines_cover_every_state_relative_to_today():
    load_demo()
    today = local_today()
    lines = ActionLine.objects.all()
    overdue = [days_from_today(line) for line in lines.overdue(today)]
    assert any(days <= -30 for days in overdue) and any(-30 < days <= -14 for days in overdue)
    assert any(-14 < days < 0 for days in overdue)
    assert lines.due_between(today, today + datetime.timedelta(days=7)).exists()
    due_in = {days_from_today(line) for line in lines.open()}
    assert {14, 7, 1, 0} <= due_in
    assert any(days > 30 for days in due_in)
    done = lines.filter(status=ActionLine.Status.DONE)
    assert done.exists()
    assert all(line.percent_complete == 100 and line.completed_date <= today for line in done)
    assert DeadlineChange.objects.exists()
    assert lines.exclude(original_due_date=F("due_date")).count() == DeadlineChange.objects.count()
    assert ProgressUpdate.objects.exists()
    # Legal dates appear only on the illustrative session VII: neither report tells of anything signed.
    signed = Agreement.objects.filter(signed_date__isnull=False, entry_into_force_date__isnull=False)
    assert signed.exists() and set(signed.values_list("session__number", flat=True)) == {7}
    assert set(Agreement.objects.values_list("confidentiality", flat=True)) == set(Agreement.Confidentiality)


@override_settings(DEBUG=True)
def test_focal_account_is_responsible_for_several_lines_some_overdue():
    load_demo()
    focal = get_user_model().objects.get(username="focal")
    lines = ActionLine.objects.filter(responsible_person=focal.person)
    assert lines.count() >= 3
    assert lines.overdue(local_today()).count() >= 2
    assert ProgressUpdate.objects.filter(author=focal).exists()
    assert DeadlineChange.objects.filter(changed_by__username="editor").exists()


@override_settings(DEBUG=True)
def test_demo_accounts_have_their_roles_and_the_demo_password():
    output = load_demo()
    user_model = get_user_model()
    expected = {"admin": "Administrator", "editor": "Editor", "focal": "Focal point", "viewer": "Viewer"}
    for username, group in expected.items():
        user = user_model.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.check_password(settings.DEMO_PASSWORD)
    assert user_model.objects.get(username="admin").is_superuser
    assert user_model.objects.get(username="editor").is_staff
    assert not user_model.objects.get(username="viewer").is_staff
    assert "admin, editor, focal, viewer" in output


@override_settings(DEBUG=True)
def test_loading_again_resets_demo_passwords_and_roles():
    load_demo()
    viewer = get_user_model().objects.get(username="viewer")
    viewer.set_password("changed")
    viewer.is_superuser = True
    viewer.save()
    viewer.groups.clear()

    load_demo()

    viewer.refresh_from_db()
    assert viewer.check_password(settings.DEMO_PASSWORD)
    assert not viewer.is_superuser
    assert list(viewer.groups.values_list("name", flat=True)) == ["Viewer"]


@override_settings(DEBUG=False)
def test_no_accounts_without_debug():
    output = load_demo()
    assert not get_user_model().objects.exists()
    assert "demo accounts skipped" in output
    assert f"{ActionLine.objects.count()} action lines" in output
