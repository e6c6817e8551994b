"""Staff pages kept as rendered until the data they show changes: never stale, never another reader's."""

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agreements import data_version, page_cache, roles
from agreements.models import ActionLine, Agreement, AgreementAccess
from tests.conftest import require_service

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECRET = "Operación Cóndor"


@pytest.fixture(autouse=True)
def postgresql_and_an_empty_cache():
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")
    page_cache.cache.clear()


def reader(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    client.get("/")  # the first page sets the CSRF cookie, without which nothing is kept
    return client


def fetch(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.text, len(queries)


def version():
    return data_version.current()


def test_a_page_is_served_again_from_the_cache_until_a_write_commits(make):
    line = make.action_line(title="Repuestos para tractores")
    client = reader(make.user(groups=[roles.VIEWER]))
    path = line.get_absolute_url()
    first, rendered_queries = fetch(client, path)
    again, cached_queries = fetch(client, path)
    assert again == first and "Repuestos para tractores" in again
    # Session, user and data version only.
    assert cached_queries <= 3 < rendered_queries
    ActionLine.objects.filter(pk=line.pk).update(title="Repuestos entregados")
    changed, queries = fetch(client, path)
    assert "Repuestos entregados" in changed and "Repuestos para tractores" not in changed
    assert queries >= rendered_queries  # rendered again, the reader's permissions read again too


def test_a_cached_page_never_goes_to_another_reader(make):
    agreement = make.agreement(title=f"Acuerdo {SECRET}", confidentiality=Agreement.Confidentiality.RESTRICTED)
    make.action_line(agreement, title=SECRET)
    cleared = make.user(groups=[roles.VIEWER])
    AgreementAccess.objects.create(agreement=agreement, user=cleared)
    other = make.user(groups=[roles.VIEWER])
    for path in ("/action-lines/?status=all", "/agreements/", "/"):
        cleared_client, other_client = reader(cleared), reader(other)
        for _ in range(2):
            assert SECRET in fetch(cleared_client, path)[0] or path == "/"  # the dashboard names no line
            assert SECRET not in fetch(other_client, path)[0]


def test_clearance_taken_away_takes_effect_on_the_next_page(make):
    agreement = make.agreement(confidentiality=Agreement.Confidentiality.RESTRICTED)
    make.action_line(agreement, title=SECRET)
    user = make.user(groups=[roles.VIEWER])
    grant = AgreementAccess.objects.create(agreement=agreement, user=user)
    client = reader(user)
    for _ in range(2):
        assert SECRET in fetch(client, "/action-lines/?status=all")[0]
    grant.delete()
    assert SECRET not in fetch(client, "/action-lines/?status=all")[0]


def test_leaving_the_secretariat_takes_effect_on_the_next_page(make):
    agreement = make.agreement(confidentiality=Agreement.Confidentiality.RESTRICTED)
    make.action_line(agreement, title=SECRET)
    user = make.user(groups=[roles.EDITOR], is_staff=True)
    client = reader(user)
    for _ in range(2):
        assert SECRET in fetch(client, "/action-lines/?status=all")[0]
    user.groups.set([Group.objects.get(name=roles.VIEWER)])
    assert SECRET not in fetch(client, "/action-lines/?status=all")[0]


def test_each_browser_session_has_its_own_pages_and_tokens(make):
    user = make.user(groups=[roles.EDITOR], is_staff=True)
    line = make.action_line()
    first, second = reader(user), reader(user)
    path = line.get_absolute_url()
    fetch(first, path)
    page, _ = fetch(first, path)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    other, queries = fetch(second, path)
    assert queries > 3  # rendered for this session, not taken from the other's
    # A form of the page posts with a token this session accepts.
    assert 'name="csrfmiddlewaretoken"' in other


def counting_view():
    calls = []

    def view(request):
        calls.append(request.path)
        return HttpResponse("<p>A page</p>")

    return page_cache.cached_page(view), calls


def page_request(rf, user, csrf_secret="s" * 32):
    request = rf.get("/somewhere/")
    request.user = user
    request.LANGUAGE_CODE = "en"
    request._messages = CookieStorage(request)
    if csrf_secret:
        request.META["CSRF_COOKIE"] = csrf_secret
    return request


def test_a_page_is_kept_for_its_reader_and_session(rf, make):
    view, calls = counting_view()
    user = make.user()
    for _ in range(3):
        assert view(page_request(rf, user)).content == b"<p>A page</p>"
    assert len(calls) == 1
    view(page_request(rf, user, csrf_secret="t" * 32))
    view(page_request(rf, make.user()))
    assert len(calls) == 3


def test_a_page_with_a_message_waiting_is_rendered_for_it(rf, make):
    view, calls = counting_view()
    user = make.user()
    view(page_request(rf, user))
    request = page_request(rf, user)
    messages.success(request, "Saved")
    view(request)
    assert len(calls) == 2


def test_no_page_is_kept_without_a_csrf_cookie(rf, make):
    view, calls = counting_view()
    user = make.user()
    view(page_request(rf, user, csrf_secret=None))
    view(page_request(rf, user, csrf_secret=None))
    assert len(calls) == 2


def test_only_plain_pages_are_kept(rf, make):
    user = make.user()
    calls = []

    def not_found(request):
        calls.append(1)
        return HttpResponse("<p>Gone</p>", status=404)

    view = page_cache.cached_page(not_found)
    view(page_request(rf, user))
    view(page_request(rf, user))
    assert len(calls) == 2


def test_the_version_moves_once_per_committed_transaction(make):
    before = int(version().split(":")[1])
    with transaction.atomic():
        line = make.action_line()
        ActionLine.objects.filter(pk=line.pk).update(title="Once")
        ActionLine.objects.filter(pk=line.pk).update(title="Twice")
    assert int(version().split(":")[1]) == before + 1
    with transaction.atomic():
        ActionLine.objects.filter(pk=line.pk).update(title="Rolled back")
        transaction.set_rollback(True)
    assert int(version().split(":")[1]) == before + 1


def test_a_sign_in_does_not_move_the_version_but_a_new_name_does(make):
    user = make.user()
    before = version()
    user.save(update_fields=["last_login"])
    assert version() == before
    user.first_name = "Ana"
    user.save()
    assert version() != before


def test_truncate_moves_the_version():
    before = version()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE agreements_follownotice")
    assert version() != before


def test_every_table_of_the_app_and_of_accounts_is_tracked():
    assert data_version.untracked_tables(connection) == []
    assert "agreements_actionline" in data_version.tracked_tables(connection)
    assert "auth_user_groups" in data_version.tracked_tables(connection)


def test_inside_a_transaction_nothing_is_kept():
    with transaction.atomic():
        assert data_version.current() is None


def test_a_readers_permissions_are_read_once_per_state_of_the_data(make):
    from agreements.signin import permissions

    user = make.user(groups=[roles.VIEWER])
    client = reader(user)
    client.get("/commissions/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/?q=nada")
    assert not any("auth_permission" in query["sql"] or "auth_group" in query["sql"] for query in queries)
    # A new group moves the data version: the next request reads the permissions again, and its page shows it.
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").text
    assert any("auth_permission" in query["sql"] for query in queries)
    assert "/meetings/record/" in page  # the secretariat's "Record outcomes" link
    fresh = get_user_model().objects.get(pk=user.pk)
    permissions.load(fresh)
    assert "agreements.change_agreement" in fresh._perm_cache and fresh._is_counterpart is False
