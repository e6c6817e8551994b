"""Signed update links in the admin: listed with their line, person, state, expiry and sender; filtered; revoked;
and a restricted line's links hidden from staff not cleared for it."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from agreements import roles
from agreements.counterpart import links
from agreements.models import Agreement, UpdateLink

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today", "in_english")]

CHANGELIST = reverse("admin:agreements_updatelink_changelist")
SECRET = "Urea plant in Morón"


@pytest.fixture
def world(make):
    editor = make.user("editor", groups=[roles.EDITOR], is_staff=True)
    ivan = make.person("Iván Petrov", email="ivan@example.by")
    ana = make.person("Ana Rojas", email="ana@example.org")
    open_line = make.action_line(
        make.agreement(title="Tractor assembly"), title="Deliver 80 tractor kits", counterpart_person=ivan
    )
    secret_line = make.action_line(
        make.agreement(title=SECRET, confidentiality=Agreement.Confidentiality.RESTRICTED),
        title=f"{SECRET}: feasibility study",
        counterpart_person=ana,
    )
    active = links.create_link(open_line, ivan, sent_by=editor)
    revoked = links.create_link(open_line, ivan, sent_by=editor)
    links.revoke(revoked, editor)
    old = datetime.datetime(2026, 1, 2, 12, tzinfo=datetime.UTC)
    expired = links.create_link(open_line, ivan, sent_by=editor, now=old)
    secret = links.create_link(secret_line, ana, sent_by=editor)
    return type(
        "World", (), {"editor": editor, "active": active, "revoked": revoked, "expired": expired, "secret": secret}
    )


@pytest.fixture
def admin_client(client, make):
    client.force_login(make.user("root", is_staff=True, is_superuser=True))
    return client


def listed(response):
    assert response.status_code == 200
    return {link.pk for link in response.context["cl"].result_list}


def test_the_list_shows_line_person_state_expiry_and_sender(admin_client, world):
    response = admin_client.get(CHANGELIST)
    assert listed(response) == {world.active.pk, world.revoked.pk, world.expired.pk, world.secret.pk}
    text = response.text
    for column in ("Action line", "Person", "State", "Expires", "Sent by"):
        assert column in text
    assert "Deliver 80 tractor kits" in text and "Iván Petrov" in text and "editor" in text
    for state in ("Active", "Revoked", "Expired"):
        assert f'<td class="field-state">{state}</td>' in text
    assert world.active.token not in text


@pytest.mark.parametrize(
    ("state", "expected"), [("active", {"active", "secret"}), ("revoked", {"revoked"}), ("expired", {"expired"})]
)
def test_links_are_filtered_by_state(admin_client, world, state, expected):
    response = admin_client.get(CHANGELIST, {"state": state})
    assert listed(response) == {getattr(world, name).pk for name in expected}


def test_revoking_from_the_list_stops_the_links_once(admin_client, world):
    data = {"action": "revoke_links", "_selected_action": [world.active.pk, world.revoked.pk]}
    response = admin_client.post(CHANGELIST, data, follow=True)
    assert "1 link revoked." in response.text
    world.active.refresh_from_db()
    assert world.active.state() == "revoked"
    assert world.active.revoked_by.username == "root"
    assert UpdateLink.objects.get(pk=world.revoked.pk).revoked_by == world.editor


def test_staff_not_cleared_for_a_restricted_line_see_neither_its_links_nor_its_title(client, make, world):
    staff = make.user("staffviewer", groups=[roles.VIEWER], is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_updatelink"))
    client.force_login(staff)
    response = client.get(CHANGELIST)
    assert listed(response) == {world.active.pk, world.revoked.pk, world.expired.pk}
    assert SECRET not in response.text
    assert SECRET not in client.get(CHANGELIST, {"q": "Urea"}).text
    change = reverse("admin:agreements_updatelink_change", args=[world.secret.pk])
    assert client.get(change).status_code == 302  # the admin's answer to an object outside the queryset
    assert SECRET not in client.get(change, follow=True).text
    # A viewer may look, not revoke.
    data = {"action": "revoke_links", "_selected_action": [world.active.pk]}
    client.post(CHANGELIST, data)
    world.active.refresh_from_db()
    assert world.active.state() == "active"


def test_the_secretariat_sees_the_restricted_lines_links(admin_client, world):
    assert SECRET in admin_client.get(CHANGELIST).text
