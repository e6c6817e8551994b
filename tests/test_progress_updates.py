"""Progress reporting at /action-lines/<id>/update/: who may report, what a report changes, and bad input."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import ActionLine, DeadlineChange, ProgressUpdate
from agreements.progress import report_progress

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today", "in_english")]

TODAY = datetime.date(2026, 4, 15)
DEADLINE = datetime.date(2026, 3, 31)


@pytest.fixture
def focal(make):
    account = make.user("focal", groups=["Focal point"])
    make.person("Ana Torres", user=account)
    return account


@pytest.fixture
def line(make, focal):
    return make.action_line(
        title="Supply the missing parts for 80 tractors",
        due_date=DEADLINE,
        responsible_person=focal.person,
        target_quantity=80,
        target_unit="tractors and trucks",
    )


def update_url(line):
    return reverse("agreements:action_line_update", args=[line.pk])


def post(client, line, **fields):
    data = {"note": "Parts for 20 tractors arrived.", "status": line.status, "percent_complete": line.percent_complete}
    data.update(fields)
    return client.post(update_url(line), {key: value for key, value in data.items() if value is not None})


def test_focal_point_sees_the_form_for_their_own_line(client, focal, line):
    client.force_login(focal)
    response = client.get(update_url(line))
    assert response.status_code == 200
    assert 'name="note"' in response.text
    assert response.context["form"]["percent_complete"].value() == 0
    assert "Target: 80 tractors and trucks." in response.text


def test_focal_point_posts_an_update_and_is_sent_back_to_the_line(client, focal, line):
    client.force_login(focal)
    response = post(client, line, status="in_progress", percent_complete=25, achieved_quantity="20")
    assert response.status_code == 302
    assert response["Location"] == line.get_absolute_url()
    line.refresh_from_db()
    assert (line.status, line.percent_complete, line.achieved_quantity) == ("in_progress", 25, Decimal("20"))
    update = ProgressUpdate.objects.get()
    assert update.author == focal
    assert update.note == "Parts for 20 tractors arrived."
    assert (update.status, update.percent_complete, update.achieved_quantity) == ("in_progress", 25, Decimal("20"))
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == ["Your progress update has been saved."]


def test_counterpart_focal_point_may_report_too(client, make, line):
    account = make.user(groups=["Focal point"])
    line.counterpart_person = make.person(user=account)
    line.save()
    client.force_login(account)
    assert post(client, line, percent_complete=10).status_code == 302


def test_focal_point_cannot_update_others_line(client, make, focal):
    others = make.action_line(responsible_person=make.person())
    client.force_login(focal)
    assert client.get(update_url(others)).status_code == 403
    assert post(client, others, percent_complete=50).status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_viewer_cannot_reach_the_update_form(client, make, line):
    client.force_login(make.user(groups=["Viewer"]))
    assert client.get(update_url(line)).status_code == 403
    assert post(client, line, percent_complete=50).status_code == 403


def test_editor_may_report_on_any_line(client, make, line):
    client.force_login(make.user(groups=["Editor"]))
    assert client.get(update_url(line)).status_code == 200
    assert post(client, line, percent_complete=50).status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in(client, line):
    response = client.get(update_url(line))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_missing_line_is_404(client, focal):
    client.force_login(focal)
    assert client.get(reverse("agreements:action_line_update", args=[999999])).status_code == 404


def test_marking_done_sets_100_percent_and_completed_today(client, focal, line):
    client.force_login(focal)
    post(client, line, status="done", percent_complete=40)
    line.refresh_from_db()
    assert (line.status, line.percent_complete, line.completed_date) == ("done", 100, TODAY)


def test_reopening_a_done_line_clears_its_completed_date(client, focal, line):
    client.force_login(focal)
    post(client, line, status="done")
    line.refresh_from_db()
    # The update form refuses a closed line (tests/test_worklists.py); the rule itself still reopens one.
    report_progress(line, author=focal, note="A part failed inspection.", status="blocked", percent_complete=90)
    line.refresh_from_db()
    assert (line.status, line.percent_complete, line.completed_date) == ("blocked", 90, None)


def test_a_new_deadline_with_a_reason_is_recorded_as_a_deadline_change(client, focal, line):
    client.force_login(focal)
    new = datetime.date(2026, 6, 30)
    response = post(client, line, new_due_date=new.isoformat(), deadline_reason="Shipping delayed at the port.")
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.due_date, line.original_due_date) == (new, DEADLINE)
    change = DeadlineChange.objects.get()
    assert (change.old_date, change.new_date, change.reason, change.changed_by) == (
        DEADLINE,
        new,
        "Shipping delayed at the port.",
        focal,
    )
    assert ProgressUpdate.objects.get().new_due_date == new


def test_the_same_deadline_is_no_change(client, focal, line):
    client.force_login(focal)
    assert post(client, line, new_due_date=DEADLINE.isoformat()).status_code == 302
    assert not DeadlineChange.objects.exists()
    assert ProgressUpdate.objects.get().new_due_date is None


def assert_nothing_saved(line, before):
    line.refresh_from_db()
    assert (line.status, line.percent_complete, line.achieved_quantity, line.due_date) == before
    assert not ProgressUpdate.objects.exists()
    assert not DeadlineChange.objects.exists()


@pytest.mark.parametrize(
    "fields, field_in_error",
    [
        ({"new_due_date": "2026-06-30", "deadline_reason": "  "}, "deadline_reason"),
        ({"note": "   "}, "note"),
        ({"percent_complete": "150"}, "percent_complete"),
        ({"percent_complete": "-1"}, "percent_complete"),
        ({"percent_complete": "half"}, "percent_complete"),
        ({"achieved_quantity": "-3"}, "achieved_quantity"),
        ({"status": "finished"}, "status"),
        ({"new_due_date": "31/02/2026", "deadline_reason": "x"}, "new_due_date"),
    ],
)
def test_invalid_reports_show_the_form_with_errors_and_save_nothing(client, focal, line, fields, field_in_error):
    client.force_login(focal)
    before = (line.status, line.percent_complete, line.achieved_quantity, line.due_date)
    response = post(client, line, **fields)
    assert response.status_code == 200
    assert field_in_error in response.context["form"].errors
    assert 'class="error-summary"' in response.text
    assert f'href="#id_{field_in_error}"' in response.text
    assert_nothing_saved(line, before)


def test_the_domain_rolls_back_a_deadline_change_when_the_report_is_invalid(focal, line):
    before = (line.status, line.percent_complete, line.achieved_quantity, line.due_date)
    with pytest.raises(ValidationError):
        report_progress(
            line,
            author=focal,
            note="Moving the date, with an impossible percent.",
            percent_complete=140,
            new_due_date=datetime.date(2026, 7, 1),
            deadline_reason="Port strike.",
        )
    assert_nothing_saved(line, before)


def test_the_domain_refuses_a_new_deadline_without_a_reason(focal, line):
    with pytest.raises(ValidationError):
        report_progress(line, author=focal, note="Later.", new_due_date=datetime.date(2026, 7, 1))
    assert ActionLine.objects.get(pk=line.pk).due_date == DEADLINE


def test_an_update_records_only_what_changed(focal, line):
    update = report_progress(line, author=focal, note="Still waiting.", status=line.status, percent_complete=0)
    assert (update.status, update.percent_complete, update.achieved_quantity, update.new_due_date) == (
        "",
        None,
        None,
        None,
    )


def test_a_line_without_a_target_has_no_quantity_field(client, make, focal):
    plain = make.action_line(responsible_person=focal.person)
    client.force_login(focal)
    response = client.get(update_url(plain))
    assert "achieved_quantity" not in response.context["form"].fields
