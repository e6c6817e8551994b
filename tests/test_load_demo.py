"""load_demo: realistic data from both reports, deadlines relative to today, the same rows however often it runs."""

import datetime
import io

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings

from agreements.clock import local_today
from agreements.models import ActionLine, Agreement, Commission, DeadlineChange, Person, ProgressUpdate, Session

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
    china_text = " ".join(ActionLine.objects.filter(commission=china).values_list("title", flat=True)).lower()
    for topic in ("petrolera", "fibra óptica", "neurociencia", "inteligencia artificial", "electrónica", "semillas"):
        assert topic in china_text
    assert Agreement.objects.filter(commission=china, sector__name="Salud").exists()

    assert Person.objects.get(full_name="José Biomorgi").position.startswith(
        "Ministro del Poder Popular para Industrias"
    )
    assert Person.objects.get(full_name="Alberto Quintero").institution.acronym == "MINCYT"
    assert Person.objects.filter(language="en").count() >= 5
    assert Person.objects.filter(superior__isnull=False).exists()


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
    assert Agreement.objects.filter(signed_date__isnull=False, entry_into_force_date__isnull=False).exists()
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
