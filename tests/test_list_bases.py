"""A list's base queryset is built once per reader and day (agreements/list_bases.py) and stays right: it holds
who the reader is, never the data, so grants, new rows and changes of role count at once."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements import list_bases, roles
from agreements.filters import ActionLineFilter, AgreementFilter
from agreements.models import AgreementAccess

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def none_kept():
    list_bases._kept.clear()
    yield
    list_bases._kept.clear()


def test_a_readers_base_is_built_once_and_each_list_gets_its_own_copy(make, monkeypatch):
    reader = make.user(groups=[roles.VIEWER])
    built = []
    build = ActionLineFilter.build_rows
    monkeypatch.setattr(
        ActionLineFilter, "build_rows", classmethod(lambda cls, user: built.append(user) or build(user))
    )
    first, second = ActionLineFilter.rows(reader), ActionLineFilter.rows(reader)
    assert len(built) == 1
    assert first is not second and str(first.query) == str(second.query) == str(build(reader).query)
    # Filtering one copy leaves the kept base, and so the next copy, as they were.
    first.filter(title="x").exists()
    assert str(ActionLineFilter.rows(reader).query) == str(second.query)


def test_readers_of_other_kinds_or_days_get_other_bases(make):
    viewer, counterpart = make.user(groups=[roles.VIEWER]), make.user(groups=[roles.COUNTERPART])
    editor, other_editor = make.user(groups=[roles.EDITOR]), make.user(groups=[roles.EDITOR])
    make.person(user=viewer)
    day = make.action_line().due_date
    bases = {str(AgreementFilter.rows(user, day).query) for user in (viewer, counterpart, editor, other_editor)}
    # The secretariat sees everything: one base for all of them; the others each their own.
    assert len(bases) == 3 and len(list_bases._kept) == 3
    AgreementFilter.rows(viewer, day.replace(year=day.year + 1))
    assert len(list_bases._kept) == 4


def test_a_grant_a_new_role_and_a_new_line_count_at_once(client, make):
    restricted = make.agreement(title="Acuerdo reservado", confidentiality="restricted")
    make.action_line(restricted, title="Línea reservada")
    reader = make.user(groups=[roles.VIEWER])
    client.force_login(reader)
    assert "Acuerdo reservado" not in client.get("/agreements/").content.decode()
    assert "Línea reservada" not in client.get("/action-lines/?status=all").content.decode()
    AgreementAccess.objects.create(agreement=restricted, user=reader)
    assert "Acuerdo reservado" in client.get("/agreements/").content.decode()
    make.action_line(restricted, title="Otra línea reservada")
    page = client.get("/action-lines/?status=all").content.decode()
    assert "Línea reservada" in page and "Otra línea reservada" in page

    other = make.agreement(title="Otro reservado", confidentiality="restricted")
    assert "Otro reservado" not in client.get("/agreements/").content.decode()
    reader.groups.set([Group.objects.get(name=roles.EDITOR)])
    assert other.title in client.get("/agreements/").content.decode()


def test_a_kept_base_costs_no_query_of_its_own(make):
    reader = make.user(groups=[roles.VIEWER])
    list(ActionLineFilter.rows(reader))
    with CaptureQueriesContext(connection) as captured:
        list(ActionLineFilter.rows(reader))
    assert len(captured) == 1
