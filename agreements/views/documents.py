"""Documents: the one way a file leaves the server, and filing one from the staff pages.

A download asks agreements/access.py, then answers the file as an attachment in a type that cannot run
script; /media/ itself is never served. Behind nginx or Apache the bytes can be left to the proxy
(DOCUMENTS_X_ACCEL_REDIRECT_PREFIX, DOCUMENTS_SENDFILE_HEADER).
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ..access import (
    get_action_line_for_user,
    get_agreement_for_user,
    get_document_for_user,
    get_meeting_for_user,
    get_session_for_user,
)
from ..models import Document
from ..uploads import DEFAULT_KIND, FORM_IDS, DocumentFileForm, may_attach, served_type


@require_safe
def download(request, pk):
    document = get_document_for_user(request, pk)
    content_type = served_type(document.content_type)
    prefix = settings.DOCUMENTS_X_ACCEL_REDIRECT_PREFIX
    if settings.DOCUMENTS_SENDFILE_HEADER == "X-Sendfile" or prefix:
        # The proxy sends the bytes and keeps these headers; the body stays empty.
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, document.download_name)
        if settings.DOCUMENTS_SENDFILE_HEADER == "X-Sendfile":
            response["X-Sendfile"] = document.file.path
        else:
            response["X-Accel-Redirect"] = prefix + quote(document.file.name)
    else:
        try:
            stored = document.file.open("rb")
        except FileNotFoundError:
            raise Http404("The document's file is missing.") from None
        response = FileResponse(stored, as_attachment=True, filename=document.download_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _attach(request, owner, field):
    """File a document with `owner` (held in Document.`field`): the form, then back to the owner's page."""
    if not may_attach(request.user, owner):
        raise PermissionDenied
    document = Document(uploaded_by=request.user, **{field: owner})
    if request.method == "POST":
        form = DocumentFileForm(request.POST, request.FILES, instance=document, auto_id=FORM_IDS)
        if form.is_valid():
            form.save()
            messages.success(request, _("The document “%(title)s” has been filed.") % {"title": document.title})
            return redirect(f"{owner.get_absolute_url()}#documents")
    else:
        form = DocumentFileForm(instance=document, initial={"kind": DEFAULT_KIND[field]}, auto_id=FORM_IDS)
    return render(request, "agreements/document_upload.html", {"owner": owner, "form": form})


@require_http_methods(["GET", "POST"])
def attach_to_session(request, pk):
    return _attach(request, get_session_for_user(request, pk), "session")


@require_http_methods(["GET", "POST"])
def attach_to_meeting(request, pk):
    return _attach(request, get_meeting_for_user(request, pk), "meeting")


@require_http_methods(["GET", "POST"])
def attach_to_agreement(request, pk):
    return _attach(request, get_agreement_for_user(request, pk), "agreement")


@require_http_methods(["GET", "POST"])
def attach_to_action_line(request, pk):
    # write=True: 403 unless this user reports on the line (a focal point on their own lines, or an editor).
    return _attach(request, get_action_line_for_user(request, pk, write=True), "action_line")
