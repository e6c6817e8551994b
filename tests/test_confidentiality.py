# ruff: noqa: E501  (the channels are a wide table: one row per channel)
"""A restricted agreement's word stays with the people cleared for it, in every channel.

The restricted agreement of tests/test_access_matrix.py carries WORD in its title and description, its line's
title and description, a progress note, a deadline change's reason, and its documents' titles, names and
contents. Each channel is fetched as each kind of user: the word appears for the readers the table names and
for nobody else. Searches ask for the word in lower case, so that a page repeating the query does not count.
"""

import email
import email.policy
import io
import re
import subprocess
import zipfile

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from agreements.models import Agreement
from agreements.reminders.delivery import deliver_waiting
from agreements.reminders.sweep import run_sweep
from bench.ports import free_port
from tests.test_access_matrix import USERS, WORD, fetch, world_for_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from world_for_module(django_db_blocker, tmp_path_factory)


QUERY = WORD.lower()
ROLES = (*USERS, "coordinator")  # the restricted agreement's coordinator, a Viewer otherwise

SECRETARIAT = {"editor", "admin"}
AGREEMENT_READERS = SECRETARIAT | {"coordinator", "granted"}
# The responsible focal point is cleared for the line, not for the rest of its agreement.
LINE_READERS = AGREEMENT_READERS | {"rfocal"}
NOBODY = set()


def obj(world, name):
    return world.objects[name].pk


def text(response):
    """What a reader gets: the body (an XLSX's XML unzipped, a PDF's text) and the download's file name."""
    body = response.body
    if body.startswith(b"%PDF"):
        body = subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True).stdout
    elif body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(name) for name in archive.namelist())
    return body.decode("utf-8", "replace") + response.get("Content-Disposition", "")


SEARCH = f"q={QUERY}"
AUTOCOMPLETE = f"app_label=agreements&model_name=agreement&field_name=carried_over_from&term={QUERY}"

# fmt: off
CHANNELS = [
    # channel                  url name                                       object (tests/test_access_matrix.py)  query         who may see the word
    ("dashboard",              "agreements:home",                             None,                      "",           LINE_READERS),
    ("commission page",        "agreements:commission_detail",                "commission",              "",           NOBODY),
    ("session page",           "agreements:session_detail",                   "session",                 "",           NOBODY),
    ("meeting page",           "agreements:meeting_detail",                   "meeting",                 "",           AGREEMENT_READERS),
    ("agreement page",         "agreements:agreement_detail",                 "restricted",              "",           AGREEMENT_READERS),
    ("action line page",       "agreements:action_line_detail",               "restricted line",         "",           LINE_READERS),
    ("progress form",          "agreements:action_line_update",               "restricted line",         "",           SECRETARIAT | {"rfocal"}),
    ("agreement list",         "agreements:agreement_list",                   None,                      "",           AGREEMENT_READERS),
    ("action line list",       "agreements:action_line_list",                 None,                      "",           LINE_READERS),
    ("my items",               "agreements:my_action_lines",                  None,                      "",           {"rfocal"}),
    ("agreement search",       "agreements:agreement_list",                   None,                      SEARCH,       AGREEMENT_READERS),
    ("action line search",     "agreements:action_line_list",                 None,                      SEARCH,       LINE_READERS),
    ("my items search",        "agreements:my_action_lines",                  None,                      SEARCH,       {"rfocal"}),
    ("agreement CSV",          "agreements:agreement_export_csv",             None,                      "",           AGREEMENT_READERS),
    ("agreement XLSX",         "agreements:agreement_export_xlsx",            None,                      "",           AGREEMENT_READERS),
    ("agreement search CSV",   "agreements:agreement_export_csv",             None,                      SEARCH,       AGREEMENT_READERS),
    ("action line CSV",        "agreements:action_line_export_csv",           None,                      "",           LINE_READERS),
    ("action line XLSX",       "agreements:action_line_export_xlsx",          None,                      "",           LINE_READERS),
    ("action line search XLSX", "agreements:action_line_export_xlsx",         None,                      SEARCH,       LINE_READERS),
    # The header's search box: agreements, lines and progress notes, each within the rule.
    ("header search",          "agreements:search",                           None,                      SEARCH,       LINE_READERS),
    # Before a session: the follow-up matrix as a page, a spreadsheet and a PDF briefing pack.
    ("follow-up matrix",       "agreements:follow_up",                        "commission",              "",           LINE_READERS),
    ("follow-up XLSX",         "agreements:follow_up_xlsx",                   "commission",              "",           LINE_READERS),
    ("briefing pack PDF",      "agreements:follow_up_pdf",                    "commission",              "",           LINE_READERS),
    ("commission feed",        "agreements:commission_feed",                  "commission",              "",           LINE_READERS),
    # The signed link is the key to its one line, for the line's responsible person without an account.
    ("update link page",       "agreements:update_link_page",                 "signed link",             "",           set(ROLES)),
    ("updates awaiting approval", "agreements:updates_awaiting_approval",     None,                      "",           SECRETARIAT),
    # Fetched by calendar services from outside: never restricted material, not even the responsible person's own.
    ("person feed",            "agreements:person_feed",                      "restricted feed token",   "",           NOBODY),
    ("agreement document",     "agreements:document_download",                "restricted doc",          "",           AGREEMENT_READERS),
    ("line document",          "agreements:document_download",                "restricted line doc",     "",           LINE_READERS),
    # The admin: staff only; a staff viewer reads there only what they are cleared for.
    ("admin history",          "admin:agreements_agreement_history",          "restricted",              "",           SECRETARIAT),
    ("admin line history",     "admin:agreements_actionline_history",         "restricted line",         "",           SECRETARIAT),
    ("admin past version",     "admin:agreements_agreement_simple_history",   "restricted version",      "",           SECRETARIAT),
    ("admin past line version", "admin:agreements_actionline_simple_history", "restricted line version", "",           SECRETARIAT),
    ("admin meeting page",     "admin:agreements_sectoralmeeting_change",     "meeting",                 "",           SECRETARIAT),
    ("admin agreement search", "admin:agreements_agreement_changelist",       None,                      SEARCH,       SECRETARIAT),
    ("admin line search",      "admin:agreements_actionline_changelist",      None,                      SEARCH,       SECRETARIAT),
    ("admin progress search",  "admin:agreements_progressupdate_changelist",  None,                      SEARCH,       SECRETARIAT),
    ("admin deadline search",  "admin:agreements_deadlinechange_changelist",  None,                      SEARCH,       SECRETARIAT),
    ("admin document search",  "admin:agreements_document_changelist",        None,                      SEARCH,       SECRETARIAT),
    ("admin reminder search",  "admin:agreements_reminder_changelist",        None,                      SEARCH,       SECRETARIAT),
    ("admin reminders",        "admin:agreements_reminder_changelist",        None,                      "",           SECRETARIAT),
    ("admin autocomplete",     "admin:autocomplete",                          None,                      AUTOCOMPLETE, SECRETARIAT),
]
# fmt: on


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("channel", CHANNELS, ids=lambda channel: channel[0])
def test_the_word_reaches_only_the_readers_cleared_for_it(world, channel, role):
    name, url_name, target, query, readers = channel
    address = reverse(url_name, args=world.args[target]) + (f"?{query}" if query else "")
    shown = WORD in text(fetch(world.clients[role], "GET", address))
    assert shown == (role in readers), f"{name} as {role}: the word is {'shown' if shown else 'not shown'}"


# ---------- Counts: the same figures with and without the restricted agreement, for those not cleared ----------

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
FIGURE_PAGES = ("agreements:home", "agreements:commission_list", "commission", "session", "meeting")


def figure_pages(world, role):
    """The pages that count agreements and lines, as this user sees them (CSRF tokens differ on every request)."""
    pages = {}
    for page in FIGURE_PAGES:
        if page.startswith("agreements:"):
            address = reverse(page)
        else:
            address = reverse(f"agreements:{page}_detail", args=[obj(world, page)])
        pages[page] = CSRF_TOKEN.sub("", fetch(world.clients[role], "GET", address).body.decode())
    return pages


@pytest.mark.parametrize(
    ("role", "counted"),
    [("viewer", False), ("cpart", False), ("focal", False), ("other", False), ("staffv", False), ("editor", True)],
)
def test_counts_leave_out_a_restricted_agreement_for_those_not_cleared(world, role, counted):
    with_it = figure_pages(world, role)
    with transaction.atomic():
        Agreement.objects.filter(pk=obj(world, "restricted")).delete()
        without = figure_pages(world, role)
        transaction.set_rollback(True)
    changed = [page for page in FIGURE_PAGES if with_it[page] != without[page]]
    if counted:
        assert changed, "the secretariat's figures count the restricted agreement"
    else:
        assert changed == [], f"{role} sees figures that count the restricted agreement on {changed}"


# ---------- Digests, captured from a real send to an SMTP server started here ----------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def read(self, address):
        """Subject and every text part of the one message sent to `address`, decoded."""
        found = [message for message in self.messages if address in message["To"]]
        assert len(found) == 1, f"{len(found)} messages to {address}"
        parts = [part.get_content() for part in found[0].walk() if part.get_content_maintype() == "text"]
        return "\n".join([str(found[0]["Subject"]), *parts])


@pytest.fixture
def smtp(settings):
    port = free_port()
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    yield inbox
    server.stop()


def test_digests_name_a_restricted_line_in_full_only_to_people_cleared_for_it(world, smtp):
    with transaction.atomic():
        run_sweep(world.today, queue=False)
        done = deliver_waiting(today=world.today)
        transaction.set_rollback(True)
    assert (done.sent, done.failed) == (2, 0)
    line = world.objects["restricted line"]
    with translation.override("en"):
        deadline = date_format(line.due_date, "DATE_FORMAT")
    # The focal point with an account cleared for the line reads it in full.
    focal = smtp.read("rfocal@example.org")
    assert WORD in focal
    # The counterpart without an account gets the reference and the deadline, and a link to sign in.
    outsider = smtp.read("outsider@example.org")
    assert "RES-1" in outsider and deadline in outsider
    assert WORD not in outsider and QUERY not in outsider.lower()
    assert {message["To"].addresses[0].username for message in smtp.messages} == {"rfocal", "outsider"}
