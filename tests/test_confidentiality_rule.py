"""The confidentiality rule of agreements/access.py: who is cleared for which level, and the access list."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from agreements import access, roles
from agreements.models import ActionLine, Agreement, AgreementAccess
from agreements.reminders.digest import build_digest

pytestmark = pytest.mark.django_db

Level = Agreement.Confidentiality


@pytest.fixture
def agreements(make):
    """One agreement and one line at each level, in one meeting."""
    meeting = make.meeting()
    made = {}
    for level in Level.values:
        agreement = make.agreement(meeting, confidentiality=level, title=f"{level} agreement")
        made[level] = (agreement, make.action_line(agreement, title=f"{level} line"))
    return made


def visible_agreements(user):
    return set(Agreement.objects.visible_to(user).values_list("confidentiality", flat=True))


def visible_lines(user):
    return set(ActionLine.objects.visible_to(user).values_list("agreement__confidentiality", flat=True))


@pytest.mark.parametrize(
    "groups, expected",
    [
        ([roles.VIEWER], {"public", "internal"}),
        ([roles.FOCAL_POINT], {"public", "internal"}),
        ([roles.COUNTERPART], {"public"}),
        ([roles.EDITOR], {"public", "internal", "restricted"}),
    ],
)
def test_each_role_sees_its_levels(agreements, make, groups, expected):
    user = make.user(groups=groups)
    assert visible_agreements(user) == expected
    assert visible_lines(user) == expected


def test_a_superuser_sees_everything_and_a_stranger_only_public(agreements, make):
    assert visible_agreements(make.user(is_superuser=True)) == set(Level.values)
    assert visible_agreements(AnonymousUser()) == {"public"}


def test_the_access_list_clears_a_user_for_one_agreement_and_its_lines(agreements, make):
    viewer = make.user(groups=[roles.VIEWER])
    restricted, line = agreements["restricted"]
    other = make.agreement(restricted.meeting, confidentiality=Level.RESTRICTED)
    AgreementAccess.objects.create(agreement=restricted, user=viewer)
    assert set(Agreement.objects.visible_to(viewer).filter(confidentiality=Level.RESTRICTED)) == {restricted}
    assert ActionLine.objects.visible_to(viewer).filter(pk=line.pk).exists()
    assert not Agreement.objects.visible_to(viewer).filter(pk=other.pk).exists()


def test_the_access_list_lets_a_counterpart_account_see_an_internal_agreement(agreements, make):
    counterpart = make.user(groups=[roles.COUNTERPART])
    internal, _ = agreements["internal"]
    AgreementAccess.objects.create(agreement=internal, user=counterpart)
    assert visible_agreements(counterpart) == {"public", "internal"}


def test_the_coordinator_sees_their_restricted_agreement(agreements, make):
    user = make.user(groups=[roles.VIEWER])
    restricted, _ = agreements["restricted"]
    restricted.coordinator = make.person(user=user)
    restricted.save()
    assert "restricted" in visible_agreements(user)


def test_a_responsible_person_sees_their_restricted_line_but_not_the_agreement(agreements, make):
    user = make.user(groups=[roles.FOCAL_POINT])
    person = make.person(user=user)
    restricted, line = agreements["restricted"]
    make.action_line(restricted, title="someone else's line")
    line.counterpart_person = person
    line.save()
    assert set(ActionLine.objects.visible_to(user).filter(agreement=restricted)) == {line}
    assert "restricted" not in visible_agreements(user)


def test_a_focal_point_opens_and_reports_on_their_restricted_line(agreements, make, client, in_english):
    user = make.user(groups=[roles.FOCAL_POINT])
    person = make.person(user=user)
    restricted, line = agreements["restricted"]
    line.responsible_person = person
    line.save()
    client.force_login(user)

    mine = client.get(reverse("agreements:my_action_lines")).content.decode()
    assert line.title in mine
    assert restricted.get_absolute_url() not in mine  # the agreement page would answer 404

    page = client.get(line.get_absolute_url())
    assert page.status_code == 200
    assert restricted.get_absolute_url() not in page.content.decode()
    assert client.get(restricted.get_absolute_url()).status_code == 404

    response = client.post(
        reverse("agreements:action_line_update", args=[line.pk]),
        {"note": "Parts shipped.", "status": "in_progress", "percent_complete": 40},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.percent_complete == 40


def test_another_focal_point_gets_404_on_a_restricted_line(agreements, make, client):
    client.force_login(make.user(groups=[roles.FOCAL_POINT]))
    make.person(user=None)
    _, line = agreements["restricted"]
    assert client.get(line.get_absolute_url()).status_code == 404
    assert client.post(reverse("agreements:action_line_update", args=[line.pk]), {"note": "x"}).status_code == 404


def test_figures_are_cached_per_clearance(agreements, make):
    viewer, other_viewer = make.user(groups=[roles.VIEWER]), make.user(groups=[roles.VIEWER])
    granted = make.user(groups=[roles.VIEWER])
    AgreementAccess.objects.create(agreement=agreements["restricted"][0], user=granted)
    assert access.audience_key(viewer) == access.audience_key(other_viewer)
    assert access.audience_key(granted) != access.audience_key(viewer)
    assert access.audience_key(make.user(groups=[roles.COUNTERPART])) != access.audience_key(viewer)
    assert access.audience_key(make.user(groups=[roles.EDITOR])) == "all"


def test_the_personal_feed_never_carries_a_restricted_line(agreements, make, client):
    person = make.person()
    for _, line in agreements.values():
        line.responsible_person = person
        line.save()
    body = client.get(reverse("agreements:person_feed", args=[person.feed_token])).content.decode()
    assert "public line" in body and "internal line" in body
    assert "restricted line" not in body


# ---------- Reminder digests ----------


def _digest_text(person, line):
    from agreements.models import Reminder

    reminder = Reminder.objects.create(
        action_line=line, recipient=person, kind="before", days_from_deadline=-7, due_date=line.due_date
    )
    reminder = Reminder.objects.select_related("action_line__agreement__session__commission").get(pk=reminder.pk)
    with translation.override("en"):
        message = build_digest(person, [reminder], line.due_date - datetime.timedelta(days=7), "<id@test>")
    return message.body + message.alternatives[0][0] + message.subject


def test_a_digest_names_a_restricted_line_only_by_reference_to_someone_without_an_account(agreements, make):
    restricted, line = agreements["restricted"]
    counterpart = make.person(language="en")
    line.counterpart_person = counterpart
    line.save()
    text = _digest_text(counterpart, line)
    assert "restricted line" not in text and "restricted agreement" not in text
    assert f"{restricted.reference_code} · {line.pk}" in text
    assert "Restricted action line" in text


def test_a_digest_shows_a_restricted_line_to_its_responsible_focal_point(agreements, make):
    _, line = agreements["restricted"]
    focal = make.person(user=make.user(groups=[roles.FOCAL_POINT]), language="en")
    line.responsible_person = focal
    line.save()
    assert "restricted line" in _digest_text(focal, line)


def test_a_digest_hides_a_restricted_line_from_an_escalation_superior_not_cleared(agreements, make):
    _, line = agreements["restricted"]
    superior = make.person(user=make.user(groups=[roles.VIEWER]), language="en")
    assert "restricted line" not in _digest_text(superior, line)


def test_a_digest_shows_internal_lines_in_full(agreements, make):
    _, line = agreements["internal"]
    assert "internal line" in _digest_text(make.person(language="en"), line)


# ---------- The access list on the staff pages ----------


@pytest.fixture
def editor(client, make):
    user = make.user(groups=[roles.EDITOR])
    client.force_login(user)
    return user


def test_an_editor_clears_a_user_and_takes_the_clearance_back(agreements, make, client, editor, in_english):
    restricted, _ = agreements["restricted"]
    viewer = make.user("analyst", groups=[roles.VIEWER])
    page = client.get(restricted.get_absolute_url()).content.decode()
    assert 'id="access-list"' in page

    response = client.post(reverse("agreements:grant_access", args=[restricted.pk]), {"username": "Analyst"})
    assert response.status_code == 302
    grant = AgreementAccess.objects.get(agreement=restricted, user=viewer)
    assert grant.granted_by == editor
    assert "analyst" in client.get(restricted.get_absolute_url()).content.decode()

    response = client.post(reverse("agreements:revoke_access", args=[restricted.pk, grant.pk]))
    assert response.status_code == 302
    assert not AgreementAccess.objects.exists()


@pytest.mark.parametrize(
    "username, message", [("nobody", "No active user signs in as"), ("analyst", "already on the access list")]
)
def test_a_bad_grant_shows_the_error_and_changes_nothing(
    agreements, make, client, editor, in_english, username, message
):
    restricted, _ = agreements["restricted"]
    viewer = make.user("analyst", groups=[roles.VIEWER])
    AgreementAccess.objects.create(agreement=restricted, user=viewer)
    response = client.post(reverse("agreements:grant_access", args=[restricted.pk]), {"username": username})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'class="error-summary"' in page
    assert AgreementAccess.objects.count() == 1


def test_only_the_secretariat_keeps_access_lists(agreements, make, client):
    public, _ = agreements["public"]
    client.force_login(make.user(groups=[roles.VIEWER]))
    make.user("analyst", groups=[roles.VIEWER])
    assert 'id="access-list"' not in client.get(public.get_absolute_url()).content.decode()
    response = client.post(reverse("agreements:grant_access", args=[public.pk]), {"username": "analyst"})
    assert response.status_code == 403
    assert not AgreementAccess.objects.exists()


# ---------- The admin ----------


def test_the_admin_hides_restricted_rows_and_history_from_staff_outside_the_secretariat(agreements, make, client):
    staff = make.user(groups=[roles.VIEWER], is_staff=True)
    client.force_login(staff)
    restricted, line = agreements["restricted"]
    listing = client.get(reverse("admin:agreements_agreement_changelist")).content.decode()
    assert "public agreement" in listing and "restricted agreement" not in listing
    assert client.get(reverse("admin:agreements_agreement_history", args=[restricted.pk])).status_code == 404
    assert client.get(reverse("admin:agreements_actionline_history", args=[line.pk])).status_code == 404
    assert client.get(reverse("admin:agreements_agreement_change", args=[restricted.pk])).status_code in (302, 404)
    public, _ = agreements["public"]
    assert client.get(reverse("admin:agreements_agreement_history", args=[public.pk])).status_code == 200
