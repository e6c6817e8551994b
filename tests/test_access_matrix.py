# ruff: noqa: E501  (the matrix is a wide table: one row per URL, one column per kind of user)
"""Who may open what: every URL of the app, for every kind of user, by GET and by POST, in one table.

Each cell is "GET POST": the status that user gets. 302 is the sign-in page for a stranger (or, after a POST
that succeeded, the page it leads back to), 403 an action the user may not take, 404 something hidden from
them (or absent), 405 the wrong method. A restricted agreement answers 404, never 403, to people not cleared
for it, so that its existence does not show.

The URL patterns are read from the resolver: a new URL fails `test_every_url_is_in_the_matrix` until it has
a row here. The admin has hundreds of URLs; the matrix holds its main pages for agreements and action lines.
"""

import copy
import datetime
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from agreements import roles
from agreements.clock import local_today
from agreements.counterpart import links
from agreements.models import (
    Agreement,
    AgreementAccess,
    BriefingPack,
    Document,
    ProgressUpdate,
    Reminder,
    SpreadsheetImport,
    SweepRun,
    UpdateLink,
)
from tests import factories as make

pytestmark = pytest.mark.django_db

# A word that appears only in restricted material (tests/test_confidentiality.py looks for it everywhere).
WORD = "ZAFIROCONFIDENCIAL"

# The kinds of user, in the matrix's column order.
USERS = (
    "anon",  # not signed in
    "viewer",  # Viewer
    "cpart",  # Counterpart account, responsible (counterpart side) for the public agreement's line
    "focal",  # Focal point responsible for the internal agreement's line
    "other",  # Focal point responsible for none of the lines below: every line is someone else's
    "rfocal",  # Focal point responsible for the restricted agreement's line, not cleared for the agreement
    "granted",  # Viewer on the restricted agreement's access list
    "staffv",  # Viewer with staff status: the admin, read-only, for what they are cleared for
    "editor",  # Editor (staff): the secretariat
    "admin",  # Administrator (superuser)
)

# fmt: off
MATRIX = [
    # url name                                    object                     anon       viewer     cpart      focal      other      rfocal     granted    staffv     editor     admin
    # Signing in, the language, the health check and the personal calendar feed are open to everyone.
    ("login",                                      None,                      "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("logout",                                     None,                      "302 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302"),
    ("password_change",                            None,                      "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("password_change_done",                       None,                      "302 302", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("set_language",                               None,                      "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302"),
    ("agreements:healthz",                         None,                      "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("agreements:person_feed",                     "feed token",              "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("agreements:person_feed",                     "unknown token",           "404 405", "404 405", "404 405", "404 405", "404 405", "404 405", "404 405", "404 405", "404 405", "404 405"),
    ("agreements:person_feed_revoke",              None,                      "302 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302"),
    # Pages, lists and exports: every signed-in user; what they list is filtered (tests/test_confidentiality.py).
    ("agreements:home",                            None,                      "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:commission_list",                 None,                      "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:commission_detail",               "commission",              "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:commission_feed",                 "commission",              "302 302", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("agreements:follow_up",                       "commission",              "302 302", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("agreements:follow_up_xlsx",                  "commission",              "302 302", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("agreements:follow_up_pdf",                   "commission",              "302 302", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    # A briefing pack prepared in the background: anyone may ask for one; it is the asker's alone (here, the editor's).
    ("agreements:briefing_pack_request",           "commission",              "302 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302"),
    ("agreements:briefing_pack",                   "briefing pack",           "302 302", "404 405", "404 405", "404 405", "404 405", "404 405", "404 405", "404 405", "200 405", "404 405"),
    ("agreements:briefing_pack_download",          "briefing pack",           "302 302", "404 405", "404 405", "404 405", "404 405", "404 405", "404 405", "404 405", "200 405", "404 405"),
    ("agreements:session_detail",                  "session",                 "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:meeting_detail",                  "meeting",                 "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:agreement_list",                  None,                      "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:agreement_export_csv",            None,                      "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:agreement_export_xlsx",           None,                      "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:action_line_list",                None,                      "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:my_action_lines",                 None,                      "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:action_line_export_csv",          None,                      "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:action_line_export_xlsx",         None,                      "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:search",                          None,                      "302 302", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    # Agreements: internal is closed to counterpart accounts, restricted to all but the cleared.
    ("agreements:agreement_detail",                "public",                  "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:agreement_detail",                "internal",                "302 302", "200 200", "404 404", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:agreement_detail",                "restricted",              "302 302", "404 404", "404 404", "404 404", "404 404", "404 404", "200 200", "404 404", "200 200", "200 200"),
    # The access list: kept by the secretariat alone (refused before the agreement is even looked up).
    ("agreements:grant_access",                    "restricted",              "302 302", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 302", "405 302"),
    ("agreements:revoke_access",                   "grant",                   "302 302", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 302", "405 302"),
    # Following: any user follows an agreement they can see (POST, then back to it), and lists what they follow.
    ("agreements:follow",                          "public",                  "302 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302"),
    ("agreements:follow",                          "restricted",              "302 302", "405 404", "405 404", "405 404", "405 404", "405 404", "405 302", "405 404", "405 302", "405 302"),
    ("agreements:unfollow",                        "public",                  "302 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302", "405 302"),
    ("agreements:unfollow",                        "restricted",              "302 302", "405 404", "405 404", "405 404", "405 404", "405 404", "405 302", "405 404", "405 302", "405 302"),
    ("agreements:following_list",                  None,                      "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    # Action lines: their responsible people see them whatever the agreement's level, and report on them.
    ("agreements:action_line_detail",              "public line",             "302 302", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:action_line_detail",              "internal line",           "302 302", "200 200", "404 404", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200", "200 200"),
    ("agreements:action_line_detail",              "restricted line",         "302 302", "404 404", "404 404", "404 404", "404 404", "200 200", "200 200", "404 404", "200 200", "200 200"),
    ("agreements:action_line_update",              "public line",             "302 302", "403 403", "200 302", "403 403", "403 403", "403 403", "403 403", "403 403", "200 302", "200 302"),
    ("agreements:action_line_update",              "internal line",           "302 302", "403 403", "404 404", "200 302", "403 403", "403 403", "403 403", "403 403", "200 302", "200 302"),
    ("agreements:action_line_update",              "restricted line",         "302 302", "404 404", "404 404", "404 404", "404 404", "200 302", "403 403", "404 404", "200 302", "200 302"),
    # Filing documents: editors anywhere, a focal point on the lines they report on.
    ("agreements:session_attach_document",         "session",                 "302 302", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 302", "200 302"),
    ("agreements:meeting_attach_document",         "meeting",                 "302 302", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 302", "200 302"),
    ("agreements:agreement_attach_document",       "public",                  "302 302", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 302", "200 302"),
    ("agreements:agreement_attach_document",       "internal",                "302 302", "403 403", "404 404", "403 403", "403 403", "403 403", "403 403", "403 403", "200 302", "200 302"),
    ("agreements:agreement_attach_document",       "restricted",              "302 302", "404 404", "404 404", "404 404", "404 404", "404 404", "403 403", "404 404", "200 302", "200 302"),
    ("agreements:action_line_attach_document",     "public line",             "302 302", "403 403", "200 302", "403 403", "403 403", "403 403", "403 403", "403 403", "200 302", "200 302"),
    ("agreements:action_line_attach_document",     "internal line",           "302 302", "403 403", "404 404", "200 302", "403 403", "403 403", "403 403", "403 403", "200 302", "200 302"),
    ("agreements:action_line_attach_document",     "restricted line",         "302 302", "404 404", "404 404", "404 404", "404 404", "200 302", "403 403", "404 404", "200 302", "200 302"),
    # The secretariat's own pages: recording outcomes, carrying a session over, spreadsheet imports.
    ("agreements:prepare_next_session",            "session",                 "302 302", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 200", "200 200"),
    ("agreements:outcomes_new",                    None,                      "302 302", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 200", "200 200"),
    ("agreements:outcomes_edit",                   "meeting",                 "302 302", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 200", "200 200"),
    ("agreements:suggest_people",                  None,                      "302 302", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "200 405", "200 405"),
    ("agreements:suggest_institutions",            None,                      "302 302", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "200 405", "200 405"),
    ("agreements:suggest_references",              None,                      "302 302", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "200 405", "200 405"),
    ("agreements:import_list",                     None,                      "302 302", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "200 405", "200 405"),
    ("agreements:import_upload",                   None,                      "302 302", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 200", "200 200"),
    ("agreements:import_template_xlsx",            None,                      "302 302", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "200 405", "200 405"),
    ("agreements:import_template_csv",             None,                      "302 302", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "200 405", "200 405"),
    ("agreements:import_detail",                   "import",                  "302 302", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "200 405", "200 405"),
    ("agreements:import_apply",                    "import",                  "302 302", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 302", "405 302"),
    # Update links: the secretariat sends and revokes them and reviews what arrives (refused before any lookup).
    ("agreements:update_link_send",                "restricted line",         "302 302", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 302", "405 302"),
    ("agreements:update_link_revoke",              "update link",             "302 302", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 302", "405 302"),
    ("agreements:updates_awaiting_approval",       None,                      "302 302", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "403 405", "200 405", "200 405"),
    ("agreements:update_approve",                  "pending update",          "302 302", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 302", "405 302"),
    ("agreements:update_reject",                   "pending update",          "302 302", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 403", "405 302", "405 302"),
    # The link's page needs no sign-in: the signed token is the key. Gone when expired or revoked, unknown when tampered.
    ("agreements:update_link_page",                "signed link",             "200 302", "200 302", "200 302", "200 302", "200 302", "200 302", "200 302", "200 302", "200 302", "200 302"),
    ("agreements:update_link_page",                "expired link",            "410 410", "410 410", "410 410", "410 410", "410 410", "410 410", "410 410", "410 410", "410 410", "410 410"),
    ("agreements:update_link_page",                "revoked link",            "410 410", "410 410", "410 410", "410 410", "410 410", "410 410", "410 410", "410 410", "410 410", "410 410"),
    ("agreements:update_link_page",                "tampered link",           "404 404", "404 404", "404 404", "404 404", "404 404", "404 404", "404 404", "404 404", "404 404", "404 404"),
    # Downloads follow what the document is filed with; session and meeting documents are internal.
    ("agreements:document_download",               "session doc",             "302 302", "200 405", "404 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("agreements:document_download",               "meeting doc",             "302 302", "200 405", "404 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("agreements:document_download",               "public doc",              "302 302", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("agreements:document_download",               "internal doc",            "302 302", "200 405", "404 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("agreements:document_download",               "restricted doc",          "302 302", "404 405", "404 405", "404 405", "404 405", "404 405", "200 405", "404 405", "200 405", "200 405"),
    ("agreements:document_download",               "public line doc",         "302 302", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("agreements:document_download",               "internal line doc",       "302 302", "200 405", "404 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405", "200 405"),
    ("agreements:document_download",               "restricted line doc",     "302 302", "404 405", "404 405", "404 405", "404 405", "200 405", "200 405", "404 405", "200 405", "200 405"),
    # The admin: staff only (others go to its sign-in page); a staff viewer reads what they are cleared for and
    # changes nothing; an object they may not see is "not found" (the change page sends them to the index).
    ("admin:index",                                None,                      "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "200 200", "200 200", "200 200"),
    ("admin:agreements_agreement_changelist",      None,                      "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "200 200", "200 200", "200 200"),
    ("admin:agreements_agreement_change",          "public",                  "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "200 403", "200 200", "200 200"),
    ("admin:agreements_agreement_change",          "restricted",              "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 403", "200 200", "200 200"),
    ("admin:agreements_agreement_history",         "public",                  "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "200 200", "200 200", "200 200"),
    ("admin:agreements_agreement_history",         "restricted",              "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "404 404", "200 200", "200 200"),
    ("admin:agreements_agreement_simple_history",  "public version",          "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "200 403", "200 403", "200 403"),
    ("admin:agreements_agreement_simple_history",  "restricted version",      "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "404 404", "200 403", "200 403"),
    ("admin:agreements_actionline_changelist",     None,                      "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "200 200", "200 200", "200 200"),
    ("admin:agreements_actionline_change",         "public line",             "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "200 403", "200 200", "200 200"),
    ("admin:agreements_actionline_change",         "restricted line",         "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 403", "200 200", "200 200"),
    ("admin:agreements_actionline_history",        "public line",             "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "200 200", "200 200", "200 200"),
    ("admin:agreements_actionline_history",        "restricted line",         "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "404 404", "200 200", "200 200"),
    ("admin:agreements_actionline_simple_history", "restricted line version", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "302 302", "404 404", "200 403", "200 403"),
]
# fmt: on

# Rows whose 302 for a stranger is not the sign-in page: they are open to everyone.
OPEN_TO_STRANGERS = {
    "login",
    "logout",
    "set_language",
    "agreements:healthz",
    "agreements:person_feed",
    "agreements:update_link_page",
}
# The site's sign-in page, or the admin's (where the admin index sends a stranger).
SIGN_IN_PAGES = ("login", "admin:login")
# Admin pages the matrix must hold (the rest of the admin is Django's own, with the same checks).
ADMIN_PAGES = {
    "admin:index",
    "admin:agreements_agreement_changelist",
    "admin:agreements_agreement_change",
    "admin:agreements_agreement_history",
    "admin:agreements_actionline_changelist",
    "admin:agreements_actionline_change",
    "admin:agreements_actionline_history",
    "admin:agreements_agreement_simple_history",
    "admin:agreements_actionline_simple_history",
}


# ---------- The objects and the users, built once per test module ----------


def build_world():
    """Three agreements (public, internal, restricted) with a line each, their documents, and one user per column.

    The restricted agreement carries WORD in every text a person types: titles, descriptions, a progress note,
    a deadline change's reason, documents' titles, names and contents.
    """
    today = local_today()
    commission = make.commission("Comisión Mixta de Cooperación")
    session = make.session(commission, number=9)
    meeting = make.meeting(session)
    users = {
        "viewer": make.user("viewer", groups=[roles.VIEWER]),
        "cpart": make.user("cpart", groups=[roles.COUNTERPART]),
        "focal": make.user("focal", groups=[roles.FOCAL_POINT]),
        "other": make.user("other", groups=[roles.FOCAL_POINT]),
        "rfocal": make.user("rfocal", groups=[roles.FOCAL_POINT]),
        "granted": make.user("granted", groups=[roles.VIEWER]),
        "staffv": make.user("staffv", groups=[roles.VIEWER], is_staff=True),
        "editor": make.user("editor", groups=[roles.EDITOR], is_staff=True),
        "admin": make.user("admin", is_staff=True, is_superuser=True),
        "coordinator": make.user("coordinator", groups=[roles.VIEWER]),
    }
    people = {
        name: make.person(f"Person {name}", user=users[name], email=f"{name}@example.org", language="en")
        for name in ("cpart", "focal", "other", "rfocal", "coordinator")
    }
    # Responsible for the restricted line on the other side, without an account: reminded by email only.
    people["outsider"] = make.person("Outside Counterpart", email="outsider@example.org", language="en")
    level = Agreement.Confidentiality
    far = today + datetime.timedelta(days=60)
    public = make.agreement(meeting, reference_code="PUB-1", title="Tractor assembly", confidentiality=level.PUBLIC)
    internal = make.agreement(meeting, reference_code="INT-1", title="Truck plant", confidentiality=level.INTERNAL)
    restricted = make.agreement(
        meeting,
        reference_code="RES-1",
        title=f"Acuerdo {WORD} de suministro",
        description=f"Condiciones {WORD} del suministro.",
        confidentiality=level.RESTRICTED,
        coordinator=people["coordinator"],
    )
    public_line = make.action_line(
        public, title="Deliver the first tractors", due_date=far, counterpart_person=people["cpart"]
    )
    internal_line = make.action_line(
        internal, title="Sign the plant lease", due_date=far, responsible_person=people["focal"]
    )
    restricted_line = make.action_line(
        restricted,
        title=f"Línea {WORD}",
        description=f"Detalle {WORD} de la línea.",
        due_date=today + datetime.timedelta(days=30),
        responsible_person=people["rfocal"],
        counterpart_person=people["outsider"],
    )
    editor = users["editor"]
    # The deadline moves to a week from today: the reminder sweep owes its responsible people a reminder today.
    restricted_line.change_deadline(today + datetime.timedelta(days=7), f"Motivo {WORD}", user=editor)
    ProgressUpdate.objects.create(
        action_line=restricted_line, author=editor, note=f"Avance {WORD}", percent_complete=10
    )
    # An earlier reminder about the restricted line, for the admin's list of reminders.
    Reminder.objects.create(
        action_line=restricted_line,
        recipient=people["outsider"],
        kind=Reminder.Kind.BEFORE_DEADLINE,
        days_from_deadline=-14,
        due_date=today + datetime.timedelta(days=30),
        status=Reminder.Status.SENT,
        sent_at=timezone.now(),
    )
    grant = AgreementAccess.objects.create(agreement=restricted, user=users["granted"], granted_by=editor)
    # Update links to the restricted line for its counterpart without an account, and an update awaiting approval.
    now = timezone.now()
    month = datetime.timedelta(days=30)

    def update_link(token, **fields):
        fields.setdefault("expires_at", now + month)
        return UpdateLink.objects.create(
            action_line=restricted_line, person=people["outsider"], token=token, created_by=editor, **fields
        )

    link = update_link("matrix-active")
    update_link("matrix-expired", created_at=now - 2 * month, expires_at=now - month)
    update_link("matrix-revoked", revoked_at=now, revoked_by=editor)
    pending = ProgressUpdate.objects.create(
        action_line=restricted_line,
        note=f"Pendiente {WORD}",
        percent_complete=40,
        review=ProgressUpdate.Review.PENDING,
        reported_by=people["outsider"],
        via_link=link,
    )
    signed = links.signer().sign("matrix-active")

    def document(title, body=b"Plain text.\n", **owner):
        return Document.objects.create(
            title=title,
            file=ContentFile(body, name="upload.txt"),
            original_name=f"{title}.txt",
            content_type="text/plain",
            size=len(body),
            uploaded_by=editor,
            **owner,
        )

    secret = f"Contenido {WORD}\n".encode()
    documents = {
        "session doc": document("Final act", session=session),
        "meeting doc": document("Minutes", meeting=meeting),
        "public doc": document("Signed text", agreement=public),
        "internal doc": document("Lease", agreement=internal),
        "restricted doc": document(f"Texto {WORD}", secret, agreement=restricted),
        "public line doc": document("Delivery note", action_line=public_line),
        "internal line doc": document("Lease draft", action_line=internal_line),
        "restricted line doc": document(f"Evidencia {WORD}", secret, action_line=restricted_line),
    }
    spreadsheet = SpreadsheetImport.objects.create(
        file=ContentFile(b"reference_code\n", name="outcomes.csv"), file_name="outcomes.csv", uploaded_by=editor
    )
    pack = BriefingPack.objects.create(
        requested_by=editor,
        commission=commission,
        language="en",
        state=BriefingPack.State.DONE,
        file=ContentFile(b"%PDF-1.4\n", name="pack.pdf"),
        download_name="briefing.pdf",
    )
    # /healthz answers 200 only after a recent sweep; yesterday's, so that today's sweep is still to run.
    SweepRun.objects.create(run_date=today - datetime.timedelta(days=1), finished_at=timezone.now())
    objects = {
        "commission": commission,
        "session": session,
        "meeting": meeting,
        "public": public,
        "internal": internal,
        "restricted": restricted,
        "public line": public_line,
        "internal line": internal_line,
        "restricted line": restricted_line,
        **documents,
        "import": spreadsheet,
        "briefing pack": pack,
    }
    args = {name: [obj.pk] for name, obj in objects.items()}
    args.update(
        {
            None: [],
            "grant": [restricted.pk, grant.pk],
            "feed token": [people["focal"].feed_token],
            "restricted feed token": [people["rfocal"].feed_token],
            "unknown token": ["00000000-0000-4000-8000-000000000000"],
            "update link": [restricted_line.pk, link.pk],
            "pending update": [pending.pk],
            "signed link": [signed],
            "expired link": [links.signer().sign("matrix-expired")],
            "revoked link": [links.signer().sign("matrix-revoked")],
            "tampered link": [signed[:-4] + ("AAAA" if not signed.endswith("AAAA") else "BBBB")],
            # A past version of an object in the admin's history.
            "public version": [public.pk, public.history.earliest().history_id],
            "restricted version": [restricted.pk, restricted.history.earliest().history_id],
            "restricted line version": [restricted_line.pk, restricted_line.history.earliest().history_id],
        }
    )
    return SimpleNamespace(today=today, users=users, people=people, objects=objects, args=args, grant=grant)


def world_for_module(django_db_blocker, tmp_path_factory):
    """The objects and a signed-in client per user, in a transaction rolled back after the module's tests."""
    quick = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), quick, transaction.atomic():
        built = build_world()
        built.clients = {"anon": Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")}
        for name, user in built.users.items():
            client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
            client.force_login(user)
            built.clients[name] = client
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from world_for_module(django_db_blocker, tmp_path_factory)


def fetch(client, method, url, data=None):
    """One request whose writes are rolled back and whose cookies are put back, so requests never affect each other."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = client.get(url) if method == "GET" else client.post(url, data or {})
            # The body as bytes, streamed or not (documents, exports), for the tests that read it. The client closes
            # the response itself; closing it again would close the database connection, test transaction and all.
            response.body = b"".join(response.streaming_content) if response.streaming else response.content
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response


# Bodies that pass the form where the user is allowed, so that success shows as 302.
def upload():
    return {"title": "Evidence", "kind": Document.Kind.OTHER, "file": SimpleUploadedFile("note.txt", b"Progress.\n")}


POST_BODIES = {
    "agreements:action_line_update": lambda world: {"note": "Done", "status": "in_progress", "percent_complete": 50},
    "agreements:grant_access": lambda world: {"username": "viewer"},
    "agreements:briefing_pack_request": lambda world: {"lang": "en"},
    "agreements:update_link_send": lambda world: {"recipient": "counterpart"},
    "agreements:update_link_page": lambda world: {"note": "Forty kits shipped.", "percent_complete": 40},
    "agreements:session_attach_document": lambda world: upload(),
    "agreements:meeting_attach_document": lambda world: upload(),
    "agreements:agreement_attach_document": lambda world: upload(),
    "agreements:action_line_attach_document": lambda world: upload(),
    "set_language": lambda world: {"language": "en", "next": "/"},
}


def signs_in(response):
    return response["Location"].startswith(tuple(f"{reverse(page)}?next=" for page in SIGN_IN_PAGES))


def row_id(row):
    return f"{row[0]}[{row[1]}]" if row[1] else row[0]


@pytest.mark.parametrize("row", MATRIX, ids=row_id)
def test_each_user_gets_the_status_in_the_matrix(world, row):
    name, obj, *cells = row
    assert len(cells) == len(USERS), f"{row_id(row)} has {len(cells)} cells for {len(USERS)} users"
    url = reverse(name, args=world.args[obj])
    wrong = []
    for user, cell in zip(USERS, cells, strict=True):
        for method, expected in zip(("GET", "POST"), cell.split(), strict=True):
            body = POST_BODIES.get(name, lambda world: {})(world)
            response = fetch(world.clients[user], method, url, body)
            if response.status_code != int(expected):
                wrong.append(f"{user} {method}: expected {expected}, got {response.status_code}")
            elif user == "anon" and expected == "302" and name not in OPEN_TO_STRANGERS and not signs_in(response):
                wrong.append(f"anon {method}: sent to {response['Location']}, not to the sign-in page")
    assert not wrong, f"{url} ({row_id(row)}):\n" + "\n".join(wrong)


def url_names(patterns, namespace=""):
    """Every named URL pattern under the resolver, as "namespace:name"."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or pattern.pattern}"


def test_every_url_is_in_the_matrix():
    in_matrix = {row[0] for row in MATRIX}
    app_urls = {name for name in url_names(get_resolver().url_patterns) if not name.startswith("admin:")}
    assert app_urls - in_matrix == set(), "URLs with no row in MATRIX: add one per object kind it serves"
    assert ADMIN_PAGES - in_matrix == set(), "admin pages missing from MATRIX"
    assert in_matrix - app_urls - ADMIN_PAGES == set(), "rows in MATRIX for URLs that no longer exist"


def test_the_matrix_has_one_row_per_url_and_object():
    keys = [(row[0], row[1]) for row in MATRIX]
    assert len(keys) == len(set(keys))
