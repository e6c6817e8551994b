"""The secretariat's admin: every page answers with the demo data, and deadlines moved there are recorded."""

import datetime
import io

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from agreements.models import ActionLine, Agreement, DeadlineChange, ProgressUpdate, SectoralMeeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def client(make):
    # English, whatever translations exist: the assertions read our English source strings.
    client = Client(headers={"accept-language": "en"})
    client.force_login(make.user(username="root", is_staff=True, is_superuser=True))
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response):
    """The POST data of an admin change form as it was rendered: main form, then every inline formset."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            if isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            else:
                data[key] = "on" if value is True else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        data[formset.management_form.add_prefix("TOTAL_FORMS")] = str(formset.initial_form_count())
        for form in formset.initial_forms:
            add(form)
    return data


def test_site_is_titled_commission_tracker(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "<title>Site administration | Commission Tracker</title>" in response.content.decode()


def test_every_changelist_answers_for_a_superuser(demo, client):
    assert len(admin.site._registry) >= 14
    for model in admin.site._registry:
        url = admin_url(model, "changelist")
        assert client.get(url).status_code == 200, url
        assert client.get(url, {"q": "tractores"}).status_code == 200, f"{url}?q=tractores"


# A deadline change is made on its action line and a progress update through the progress form,
# so that the line changes with them; their admins list and show, but do not add.
RECORD_ONLY = {DeadlineChange, ProgressUpdate}


def test_every_add_page_answers_a_superuser(demo, client, rf):
    request = rf.get("/")
    request.user = get_user_model().objects.get(username="root")
    for model, model_admin in admin.site._registry.items():
        url = admin_url(model, "add")
        # Admins that only show recorded rows (deadline changes, progress updates, reminders) refuse adding.
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert client.get(url).status_code == expected, url
    assert all(not admin.site._registry[model].has_add_permission(request) for model in RECORD_ONLY)
    assert client.get(admin_url(Agreement, "add")).status_code == 200


@pytest.mark.parametrize("model", [Agreement, ActionLine])
def test_change_and_history_pages_answer(demo, client, model):
    obj = model.objects.order_by("pk").first()
    for view in ("change", "history"):
        response = client.get(admin_url(model, view, obj.pk))
        assert response.status_code == 200, view


def test_meeting_page_lists_its_agreements_inline(demo, client):
    meeting = SectoralMeeting.objects.get(session__number=8, sector__name="Industria")
    response = client.get(admin_url(SectoralMeeting, "change", meeting.pk))
    content = response.content.decode()
    for agreement in meeting.agreements.all():
        assert agreement.reference_code in content
    assert "45%" in content  # Santa Inés: the mean of its lines' percentages, computed


def test_agreement_progress_is_shown_and_cannot_be_typed(demo, client):
    agreement = Agreement.objects.get(reference_code="VE-BY-VIII-IND-01")
    expected = round(agreement.compute_progress())
    response = client.get(admin_url(Agreement, "change", agreement.pk))
    assert "progress" not in response.context["adminform"].form.fields
    assert f"{expected}%" in response.content.decode()
    changelist = client.get(admin_url(Agreement, "changelist"))
    assert f"{expected}%" in changelist.content.decode()


def test_agreement_can_be_entered_on_a_new_meeting_page(client, make):
    session, sector = make.session(), make.sector()
    data = {
        "session": session.pk,
        "sector": sector.pk,
        "date": "2026-01-16",
        "agreements-TOTAL_FORMS": "1",
        "agreements-INITIAL_FORMS": "0",
        "agreements-0-reference_code": "NEW-01",
        "agreements-0-title": "Reactivar la planta",
        "agreements-0-kind": Agreement.Kind.COMMITMENT,
        "agreements-0-status": Agreement.Status.AGREED,
        "agreements-0-confidentiality": Agreement.Confidentiality.INTERNAL,
    }
    response = client.post(admin_url(SectoralMeeting, "add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    agreement = Agreement.objects.get(reference_code="NEW-01")
    assert (agreement.session, agreement.sector) == (session, sector)


def test_signed_memorandum_without_date_is_an_error_on_the_meeting_page(client, make):
    meeting = make.meeting()
    response = client.get(admin_url(SectoralMeeting, "change", meeting.pk))
    data = form_data(response)
    data.update(
        {
            "agreements-TOTAL_FORMS": "1",
            "agreements-0-reference_code": "MOU-01",
            "agreements-0-title": "Memorando",
            "agreements-0-kind": Agreement.Kind.MEMORANDUM,
            "agreements-0-status": Agreement.Status.SIGNED,
            "agreements-0-confidentiality": Agreement.Confidentiality.PUBLIC,
        }
    )
    response = client.post(admin_url(SectoralMeeting, "change", meeting.pk), data)
    assert response.status_code == 200
    assert "A signed memorandum or contract needs its signed date." in response.content.decode()
    assert not Agreement.objects.filter(reference_code="MOU-01").exists()


@pytest.fixture
def line(make):
    return make.action_line(
        title="Suministro de partes y piezas faltantes",
        responsible_person=make.person(),
        responsible_institution=make.institution(),
        status=ActionLine.Status.IN_PROGRESS,
        percent_complete=40,
        target_quantity=80,
        target_unit="tractores y camiones",
        achieved_quantity=32,
    )


def reloaded(line):
    return ActionLine.objects.get(pk=line.pk)


def test_moving_a_deadline_without_a_reason_is_refused(client, line):
    url = admin_url(ActionLine, "change", line.pk)
    data = form_data(client.get(url))
    data["due_date"] = str(line.due_date + datetime.timedelta(days=30))

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["deadline_reason"] == [
        "Say why the deadline changes; the change is kept in the history."
    ]
    assert reloaded(line).due_date == line.due_date
    assert not DeadlineChange.objects.exists()


def test_moving_a_deadline_with_a_reason_records_the_change(client, line):
    old, new = line.due_date, line.due_date + datetime.timedelta(days=30)
    url = admin_url(ActionLine, "change", line.pk)
    data = form_data(client.get(url))
    data.update(due_date=str(new), deadline_reason="  Las cajas de velocidades llegan en el próximo buque.  ")

    response = client.post(url, data)

    assert response.status_code == 302
    line = reloaded(line)
    assert (line.due_date, line.original_due_date) == (new, old)
    change = DeadlineChange.objects.get()
    assert (change.action_line, change.old_date, change.new_date) == (line, old, new)
    assert change.reason == "Las cajas de velocidades llegan en el próximo buque."
    assert change.changed_by.username == "root"


def test_editing_a_line_without_moving_its_deadline_records_nothing(client, line):
    url = admin_url(ActionLine, "change", line.pk)
    data = form_data(client.get(url))
    data["percent_complete"] = "45"

    assert client.post(url, data).status_code == 302
    assert reloaded(line).percent_complete == 45
    assert not DeadlineChange.objects.exists()


def inline_prefix(response, line):
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.initial_forms:
            if form.instance.pk == line.pk:
                return form.prefix
    raise AssertionError("the line is not inline")


def test_moving_a_deadline_inline_without_a_reason_is_refused(client, line):
    url = admin_url(Agreement, "change", line.agreement_id)
    response = client.get(url)
    prefix = inline_prefix(response, line)
    data = form_data(response)
    data[f"{prefix}-due_date"] = str(line.due_date + datetime.timedelta(days=10))

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Say why the deadline changes" in response.content.decode()
    assert reloaded(line).due_date == line.due_date
    assert not DeadlineChange.objects.exists()


def test_moving_a_deadline_inline_with_a_reason_records_the_change(client, line):
    new = line.due_date + datetime.timedelta(days=10)
    url = admin_url(Agreement, "change", line.agreement_id)
    response = client.get(url)
    prefix = inline_prefix(response, line)
    data = form_data(response)
    data[f"{prefix}-due_date"] = str(new)
    data[f"{prefix}-deadline_reason"] = "Nueva fecha de embarque."

    assert client.post(url, data).status_code == 302

    change = DeadlineChange.objects.get()
    assert (change.action_line, change.old_date, change.new_date) == (line, line.due_date, new)
    assert (change.reason, change.changed_by.username) == ("Nueva fecha de embarque.", "root")
    assert reloaded(line).due_date == new


def test_a_new_line_inline_needs_no_reason(client, make):
    agreement = make.agreement()
    url = admin_url(Agreement, "change", agreement.pk)
    data = form_data(client.get(url))
    data.update(
        {
            "action_lines-TOTAL_FORMS": "1",
            "action_lines-0-title": "Contratar la consultora del estudio",
            "action_lines-0-due_date": "2027-03-31",
            "action_lines-0-status": ActionLine.Status.NOT_STARTED,
            "action_lines-0-percent_complete": "0",
        }
    )

    assert client.post(url, data).status_code == 302

    line = agreement.action_lines.get(title="Contratar la consultora del estudio")
    assert line.original_due_date == line.due_date == datetime.date(2027, 3, 31)
    assert not DeadlineChange.objects.exists()


def test_history_cannot_be_reverted(client, line):
    record = line.history.earliest()
    url = reverse("admin:agreements_actionline_simple_history", args=[line.pk, record.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"due_date": "2030-01-01"}).status_code == 403
    assert reloaded(line).due_date == line.due_date
