"""Preparing the next session: pending items carried over once, in one transaction, labelled both ways."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from agreements import carry_over
from agreements.models import ActionLine, Agreement, ProgressUpdate, SectoralMeeting, Session

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(make, frozen_today):
    venezuela, belarus = make.country(), make.country("BY", "Belarus")
    commission = make.commission("Comisión Mixta Venezuela–Belarús")
    vii = make.session(commission, 7, start_date=datetime.date(2024, 5, 2), city="Minsk", country=belarus)
    viii = make.session(commission, 8, start_date=datetime.date(2026, 1, 14), city="Caracas", country=venezuela)
    industry, agriculture = make.sector("Industria"), make.sector("Agricultura")
    meeting = make.meeting(viii, industry)
    plan = make.agreement(meeting, reference_code="VE-BY-VIII-IND-01", title="Reactivación de Santa Inés")
    parts = make.action_line(plan, title="Suministro de partes", status="in_progress", percent_complete=40)
    study = make.action_line(plan, title="Estudio de mercado", due_date=DUE)
    done = make.action_line(
        plan, title="Diagnóstico técnico", status="done", percent_complete=100, completed_date=DUE, due_date=DUE
    )
    finished = make.agreement(meeting, reference_code="VE-BY-VIII-IND-02", title="Acuerdo cumplido", status="completed")
    make.action_line(finished, title="Línea de un acuerdo cumplido", due_date=DUE)
    older = make.agreement(
        make.meeting(vii, agriculture), reference_code="VE-BY-VII-AGR-01", title="Mecanización agrícola"
    )
    training = make.action_line(older, title="Formación de operadores", status="blocked", due_date=DUE)
    editor = make.user("editor", groups=["Editor"], is_staff=True)
    viewer = make.user("viewer", groups=["Viewer"])
    return SimpleNamespace(
        commission=commission,
        vii=vii,
        viii=viii,
        industry=industry,
        agriculture=agriculture,
        belarus=belarus,
        plan=plan,
        parts=parts,
        study=study,
        done=done,
        finished=finished,
        older=older,
        training=training,
        editor=editor,
        viewer=viewer,
    )


def prepare_url(session):
    return reverse("agreements:prepare_next_session", args=[session.pk])


def carry_everything(client, world, **overrides):
    data = {
        "agreements": [world.plan.pk, world.older.pk],
        "lines": [world.parts.pk, world.study.pk, world.training.pk],
        "city": "Minsk",
        "country": world.belarus.pk,
        "start_date": "2027-05-04",
        "end_date": "2027-05-06",
        **overrides,
    }
    return client.post(prepare_url(world.viii), data)


def test_the_prepare_page_lists_pending_items_by_sector(client, world, in_english):
    client.force_login(world.editor)
    page = client.get(prepare_url(world.viii)).content.decode()
    assert "Prepare session IX" in page
    for shown in ("VE-BY-VIII-IND-01", "Suministro de partes", "Estudio de mercado", "VE-BY-VII-AGR-01", "Formación"):
        assert shown in page
    for hidden in ("Diagnóstico técnico", "VE-BY-VIII-IND-02"):
        assert hidden not in page
    assert page.index("<h3>Agricultura</h3>") < page.index("<h3>Industria</h3>")
    assert 'name="city"' in page and 'name="start_date"' in page


def test_the_session_page_offers_it_to_editors_only(client, world, in_english):
    client.force_login(world.editor)
    assert "Prepare the next session" in client.get(world.viii.get_absolute_url()).content.decode()
    client.force_login(world.viewer)
    assert "Prepare the next session" not in client.get(world.viii.get_absolute_url()).content.decode()


def test_viewers_may_not_prepare_the_next_session(client, world):
    client.force_login(world.viewer)
    assert client.get(prepare_url(world.viii)).status_code == 403
    assert carry_everything(client, world).status_code == 403
    assert not Session.objects.filter(number=9).exists()


def test_carrying_creates_the_next_session_and_links_both_ways(client, world):
    client.force_login(world.editor)
    response = carry_everything(client, world)
    ix = Session.objects.get(commission=world.commission, number=9)
    assert response.status_code == 302 and response.url == ix.get_absolute_url()
    assert (ix.city, ix.country, ix.start_date, ix.end_date) == (
        "Minsk",
        world.belarus,
        datetime.date(2027, 5, 4),
        datetime.date(2027, 5, 6),
    )
    assert ix.status == Session.Status.PLANNED

    plan = Agreement.objects.get(carried_over_from=world.plan)
    assert plan.reference_code == "VE-BY-IX-IND-01"
    assert plan.meeting.session == ix and plan.meeting.sector == world.industry
    assert plan.meeting.date == ix.start_date
    older = Agreement.objects.get(carried_over_from=world.older)
    assert older.reference_code == "VE-BY-IX-AGR-01" and older.session == ix

    parts = ActionLine.objects.get(carried_over_from=world.parts)
    assert parts.agreement == plan and parts.due_date == world.parts.due_date
    assert (parts.status, parts.percent_complete) == ("in_progress", 40)
    assert ActionLine.objects.get(carried_over_from=world.study).status == "not_started"
    assert ActionLine.objects.get(carried_over_from=world.training).status == "blocked"
    assert not ActionLine.objects.filter(carried_over_from=world.done).exists()

    # The originals keep their history and are closed with a note naming their continuation.
    world.parts.refresh_from_db()
    assert (world.parts.status, world.parts.percent_complete) == ("cancelled", 40)
    note = ProgressUpdate.objects.get(action_line=world.parts)
    assert "VE-BY-IX-IND-01" in note.note
    assert not ProgressUpdate.objects.filter(action_line=parts).exists()


def test_labels_say_carried_over_from_and_to_on_every_page(client, world, in_english):
    client.force_login(world.editor)
    carry_everything(client, world)
    plan = Agreement.objects.get(carried_over_from=world.plan)
    parts = ActionLine.objects.get(carried_over_from=world.parts)

    def page(url):
        return client.get(url).content.decode()

    assert "carried over from VIII" in page(plan.get_absolute_url())
    assert "carried over to IX" in page(world.plan.get_absolute_url())
    assert "carried over from VIII" in page(parts.get_absolute_url())
    assert "carried over to IX" in page(world.parts.get_absolute_url())
    agreements = page(reverse("agreements:agreement_list"))
    assert "carried over from VIII" in agreements and "carried over to IX" in agreements
    # The line carried over is closed (cancelled) in VIII: the worklist shows it among all statuses.
    lines = page(reverse("agreements:action_line_list") + "?status=all")
    assert "carried over from VIII" in lines and "carried over to IX" in lines
    assert "carried over from VIII" in page(plan.meeting.get_absolute_url())
    assert "carried over to IX" in page(world.plan.meeting.get_absolute_url())
    assert "2 agreements carried over from earlier sessions" in page(plan.session.get_absolute_url())
    assert "1 agreement carried over to IX" in page(world.viii.get_absolute_url())


def test_running_it_twice_carries_nothing_twice(client, world, in_english):
    client.force_login(world.editor)
    carry_everything(client, world)
    counts = (Session.objects.count(), Agreement.objects.count(), ActionLine.objects.count())
    page = client.get(prepare_url(world.viii)).content.decode()
    assert "Already carried over to IX" in page
    assert 'name="city"' not in page  # session IX exists now
    response = carry_everything(client, world)
    assert response.status_code == 200  # nothing left to choose: the form says so
    assert (Session.objects.count(), Agreement.objects.count(), ActionLine.objects.count()) == counts
    # Asking the service directly skips what was carried.
    outcome = carry_over.carry_over(world.viii, world.editor, [world.plan.pk], [world.parts.pk])
    assert (outcome.agreements, outcome.lines, outcome.skipped) == (0, 0, 2)
    assert (Session.objects.count(), Agreement.objects.count(), ActionLine.objects.count()) == counts


def test_a_line_left_behind_can_follow_its_agreement_later(client, world):
    client.force_login(world.editor)
    carry_everything(client, world, lines=[world.parts.pk])
    client.post(prepare_url(world.viii), {"lines": [world.study.pk]})
    plan = Agreement.objects.get(carried_over_from=world.plan)
    assert set(plan.action_lines.values_list("carried_over_from", flat=True)) == {world.parts.pk, world.study.pk}


def test_the_database_refuses_a_second_successor_in_one_session(client, world):
    client.force_login(world.editor)
    carry_everything(client, world)
    plan = Agreement.objects.get(carried_over_from=world.plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            meeting=plan.meeting, reference_code="VE-BY-IX-IND-99", title="Twin", carried_over_from=world.plan
        )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2027-05-06", "2027-05-04", "The session cannot end before it starts."),
        ("2207-05-04", "2207-05-06", "Enter a date between 1990 and 2100."),
        ("", "", "This field is required."),
    ],
)
def test_bad_dates_show_errors_and_change_nothing(client, world, in_english, start, end, message):
    client.force_login(world.editor)
    counts = (Session.objects.count(), Agreement.objects.count(), ActionLine.objects.count())
    response = carry_everything(client, world, start_date=start, end_date=end)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert (Session.objects.count(), Agreement.objects.count(), ActionLine.objects.count()) == counts
    # What was typed and ticked is kept.
    assert 'value="Minsk"' in page and f'value="{world.parts.pk}" id="line-{world.parts.pk}" checked' in page


def test_choosing_nothing_is_an_error(client, world, in_english):
    client.force_login(world.editor)
    response = carry_everything(client, world, agreements=[], lines=[])
    assert "Choose at least one agreement or action line to carry over." in response.content.decode()
    assert not Session.objects.filter(number=9).exists()


def test_a_failure_half_way_leaves_nothing(world, monkeypatch):
    copy_line = carry_over._copy_line
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return copy_line(*args, **kwargs)

    monkeypatch.setattr(carry_over, "_copy_line", failing)
    counts = (Session.objects.count(), SectoralMeeting.objects.count(), Agreement.objects.count())
    with pytest.raises(RuntimeError):
        carry_over.carry_over(
            world.viii,
            world.editor,
            [world.plan.pk, world.older.pk],
            [world.parts.pk, world.study.pk, world.training.pk],
            new_session={
                "city": "Minsk",
                "country": world.belarus,
                "start_date": datetime.date(2027, 5, 4),
                "end_date": datetime.date(2027, 5, 6),
            },
        )
    assert (Session.objects.count(), SectoralMeeting.objects.count(), Agreement.objects.count()) == counts
    assert not ActionLine.objects.filter(carried_over_from__isnull=False).exists()
    world.parts.refresh_from_db()
    assert world.parts.status == "in_progress"
    assert not ProgressUpdate.objects.exists()


def test_an_existing_next_session_is_used_and_its_meeting_reused(client, world, make):
    ix = make.session(world.commission, 9, start_date=datetime.date(2027, 5, 4), city="Minsk", country=world.belarus)
    industry_ix = make.meeting(ix, world.industry, date=datetime.date(2027, 5, 5))
    make.agreement(industry_ix, reference_code="VE-BY-IX-IND-01")
    client.force_login(world.editor)
    response = client.post(prepare_url(world.viii), {"agreements": [world.plan.pk], "lines": [world.parts.pk]})
    assert response.status_code == 302
    plan = Agreement.objects.get(carried_over_from=world.plan)
    assert plan.meeting == industry_ix
    assert plan.reference_code == "VE-BY-IX-IND-02"
    assert Session.objects.filter(commission=world.commission).count() == 3


def test_only_what_the_user_may_see_is_offered(world, make):
    secret = make.agreement(world.plan.meeting, reference_code="VE-BY-VIII-IND-03", confidentiality="restricted")
    make.action_line(secret, due_date=DUE)
    focal = make.user(groups=["Focal point"])
    offered = {c.agreement.pk for c in carry_over.candidates(world.viii, focal, None)}
    assert secret.pk not in offered and world.plan.pk in offered
    assert secret.pk in {c.agreement.pk for c in carry_over.candidates(world.viii, world.editor, None)}


def test_references_follow_the_commission_pattern(world, make):
    assert carry_over.sector_code(world.industry) == "IND"
    assert carry_over.sector_code(make.sector("Ciencia y tecnología")) == "CYT"
    assert carry_over.sector_code(make.sector("Alimentación")) == "ALI"
    ix = Session(commission=world.commission, number=9)
    assert carry_over.reference_prefix(world.plan, ix) == "VE-BY-IX-IND"
    odd = make.agreement(world.plan.meeting, reference_code="ACUERDO-17")
    assert carry_over.reference_prefix(odd, ix) in {"BY-VE-IX-IND", "VE-BY-IX-IND"}
