"""What may be filed as a document: a size limit and an allow-list of types recognised by content, never by name.

The type comes from libmagic (python-magic), the library behind `file(1)`: it tells a Word or Excel file from
a plain zip archive by the parts inside, an OpenDocument file by its `mimetype` entry, and text from HTML.
Every place that files a document (staff pages, admin) uses `DocumentFileForm`; the download view serves
only the types listed here and anything else as opaque bytes.
"""

import os

import magic
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from . import access
from .models import ActionLine, Agreement, Document, SectoralMeeting, Session

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

# The type libmagic names → the short name staff know. None of these runs script in a browser.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    DOCX: "DOCX",
    XLSX: "XLSX",
    ODT: "ODT",
    ODS: "ODS",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "text/plain": "TXT",
    "text/csv": "CSV",
}
# Older libmagic releases name CSV differently; stored under the name above.
ALIASES = {"application/csv": "text/csv"}
# libmagic reads no further than this for any of the types above (office files: the zip's first entries).
SNIFF_BYTES = 1024 * 1024
SERVED_FALLBACK = "application/octet-stream"


def detect_type(uploaded):
    """The MIME type of the file's content, from its first bytes; the name and the browser's claim are ignored."""
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    detected = magic.from_buffer(head, mime=True)
    return ALIASES.get(detected, detected)


def allowed_summary():
    """'PDF, DOCX, … or CSV, up to 25 MB': what the refusal and the form's hint say."""
    names = list(dict.fromkeys(ALLOWED_TYPES.values()))
    return _("%(types)s or %(last)s, up to %(limit)s") % {
        "types": ", ".join(names[:-1]),
        "last": names[-1],
        "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES),
    }


def check_upload(uploaded):
    """The content type to store for `uploaded`, or ValidationError naming what is allowed."""
    if uploaded.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s, larger than allowed. Upload %(allowed)s."),
            code="too_large",
            params={"size": filesizeformat(uploaded.size), "allowed": allowed_summary()},
        )
    content_type = detect_type(uploaded)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _("This kind of file cannot be filed. Upload %(allowed)s."),
            code="type_not_allowed",
            params={"allowed": allowed_summary()},
        )
    return content_type


def original_name(uploaded):
    """The uploader's file name, without any folder a browser sent, trimmed to fit the column."""
    name = os.path.basename((uploaded.name or "").replace("\\", "/")).strip()
    if len(name) > 255:
        stem, extension = os.path.splitext(name)
        extension = extension[:20]
        name = stem[: 255 - len(extension)] + extension
    return name


def served_type(content_type):
    """The Content-Type a download goes out with: a type from the allow-list, else opaque bytes."""
    return content_type if content_type in ALLOWED_TYPES else SERVED_FALLBACK


def may_attach(user, owner):
    """Editors file documents anywhere; a focal point adds evidence to the lines they report on."""
    if isinstance(owner, ActionLine):
        return access.can_report_progress(user, owner)
    return user.has_perm("agreements.add_document")


# The Document field that holds each kind of owner.
OWNER_FIELD = {Session: "session", SectoralMeeting: "meeting", Agreement: "agreement", ActionLine: "action_line"}

# The kind a document most likely is, by what it is filed with.
DEFAULT_KIND = {
    "session": Document.Kind.FINAL_ACT,
    "meeting": Document.Kind.MINUTES,
    "agreement": Document.Kind.SIGNED_TEXT,
    "action_line": Document.Kind.EVIDENCE,
}


# Field ids of the upload form on a page that has other forms: "document_title", "document_file", …
FORM_IDS = "document_%s"


class DocumentFileForm(forms.ModelForm):
    """A document and its file. A new file is checked here and its type, size and name are recorded."""

    class Meta:
        model = Document
        fields = ["title", "kind", "file"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "input"}),
            "kind": forms.Select(attrs={"class": "select"}),
        }
        error_messages = {"title": {"required": _("Enter a title for the document.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            # The name on disk is generated (document_upload_to); the uploader's may be longer and is trimmed.
            self.fields["file"].max_length = None
            self.fields["file"].help_text = allowed_summary()
            self.fields["file"].error_messages["required"] = _("Choose a file to upload.")

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if isinstance(uploaded, UploadedFile):
            self.instance.content_type = check_upload(uploaded)
            self.instance.size = uploaded.size
            self.instance.original_name = original_name(uploaded)
        return uploaded
