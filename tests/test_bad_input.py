"""Bad input never answers 500: dates outside the sane range, and arbitrary query strings and form data (hypothesis).

Every list, export, feed and page that reads parameters answers 200 or 400 to any query string (an object page
keeps its usual answer). Every form answers a 200 that shows the errors, or a redirect only when the data were
valid; after invalid data the database is exactly as before. Page numbers: tests/test_pagination.py.
"""

import contextlib
import datetime
import os
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import quote_from_bytes

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from agreements.filters import ActionLineFilter, AgreementFilter, MyActionLineFilter
from agreements.models import ActionLine, Agreement
from agreements.pagination import CappedPaginator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

SANE_RANGE_MESSAGE = "Enter a date between"
STRONG_PASSWORD = "tractores-de-minsk-2026"

# Sized so that the file runs in about a minute on two cores; each example is one request (admin pages are slow).
QUERY_EXAMPLES_PER_ROLE = 40
FORM_EXAMPLES = 20
ADMIN_FORM_EXAMPLES = 10
fuzz = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ---------- Data ----------


@pytest.fixture
def world(make, settings, tmp_path):
    """A handful of rows: one commission with a public and an internal agreement, lines on both sides, four accounts."""
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # sign-in is fuzzed, not timed
    settings.AXES_ENABLED = False  # sign-in is fuzzed here for errors; lockout has its own tests
    editor = make.user("clerk", groups=["Editor"])
    viewer = make.user("reader", groups=["Viewer"])
    superuser = make.user("root", is_staff=True, is_superuser=True)
    editor_person = make.person("Ana Torres", user=editor, language="en")
    viewer_person = make.person("Luis Pérez", user=viewer)
    sector = make.sector("Industry")
    commission = make.commission("Venezuela–Belarus")
    session = make.session(commission, number=8)
    meeting = make.meeting(session, sector)
    institution = make.institution("Minsk Tractor Works", acronym="MTZ")
    public = make.agreement(
        meeting,
        title="Veneminsk tractors",
        confidentiality="public",
        signed_date=datetime.date(2025, 6, 1),
        coordinator=editor_person,
    )
    internal = make.agreement(meeting, title="Mazven trucks")
    lines = [
        make.action_line(
            public,
            title="Supply parts",
            responsible_person=editor_person,
            target_quantity=80,
            target_unit="tractors",
            responsible_institution=institution,
        ),
        make.action_line(public, title="Train mechanics", counterpart_person=viewer_person, status="in_progress"),
        make.action_line(
            internal, title="Ship trucks", responsible_person=editor_person, due_date=datetime.date(2026, 9, 1)
        ),
        make.action_line(
            internal,
            title="Done already",
            status="done",
            percent_complete=100,
            completed_date=datetime.date(2026, 2, 1),
            responsible_person=viewer_person,
        ),
    ]
    return {
        "users": {"editor": editor, "viewer": viewer, "superuser": superuser},
        "editor_person": editor_person,
        "commission": commission,
        "session": session,
        "meeting": meeting,
        "agreement": public,
        "line": lines[0],
    }


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


class Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    """Each example starts from the same rows, and a database error ends only its own savepoint."""
    with contextlib.suppress(Rollback), transaction.atomic():
        yield
        raise Rollback


def database_state():
    """Every row of the app's tables and of the accounts, to compare before and after a refused form."""
    models = [*apps.get_app_config("agreements").get_models(), get_user_model()]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


# ---------- Dates outside the sane range: the concrete cases ----------


@contextlib.contextmanager
def date_rule_lifted():
    """Rows as written before the date rule existed: the check constraint set aside until the test rolls back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks must run first: PostgreSQL alters no table with trigger events pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {ActionLine._meta.db_table} DROP CONSTRAINT action_line_due_date_in_range")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            yield
        else:
            cursor.execute("PRAGMA ignore_check_constraints = 1")
            try:
                yield
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = 0")


@pytest.mark.parametrize("legacy_date", [datetime.date.max, datetime.date.min])
def test_a_legacy_deadline_at_the_ends_of_the_calendar_does_not_break_the_feeds(world, legacy_date):
    line = world["line"]
    with date_rule_lifted():
        ActionLine.objects.filter(pk=line.pk).update(due_date=legacy_date)
    client = client_for(world["users"]["editor"])
    feeds = [
        reverse("agreements:commission_feed", args=[world["commission"].pk]),
        reverse("agreements:person_feed", args=[world["editor_person"].feed_token]),
    ]
    for url in feeds:
        response = client.get(url)
        assert response.status_code == 200, url
        event = next(e for e in Calendar.from_ical(response.content).walk("VEVENT") if "Supply parts" in e["SUMMARY"])
        assert event.decoded("DTSTART") == legacy_date
        if legacy_date == datetime.date.max:
            assert "DTEND" not in event  # an all-day event without DTEND lasts its one day
        else:
            assert event.decoded("DTEND") == legacy_date + datetime.timedelta(days=1)


@pytest.mark.parametrize("new_date", ["0001-01-01", "9999-12-31", "1989-12-31", "2101-01-01"])
def test_a_progress_report_with_a_deadline_outside_the_sane_range_shows_why_and_changes_nothing(world, new_date):
    client = client_for(world["users"]["editor"])
    line = world["line"]
    before = database_state()
    response = client.post(
        reverse("agreements:action_line_update", args=[line.pk]),
        {
            "note": "Moved.",
            "status": "in_progress",
            "percent_complete": "10",
            "achieved_quantity": "5",
            "new_due_date": new_date,
            "deadline_reason": "The supplier asked.",
        },
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["new_due_date"]
    assert message.startswith(SANE_RANGE_MESSAGE)
    assert message in response.text
    assert database_state() == before


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        ("/action-lines/", "due_after", "9999-12-31"),
        ("/action-lines/", "due_before", "0001-01-01"),
        ("/action-lines/mine/", "due_after", "9999-12-31"),
        ("/agreements/", "signed_after", "0001-01-01"),
        ("/agreements/", "signed_before", "9999-12-31"),
    ],
)
def test_a_date_filter_outside_the_sane_range_lists_nothing_and_says_why(world, url, field, value):
    response = client_for(world["users"]["viewer"]).get(url, {field: value})
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == []
    [message] = response.context["filter"].errors[field]
    assert message.startswith(SANE_RANGE_MESSAGE)
    assert message in response.text


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/agreements/export.csv", "signed_after"),
        ("/agreements/export.xlsx", "signed_before"),
        ("/action-lines/export.csv", "due_after"),
        ("/action-lines/export.xlsx", "due_before"),
    ],
)
def test_an_export_with_a_date_filter_outside_the_sane_range_is_refused(world, url, field):
    response = client_for(world["users"]["viewer"]).get(url, {field: "9999-12-31"})
    assert response.status_code == 400
    assert SANE_RANGE_MESSAGE in response.text


# ---------- Arbitrary query strings ----------

EDGE_VALUES = [
    "", " ", "0", "-1", "1e9", "NaN", "Infinity", "-0", "1.5", str(2**63), str(2**64), str(10**30), "9" * 500,
    "0001-01-01", "9999-12-31", "1989-12-31", "2101-01-01", "2026-02-30", "10000-01-01", "31/12/9999", "2026-13-01",
    "\x00", "%00", "<script>alert(1)</script>", "' OR '1'='1", "yes", "on", "true", "None", "open", "done",
    "restricted", "-deadline", "--created", "reference", "-", "٣", "ǅ", "🚜", "a" * 2000,
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.text(max_size=40),
    st.integers().map(str),
    st.dates().map(datetime.date.isoformat),
    st.floats().map(str),
)
COMMON_KEYS = ["page", "sort", "q", "per_page", "o", "p", "e", "all"]


def query_strings(keys):
    """A dict of keys (mostly the page's own) to one or two values, or a raw query string of arbitrary bytes."""
    key = st.one_of(st.sampled_from(sorted({*keys, *COMMON_KEYS})), st.text(min_size=1, max_size=12))
    as_dict = st.dictionaries(key, st.lists(VALUES, min_size=1, max_size=2), max_size=6)
    raw = st.binary(max_size=80).map(lambda data: quote_from_bytes(data, safe="=&%+"))
    return st.one_of(as_dict, raw)


def admin_keys(model):
    lookups = ["", "__exact", "__gte", "__lte", "__in", "__isnull", "__id__exact", "__contains"]
    return [field.name + lookup for field in model._meta.fields for lookup in lookups]


def get_urls(world):
    """Every GET page that reads parameters, and the object pages and feeds, with the keys their filters know."""
    lines, agreements, mine = (
        list(ActionLineFilter.base_filters),
        list(AgreementFilter.base_filters),
        list(MyActionLineFilter.base_filters),
    )
    pk = {name: world[name].pk for name in ("commission", "session", "meeting", "agreement", "line")}
    return {
        "/": lines,
        "/commissions/": [],
        f"/commissions/{pk['commission']}/": lines,
        f"/commissions/{pk['commission']}/calendar.ics": lines,
        f"/calendar/{world['editor_person'].feed_token}.ics": lines,
        f"/sessions/{pk['session']}/": agreements,
        f"/meetings/{pk['meeting']}/": agreements,
        "/agreements/": agreements,
        "/agreements/export.csv": agreements,
        "/agreements/export.xlsx": agreements,
        f"/agreements/{pk['agreement']}/": agreements,
        "/action-lines/": lines,
        "/action-lines/mine/": mine,
        "/action-lines/export.csv": lines,
        "/action-lines/export.xlsx": lines,
        f"/action-lines/{pk['line']}/": lines,
        f"/action-lines/{pk['line']}/update/": lines,
        "/admin/agreements/agreement/": admin_keys(Agreement),
        "/admin/agreements/actionline/": admin_keys(ActionLine),
        "/healthz": [],
    }


# Object pages and feeds keep the answer they give without parameters (200, or 403/404 by role); lists and
# exports answer 200, or 400 for an export whose filters are not valid. The admin sends a bad filter to "?e=1".
ANY_QUERY_MAY_ALSO_ANSWER = {400}
ADMIN_MAY_ALSO_ANSWER = {302}


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_no_query_string_makes_any_page_answer_500(world, role):
    client = client_for(world["users"][role])
    urls = get_urls(world)
    usual = {url: client.get(url).status_code for url in urls}
    for url in ("/agreements/", "/action-lines/", "/action-lines/mine/", "/agreements/export.csv", "/"):
        assert usual[url] == 200, url

    @settings(fuzz, max_examples=QUERY_EXAMPLES_PER_ROLE)
    @given(url=st.sampled_from(sorted(urls)), query=st.data(), cap=st.sampled_from([2, 1000]))
    def check(url, query, cap):
        params = query.draw(query_strings(urls[url]), label="query")
        allowed = {usual[url], *ANY_QUERY_MAY_ALSO_ANSWER}
        if url.startswith("/admin/"):
            allowed |= ADMIN_MAY_ALSO_ANSWER
        # cap=2: every list holds more than its cap, so pages run open-ended as past 1,000 matches.
        with rolled_back(), mock.patch.object(CappedPaginator, "cap", cap):
            raw = isinstance(params, str)
            response = client.get(url, QUERY_STRING=params) if raw else client.get(url, params)
        assert response.status_code in allowed, (url, params, response.status_code)

    check()


# ---------- Arbitrary form data ----------


class PageForms(HTMLParser):
    """What a browser sends from each POST form of a page: its fields as (name, value) pairs, and its file inputs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = self.select = self.textarea = None

    def add(self, name, value):
        if name:
            self.form["fields"].append((name, value))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {"method": (attrs.get("method") or "get").lower(), "fields": [], "files": []}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self.form["files"].append(attrs.get("name"))
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.add(attrs.get("name"), attrs.get("value") or "on")
            elif kind not in ("submit", "button", "image", "reset"):
                self.add(attrs.get("name"), attrs.get("value") or "")
        elif tag == "select":
            self.select = {"name": attrs.get("name"), "multiple": "multiple" in attrs, "options": [], "selected": []}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value") or ""
            self.select["options"].append(value)
            if "selected" in attrs:
                self.select["selected"].append(value)
        elif tag == "textarea":
            self.textarea = [attrs.get("name"), ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None and self.form is not None:
            chosen = self.select["selected"] or ([] if self.select["multiple"] else self.select["options"][:1])
            for value in chosen:
                self.add(self.select["name"], value)
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.add(self.textarea[0], self.textarea[1].removeprefix("\n"))
            self.textarea = None


def main_form(html):
    """The page's POST form with the most fields (not the sign-out or language forms of the header)."""
    parser = PageForms()
    parser.feed(html)
    return max((form for form in parser.forms if form["method"] == "post"), key=lambda form: len(form["fields"]))


def as_post_data(fields, **overrides):
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in overrides.items()})
    return data


FILES = st.builds(
    SimpleUploadedFile,
    name=st.one_of(
        st.sampled_from(["act.pdf", "notes.txt", "x.html", "a" * 300 + ".csv", "..pdf", "é.svg", "a/../b.txt"]),
        st.text(min_size=1).filter(lambda name: os.path.basename(name) not in ("", ".", "..")),  # else no upload at all
    ),
    content=st.one_of(
        st.sampled_from([b"", b"%PDF-1.4\n%\xe2\xe3\n", b"plain notes\n", b"<html><script>1</script>", b"\x89PNG\r\n"]),
        st.binary(max_size=200),
    ),
)


@st.composite
def form_data(draw, baseline, file_fields):
    """The baseline (valid) data with a few fields dropped or replaced, a few unknown ones added, and any files."""
    data = {name: list(values) for name, values in baseline.items()}
    for name in draw(st.lists(st.sampled_from(sorted(data)), max_size=4, unique=True)) if data else []:
        data[name] = draw(st.lists(VALUES, max_size=2))
    data.update(draw(st.dictionaries(st.text(min_size=1, max_size=12), st.lists(VALUES, max_size=2), max_size=2)))
    for name in file_fields:
        data[name] = draw(st.lists(FILES, max_size=1))
    return {name: values for name, values in data.items() if values}


def form_cases(world):
    """Every form the app has: (who posts, where, the valid data a browser would send from the page, file inputs)."""
    line, agreement = world["line"], world["agreement"]
    cases = {
        "progress update": ("editor", reverse("agreements:action_line_update", args=[line.pk]), {
            "note": "Parts for 20 tractors arrived.", "percent_complete": "20", "achieved_quantity": "20",
            "new_due_date": "2026-06-30", "deadline_reason": "The supplier asked.",
        }),
        "calendar revoke": ("editor", reverse("agreements:person_feed_revoke"), {}),
        "sign-in": (None, reverse("login"), {"username": "clerk", "password": "pw"}),
        "password change": ("editor", reverse("password_change"), {
            "old_password": "pw", "new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD,
        }),
        "admin agreement add": ("superuser", reverse("admin:agreements_agreement_add"), {
            "meeting": str(world["meeting"].pk), "reference_code": "REF-NEW", "title": "New agreement",
        }),
        "admin agreement change": ("superuser", reverse("admin:agreements_agreement_change", args=[agreement.pk]), {}),
        "admin action line add": ("superuser", reverse("admin:agreements_actionline_add"), {
            "agreement": str(agreement.pk), "title": "New line", "due_date": "2026-06-30", "percent_complete": "0",
        }),
        "admin action line change": ("superuser", reverse("admin:agreements_actionline_change", args=[line.pk]), {}),
    }  # fmt: skip
    # Filing documents from the staff pages, where this checkout has it.
    with contextlib.suppress(NoReverseMatch):
        cases["document on an agreement"] = (
            "editor", reverse("agreements:agreement_attach_document", args=[agreement.pk]), {"title": "Final act"}
        )  # fmt: skip
        cases["document on an action line"] = (
            "editor", reverse("agreements:action_line_attach_document", args=[line.pk]), {"title": "Evidence"}
        )  # fmt: skip
    return cases


def has_errors(response):
    """Whether the re-rendered page says what is wrong: the admin's error list (form and inlines) or the form's."""
    context = response.context
    if context is None:
        return False
    if "errors" in context and context["errors"]:
        return True
    return "form" in context and bool(context["form"].errors)


@pytest.mark.parametrize(
    "case",
    [
        "progress update",
        "calendar revoke",
        "sign-in",
        "password change",
        "admin agreement add",
        "admin agreement change",
        "admin action line add",
        "admin action line change",
        "document on an agreement",
        "document on an action line",
    ],
)
def test_no_form_data_makes_a_form_answer_500_and_refused_data_change_nothing(world, case):
    cases = form_cases(world)
    if case not in cases:
        pytest.skip("documents are not filed from the staff pages in this checkout")
    role, url, valid = cases[case]
    client = client_for(world["users"][role]) if role else Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(url)
    form = main_form(page.text) if page.status_code == 200 else {"fields": [], "files": []}
    baseline = as_post_data(form["fields"], **valid)
    file_fields = [name for name in form["files"] if name]
    with rolled_back():
        files = {name: SimpleUploadedFile("notes.txt", b"Minutes of the session.\n") for name in file_fields}
        response = client.post(url, {**baseline, **files})
        assert response.status_code == 302, (case, "the harness's valid data were refused", has_errors(response))

    @settings(fuzz, max_examples=ADMIN_FORM_EXAMPLES if case.startswith("admin") else FORM_EXAMPLES)
    @given(data=form_data(baseline, file_fields))
    def check(data):
        with rolled_back():
            if role:
                client.force_login(world["users"][role])  # a valid password change ends the session otherwise
            before = database_state()
            response = client.post(url, data)
            assert response.status_code in (200, 302), (data, response.status_code)
            if response.status_code == 200:
                assert has_errors(response), data
                assert database_state() == before, data

    check()


# ---------- What the fuzzing found ----------


def admin_form_data(client, url, **overrides):
    return as_post_data(main_form(client.get(url).text)["fields"], **overrides)


def test_an_action_line_added_in_the_admin_is_saved_with_no_deadline_change(world):
    client = client_for(world["users"]["superuser"])
    url = reverse("admin:agreements_actionline_add")
    data = admin_form_data(client, url, agreement=str(world["agreement"].pk), title="New line", due_date="2026-06-30")
    response = client.post(url, data)
    assert response.status_code == 302
    added = ActionLine.objects.get(title="New line")
    assert (added.due_date, added.original_due_date) == (datetime.date(2026, 6, 30), datetime.date(2026, 6, 30))
    assert not added.deadline_changes.exists()


@pytest.mark.parametrize("value", [" ", "abc", "1.5", str(10**30)])
def test_an_admin_autocomplete_box_sent_no_valid_id_shows_the_form_again(world, value):
    client = client_for(world["users"]["superuser"])
    url = reverse("admin:agreements_actionline_change", args=[world["line"].pk])
    before = database_state()
    response = client.post(url, admin_form_data(client, url, agreement=value))
    assert response.status_code == 200
    assert "agreement" in response.context["adminform"].form.errors
    assert database_state() == before
