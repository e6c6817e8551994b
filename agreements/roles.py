"""The roles, as groups, and the permissions each one carries.

Counterpart accounts belong to the other party's staff: they see public material and the lines they are
responsible for, never internal material (agreements/access.py).
"""

from django.utils.translation import gettext_noop

VIEWER = gettext_noop("Viewer")
FOCAL_POINT = gettext_noop("Focal point")
EDITOR = gettext_noop("Editor")
ADMINISTRATOR = gettext_noop("Administrator")
COUNTERPART = gettext_noop("Counterpart")

DOMAIN_MODELS = [
    "country", "sector", "institution", "person", "commission", "session", "sectoralmeeting",
    "agreement", "actionline", "progressupdate", "deadlinechange", "document", "reminder", "sweeprun",
    "spreadsheetimport",
]  # fmt: skip
SECRETARIAT_MODELS = [
    "institution", "person", "commission", "session", "sectoralmeeting",
    "agreement", "actionline", "progressupdate", "deadlinechange", "document", "spreadsheetimport",
]  # fmt: skip

# Editors send and revoke update links from the line's page; the admin lists them all and revokes in bulk. Links are
# made only by sending (agreements/counterpart/links.py), so the admin grants no add or delete.
UPDATE_LINK_ADMIN = [("agreements", "view_updatelink"), ("agreements", "change_updatelink")]


def permission_codenames(role):
    """(app_label, codename) pairs a role grants."""
    view_all = [("agreements", f"view_{model}") for model in DOMAIN_MODELS]
    if role == VIEWER:
        return view_all
    if role in (FOCAL_POINT, COUNTERPART):
        return view_all + [("agreements", "add_progressupdate")]
    if role == EDITOR:
        return (
            view_all
            + [
                ("agreements", f"{action}_{model}")
                for model in SECRETARIAT_MODELS
                for action in ("add", "change", "delete")
            ]
            + UPDATE_LINK_ADMIN
        )
    if role == ADMINISTRATOR:
        return None  # every permission
    raise ValueError(f"unknown role {role!r}")


ROLES = [VIEWER, FOCAL_POINT, EDITOR, ADMINISTRATOR, COUNTERPART]
