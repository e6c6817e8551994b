"""Calendar feeds: they parse with icalendar, hold one event per open line and link back to it."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from icalendar import Calendar

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

DUE = datetime.date(2026, 3, 31)


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.fixture
def focal(make):
    account = make.user("focal", groups=["Focal point"])
    return make.person("Ana Rojas", user=account, language="en")


@pytest.fixture
def lines(make, focal):
    commission = make.commission("Venezuela–Belarus")
    agreement = make.agreement(make.meeting(make.session(commission, number=8)), title="Veneminsk tractors")
    restricted = make.agreement(make.meeting(make.session(commission, number=9)), confidentiality="restricted")
    return {
        "commission": commission,
        "open": make.action_line(agreement, title="Supply parts", due_date=DUE, responsible_person=focal),
        "theirs": make.action_line(agreement, title="Ship parts", due_date=DUE, counterpart_person=focal),
        "blocked": make.action_line(agreement, title="Customs", status="blocked", due_date=DUE),
        "done": make.action_line(
            agreement, status="done", percent_complete=100, completed_date=DUE, responsible_person=focal
        ),
        "cancelled": make.action_line(agreement, status="cancelled", responsible_person=focal),
        "restricted": make.action_line(restricted, title="Secret", responsible_person=focal),
        "elsewhere": make.action_line(title="Other commission", responsible_person=focal),
    }


def test_the_commission_feed_needs_a_signed_in_user(client, lines):
    response = client.get(reverse("agreements:commission_feed", args=[lines["commission"].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_commission_feed_holds_one_event_per_open_line_of_the_commission(client, make, lines):
    client.force_login(make.user(groups=["Viewer"]))
    found = events(client.get(reverse("agreements:commission_feed", args=[lines["commission"].pk])))
    assert sorted(str(event["SUMMARY"]) for event in found) == [
        "Deadline: Customs",
        "Deadline: Ship parts",
        "Deadline: Supply parts",
    ]


def test_editors_see_restricted_lines_in_the_commission_feed(client, make, lines):
    client.force_login(make.user(groups=["Editor"]))
    found = events(client.get(reverse("agreements:commission_feed", args=[lines["commission"].pk])))
    assert "Deadline: Secret" in [str(event["SUMMARY"]) for event in found]


def test_each_event_is_an_all_day_deadline_with_a_stable_uid_and_a_link_back(client, make, lines):
    client.force_login(make.user(groups=["Viewer"]))
    url = reverse("agreements:commission_feed", args=[lines["commission"].pk])
    line = lines["open"]
    event = next(e for e in events(client.get(url)) if str(e["SUMMARY"]) == "Deadline: Supply parts")
    assert event.decoded("DTSTART") == DUE
    assert event.decoded("DTEND") == DUE + datetime.timedelta(days=1)
    link = f"http://127.0.0.1:8000/action-lines/{line.pk}/"
    assert str(event["URL"]) == link
    assert link in str(event["DESCRIPTION"])
    assert "Veneminsk tractors" in str(event["DESCRIPTION"])
    assert str(event["UID"]) == f"action-line-{line.pk}@127.0.0.1"
    again = next(e for e in events(client.get(url)) if str(e["SUMMARY"]) == "Deadline: Supply parts")
    assert again["UID"] == event["UID"]


def test_an_unknown_commission_answers_404(client, make):
    client.force_login(make.user(groups=["Viewer"]))
    assert client.get(reverse("agreements:commission_feed", args=[999999])).status_code == 404


def test_the_personal_feed_is_public_by_its_secret_token(client, focal, lines):
    found = events(client.get(reverse("agreements:person_feed", args=[focal.feed_token])))
    # Both sides count; restricted agreements stay out of a URL that calendar services fetch.
    assert sorted(str(event["SUMMARY"]) for event in found) == [
        "Deadline: Other commission",
        "Deadline: Ship parts",
        "Deadline: Supply parts",
    ]


def test_an_unknown_token_or_an_inactive_person_answers_404(client, make, focal):
    other = make.person(is_active=False)
    assert client.get(reverse("agreements:person_feed", args=[other.feed_token])).status_code == 404
    assert client.get("/calendar/00000000-0000-0000-0000-000000000000.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_revoking_the_token_makes_the_old_url_answer_404(client, focal, lines):
    old_url = reverse("agreements:person_feed", args=[focal.feed_token])
    client.force_login(focal.user)
    response = client.post(reverse("agreements:person_feed_revoke"))
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:my_action_lines")
    assert "no longer works" in str(list(get_messages(response.wsgi_request))[0])
    client.logout()
    assert client.get(old_url).status_code == 404
    focal.refresh_from_db()
    assert len(events(client.get(reverse("agreements:person_feed", args=[focal.feed_token])))) == 3


def test_revoking_needs_a_post_from_a_signed_in_user(client, make, focal):
    token = focal.feed_token
    assert client.post(reverse("agreements:person_feed_revoke")).status_code == 302  # to the login page
    client.force_login(focal.user)
    assert client.get(reverse("agreements:person_feed_revoke")).status_code == 405
    focal.refresh_from_db()
    assert focal.feed_token == token


def test_a_user_without_a_person_is_told_there_is_nothing_to_revoke(client, make):
    client.force_login(make.user(groups=["Viewer"]))
    response = client.post(reverse("agreements:person_feed_revoke"))
    assert response["Location"] == reverse("agreements:my_action_lines")
    assert "not linked to a person" in str(list(get_messages(response.wsgi_request))[0])
