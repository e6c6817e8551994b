"""The action-line lists as worklists: open lines first and late ones on top, closed lines one click away,
no progress reported on a closed line, and a summary of what the list shows."""

import datetime

import pytest
from django.urls import reverse

from agreements.models import ProgressUpdate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today", "in_english")]

TODAY = datetime.date(2026, 4, 15)
DAY = datetime.timedelta(days=1)
ACTION_LINES = reverse("agreements:action_line_list")
MINE = reverse("agreements:my_action_lines")
AGREEMENTS = reverse("agreements:agreement_list")


def titles(response):
    return [line.title for line in response.context["action_lines"]]


@pytest.fixture
def focal(make):
    account = make.user("focal", groups=["Focal point"])
    make.person("Ana Torres", user=account)
    return account


@pytest.fixture
def worklist(make, focal):
    """Lines of every kind, all the focal point's: closed ones with the oldest deadlines, as in a real database."""
    me = focal.person
    closed = {"percent_complete": 100, "completed_date": TODAY - 60 * DAY}
    make.action_line(title="Done long ago", status="done", due_date=TODAY - 400 * DAY, responsible_person=me, **closed)
    make.action_line(title="Cancelled", status="cancelled", due_date=TODAY - 300 * DAY, responsible_person=me)
    make.action_line(title="Due later", due_date=TODAY + 40 * DAY, responsible_person=me)
    make.action_line(title="Late", status="blocked", due_date=TODAY - 5 * DAY, counterpart_person=me)
    make.action_line(title="Due soon", status="in_progress", due_date=TODAY + 3 * DAY, responsible_person=me)
    make.action_line(title="Very late", due_date=TODAY - 30 * DAY, responsible_person=me)


@pytest.mark.parametrize("url", [ACTION_LINES, MINE])
def test_worklists_show_open_lines_overdue_first_then_by_deadline(client, focal, worklist, url):
    client.force_login(focal)
    response = client.get(url)
    assert titles(response) == ["Very late", "Late", "Due soon", "Due later"]
    assert "4 action lines" in response.text


@pytest.mark.parametrize("url", [ACTION_LINES, MINE])
def test_all_statuses_is_one_choice_away_and_keeps_closed_lines(client, focal, worklist, url):
    client.force_login(focal)
    page = client.get(url).text
    assert '<option value="all">All statuses</option>' in page
    response = client.get(url, {"status": "all"})
    assert titles(response) == ["Done long ago", "Cancelled", "Very late", "Late", "Due soon", "Due later"]
    assert titles(client.get(url, {"status": "done"})) == ["Done long ago"]


def test_open_is_the_default_state_of_the_address_and_can_be_named(client, focal, worklist):
    client.force_login(focal)
    assert titles(client.get(ACTION_LINES)) == titles(client.get(ACTION_LINES, {"status": "open"}))
    assert titles(client.get(ACTION_LINES, {"status": ""})) == titles(client.get(ACTION_LINES))


def test_deadline_filter_uses_the_deadline_states(client, focal, worklist):
    client.force_login(focal)
    assert titles(client.get(ACTION_LINES, {"deadline": "soon"})) == ["Due soon"]
    assert titles(client.get(ACTION_LINES, {"deadline": "later"})) == ["Due later"]
    assert titles(client.get(ACTION_LINES, {"deadline": "overdue"})) == ["Very late", "Late"]


@pytest.mark.parametrize("url", [ACTION_LINES, MINE])
def test_no_report_progress_link_on_done_or_cancelled_lines(client, focal, worklist, url):
    client.force_login(focal)
    response = client.get(url, {"status": "all"})
    links = {line.title for line in response.context["action_lines"] if line.pk in response.context["reportable"]}
    assert links == {"Very late", "Late", "Due soon", "Due later"}
    assert response.text.count("Report progress<span") == 4


def test_closed_line_page_offers_no_report_progress(client, make, focal):
    line = make.action_line(status="cancelled", responsible_person=focal.person)
    client.force_login(focal)
    response = client.get(line.get_absolute_url())
    assert response.context["can_report"] is False
    assert reverse("agreements:action_line_update", args=[line.pk]) not in response.text


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_update_view_refuses_a_closed_line_and_changes_nothing(client, make, focal, status):
    closed = {"percent_complete": 100, "completed_date": TODAY} if status == "done" else {"percent_complete": 40}
    line = make.action_line(status=status, responsible_person=focal.person, **closed)
    url = reverse("agreements:action_line_update", args=[line.pk])
    client.force_login(focal)

    response = client.post(url, {"note": "Posted anyway.", "status": "in_progress", "percent_complete": 10})
    assert response.status_code == 302
    assert response["Location"] == line.get_absolute_url()
    followed = client.get(response["Location"])
    assert "progress can no longer be reported on it" in followed.text
    assert not ProgressUpdate.objects.filter(action_line=line).exists()
    line.refresh_from_db()
    assert (line.status, line.percent_complete) == (status, closed["percent_complete"])

    response = client.get(url)
    assert response.status_code == 302


def test_filter_summary_names_each_filter_with_a_link_without_it(client, make, focal):
    industry = make.sector("Industry")
    make.action_line(make.agreement(make.meeting(sector_=industry)), title="Industry line")
    client.force_login(focal)
    response = client.get(ACTION_LINES, {"sector": industry.pk, "overdue": "yes", "page": "1"})
    chips = {chip["name"]: chip for chip in response.context["filter"].active_filters}
    assert set(chips) == {"status", "sector", "overdue"}
    assert chips["sector"]["value"] == "Industry"
    assert chips["sector"]["query"] == "?overdue=yes"
    assert chips["overdue"]["query"] == f"?sector={industry.pk}"
    # The default "open" is a filter too: removing it shows every status.
    assert chips["status"]["query"] == f"?sector={industry.pk}&overdue=yes&status=all"
    assert "Showing only" in response.text
    assert f'href="{ACTION_LINES}?sector={industry.pk}"' in response.text
    assert "Remove filter:" in response.text


def test_no_summary_of_filters_when_none_is_in_use(client, make, focal):
    make.agreement()
    client.force_login(focal)
    response = client.get(AGREEMENTS)
    assert response.context["filter"].active_filters == []
    assert "Showing only" not in response.text


def test_current_sort_is_marked_on_its_column_and_said_beside_the_count(client, focal, worklist):
    client.force_login(focal)
    page = client.get(ACTION_LINES).text
    assert '<th scope="col" aria-sort="ascending">' in page
    assert "▲" in page
    assert "Sorted by deadline, earliest first" in page
    page = client.get(ACTION_LINES, {"sort": "-deadline"}).text
    assert '<th scope="col" aria-sort="descending">' in page
    assert "Sorted by deadline, latest first" in page
    page = client.get(AGREEMENTS).text
    assert "Sorted by newest recorded first" in page


def test_phone_cards_caption_every_fact_of_a_row(client, focal, worklist):
    client.force_login(focal)
    page = client.get(MINE).text
    for caption in ("Deadline", "Responsible", "Status", "Progress"):
        assert f'data-label="{caption}"' in page
    assert 'class="table table-cards action-line-table"' in page


def test_agreement_page_lists_open_lines_before_done_and_cancelled_ones(client, make):
    editor = make.user("editor", groups=["Editor"])
    agreement = make.agreement()
    closed = {"percent_complete": 100, "completed_date": TODAY - 60 * DAY}
    make.action_line(agreement, title="Done long ago", status="done", due_date=TODAY - 400 * DAY, **closed)
    make.action_line(agreement, title="Cancelled", status="cancelled", due_date=TODAY - 300 * DAY)
    make.action_line(agreement, title="Due later", due_date=TODAY + 40 * DAY)
    make.action_line(agreement, title="Late", status="blocked", due_date=TODAY - 5 * DAY)
    client.force_login(editor)
    response = client.get(agreement.get_absolute_url())
    assert titles(response) == ["Late", "Due later", "Done long ago", "Cancelled"]


def test_my_items_call_the_reader_you_where_every_row_would_repeat_their_name(client, focal, worklist, make):
    other = make.person("Pedro Ochoa")
    make.action_line(
        title="Shared", due_date=TODAY + 9 * DAY, responsible_person=other, counterpart_person=focal.person
    )
    client.force_login(focal)
    mine = client.get(MINE).text
    assert "Ana Torres" not in mine.split("<tbody>")[1]  # the lead above the table still names them
    assert mine.count("Our side:</span>\n  you") == 3  # their three open lines on our side
    assert mine.count("Counterpart:</span>\n  you") == 2  # and the two where they are the counterpart
    assert "Pedro Ochoa" in mine
    # The lists name everyone, the reader too.
    assert "Ana Torres" in client.get(ACTION_LINES).text.split("<tbody>")[1]
