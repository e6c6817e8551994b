"""Documents: downloaded only by those cleared for them, as attachments that cannot run script; uploads checked
by content and size; filed from the staff pages by editors, and by focal points on their own lines."""

import io
import struct
import zipfile
import zlib
from urllib.parse import quote

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements import roles
from agreements.models import Agreement, Document

pytestmark = pytest.mark.django_db

RESTRICTED = Agreement.Confidentiality.RESTRICTED


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a folder of this test, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS_X_ACCEL_REDIRECT_PREFIX = ""
    settings.DOCUMENTS_SENDFILE_HEADER = ""
    return settings.MEDIA_ROOT


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


# ---------- Files, made here rather than shipped ----------


def a_pdf():
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def a_png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def a_jpeg():
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def a_zip(entries, first_stored=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first_stored:
            archive.writestr(zipfile.ZipInfo(first_stored[0]), first_stored[1], compress_type=zipfile.ZIP_STORED)
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def a_docx():
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    return a_zip([("[Content_Types].xml", types), ("_rels/.rels", "<Relationships/>"), ("word/document.xml", "<w/>")])


def an_xlsx():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Tractores", 120])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def an_opendocument(mimetype):
    return a_zip([("content.xml", "<office:document-content/>")], first_stored=("mimetype", mimetype))


ODT, ODS = "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"
ACCEPTED = {
    "acta.pdf": (a_pdf, "application/pdf"),
    "foto.png": (a_png, "image/png"),
    "foto.jpg": (a_jpeg, "image/jpeg"),
    "informe.docx": (a_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "cifras.xlsx": (an_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "informe.odt": (lambda: an_opendocument(ODT), ODT),
    "cifras.ods": (lambda: an_opendocument(ODS), ODS),
    "cifras.csv": (lambda: b"producto,cantidad\nTractores,120\nCamiones,40\n", "text/csv"),
    "nota.txt": (lambda: "Acta final de la sesión VIII, Caracas.\n".encode(), "text/plain"),
}

# Each named .pdf: the name and the browser's claimed type count for nothing.
REFUSED = {
    "html": b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 112,
    "zip": a_zip([("leeme.txt", "hola")]),
    "html_as_csv": b"nombre,monto\n<html><body><script>alert(1)</script></body></html>\n",
}


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# ---------- People and things ----------


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def editor(make):
    return make.user("editor", groups=[roles.EDITOR])


@pytest.fixture
def viewer_user(make):
    return make.user("viewer", groups=[roles.VIEWER])


@pytest.fixture
def focal(make):
    user = make.user("focal", groups=[roles.FOCAL_POINT])
    make.person(user=user)
    return user


def a_document(owner_field, owner, name="acta.pdf", content=None, content_type="application/pdf", **fields):
    content = a_pdf() if content is None else content
    return Document.objects.create(
        title=fields.pop("title", "Acta final"),
        file=SimpleUploadedFile(name, content),
        original_name=name,
        content_type=content_type,
        size=len(content),
        **{owner_field: owner},
        **fields,
    )


def text_of(response):
    """The page's text, with the no-break spaces of file sizes as plain spaces."""
    return response.content.decode().replace("\xa0", " ")


def body_of(response):
    return b"".join(response.streaming_content)


def attach_url(field, pk):
    return reverse(f"agreements:{field}_attach_document", args=[pk])


# ---------- Downloading ----------


def test_cleared_user_downloads_the_file_as_an_attachment(client, make, viewer_user):
    document = a_document("agreement", make.agreement())
    response = signed_in(client, viewer_user).get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="acta.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert body_of(response) == a_pdf()


def test_a_name_with_accents_is_kept_for_the_download(client, make, editor):
    name = "Acta final — sesión VIII.pdf"
    document = a_document("session", make.session(), name=name)
    response = signed_in(client, editor).get(document.get_absolute_url())
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"


def test_viewer_gets_404_for_a_restricted_agreements_document(client, make, viewer_user):
    document = a_document("agreement", make.agreement(confidentiality=RESTRICTED))
    assert signed_in(client, viewer_user).get(document.get_absolute_url()).status_code == 404


def test_focal_point_downloads_evidence_on_their_own_restricted_line(client, make, focal):
    line = make.action_line(make.agreement(confidentiality=RESTRICTED), responsible_person=focal.person)
    evidence = a_document("action_line", line, name="foto.png", content=a_png(), content_type="image/png")
    others = a_document("agreement", line.agreement)
    signed_in(client, focal)
    response = client.get(evidence.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert body_of(response) == a_png()
    # The line, not the rest of its restricted agreement.
    assert client.get(others.get_absolute_url()).status_code == 404


def test_a_stranger_is_sent_to_sign_in(client, make):
    document = a_document("meeting", make.meeting())
    response = client.get(document.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_counterpart_gets_404_for_a_session_document(client, make):
    document = a_document("session", make.session())
    counterpart = make.user(groups=[roles.COUNTERPART])
    assert signed_in(client, counterpart).get(document.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("stored_type", ["text/html", "image/svg+xml", "application/javascript", "", "text/xml"])
def test_the_type_served_is_never_one_that_runs_script(client, make, editor, stored_type):
    document = a_document("meeting", make.meeting(), name="acta.html", content=b"<html>", content_type=stored_type)
    response = signed_in(client, editor).get(document.get_absolute_url())
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_missing_file_answers_404(client, make, editor):
    document = a_document("meeting", make.meeting())
    document.file.delete(save=False)
    assert signed_in(client, editor).get(document.get_absolute_url()).status_code == 404


def test_media_is_never_served_directly(client, make, editor):
    document = a_document("meeting", make.meeting())
    signed_in(client, editor)
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(document.get_absolute_url()).status_code == 200


def test_x_accel_redirect_mode_names_the_file_for_the_proxy_and_sends_no_body(client, make, editor, settings):
    settings.DOCUMENTS_X_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    document = a_document("agreement", make.agreement())
    response = signed_in(client, editor).get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{document.file.name}"
    assert response.content == b""
    assert response["Content-Disposition"] == 'attachment; filename="acta.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_x_sendfile_mode_names_the_files_path(client, make, editor, settings):
    settings.DOCUMENTS_SENDFILE_HEADER = "X-Sendfile"
    document = a_document("agreement", make.agreement())
    response = signed_in(client, editor).get(document.get_absolute_url())
    assert response["X-Sendfile"] == document.file.path
    assert response.content == b""
    assert "X-Accel-Redirect" not in response


# ---------- Uploading: what is accepted ----------


@pytest.mark.parametrize("name", ACCEPTED)
def test_allowed_types_are_accepted_and_described_by_their_content(client, make, editor, name):
    make_content, expected_type = ACCEPTED[name]
    content = make_content()
    agreement = make.agreement()
    response = signed_in(client, editor).post(
        attach_url("agreement", agreement.pk),
        {"title": "Texto firmado", "kind": "signed_text", "file": upload(name, content, "text/html")},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{agreement.get_absolute_url()}#documents"
    document = Document.objects.get()
    assert (document.agreement, document.uploaded_by) == (agreement, editor)
    assert document.content_type == expected_type  # from the content, not the browser's "text/html"
    assert document.size == len(content)
    assert document.original_name == name
    assert document.file.read() == content


@pytest.mark.parametrize("kind", REFUSED)
def test_html_svg_executables_and_plain_zips_are_refused_even_when_named_pdf(english, make, editor, kind):
    agreement = make.agreement()
    response = signed_in(english, editor).post(
        attach_url("agreement", agreement.pk),
        {"title": "Texto", "kind": "other", "file": upload("texto_firmado.pdf", REFUSED[kind])},
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "This kind of file cannot be filed" in page
    assert "PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG, TXT or CSV, up to 25.0 MB" in page
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_accepted(english, make, editor, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    meeting = make.meeting()
    signed_in(english, editor)
    too_big = english.post(
        attach_url("meeting", meeting.pk),
        {"title": "Acta", "kind": "minutes", "file": upload("acta.txt", b"a" * 1025, "text/plain")},
    )
    assert too_big.status_code == 200
    assert "larger than allowed" in text_of(too_big)
    assert "up to 1.0 KB" in text_of(too_big)
    assert not Document.objects.exists()
    at_limit = english.post(
        attach_url("meeting", meeting.pk),
        {"title": "Acta", "kind": "minutes", "file": upload("acta.txt", b"a" * 1024, "text/plain")},
    )
    assert at_limit.status_code == 302
    assert Document.objects.get().size == 1024


def test_the_default_limit_is_25_mb(settings):
    assert settings.DOCUMENT_MAX_BYTES == 25 * 1024 * 1024


def test_the_file_is_stored_under_a_generated_name(client, make, editor, media_root):
    session = make.session()
    signed_in(client, editor).post(
        attach_url("session", session.pk),
        {"title": "Acta final", "kind": "final_act", "file": upload("acta_final.pdf", a_pdf())},
    )
    document = Document.objects.get()
    assert document.original_name == "acta_final.pdf"
    assert "acta" not in document.file.name
    assert document.file.name.startswith("documents/")
    assert (media_root / document.file.name).read_bytes() == a_pdf()


def test_a_long_name_is_trimmed_and_keeps_its_extension(client, make, editor):
    line = make.action_line()
    name = "informe" * 50 + ".pdf"
    signed_in(client, editor).post(
        attach_url("action_line", line.pk), {"title": "Informe", "kind": "report", "file": upload(name, a_pdf())}
    )
    stored = Document.objects.get().original_name
    assert len(stored) == 255
    assert stored.endswith(".pdf")


def test_a_title_and_a_file_are_required(english, make, editor):
    response = signed_in(english, editor).post(attach_url("meeting", make.meeting().pk), {"kind": "minutes"})
    page = response.content.decode()
    assert "Enter a title for the document." in page
    assert "Choose a file to upload." in page


# ---------- Uploading: who may file where ----------


def test_focal_point_adds_evidence_to_their_own_restricted_line(english, make, focal):
    line = make.action_line(make.agreement(confidentiality=RESTRICTED), responsible_person=focal.person)
    signed_in(english, focal)
    page = english.get(line.get_absolute_url()).content.decode()
    assert "Attach a document" in page
    response = english.post(
        attach_url("action_line", line.pk),
        {"title": "Fotos de la entrega", "kind": "evidence", "file": upload("entrega.jpg", a_jpeg(), "image/jpeg")},
        follow=True,
    )
    assert "The document “Fotos de la entrega” has been filed." in response.content.decode()
    assert Document.objects.get().action_line == line
    assert "Fotos de la entrega" in english.get(line.get_absolute_url()).content.decode()


def test_focal_point_cannot_upload_to_another_persons_line(client, make, focal):
    line = make.action_line(responsible_person=make.person())
    signed_in(client, focal)
    assert client.get(line.get_absolute_url()).status_code == 200
    response = client.post(attach_url("action_line", line.pk), {"title": "X", "file": upload("x.pdf", a_pdf())})
    assert response.status_code == 403
    assert "Attach a document" not in client.get(line.get_absolute_url()).content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize("field", ["session", "meeting", "agreement"])
def test_focal_points_and_viewers_cannot_upload_to_sessions_meetings_or_agreements(
    client, make, focal, viewer_user, field
):
    owner = getattr(make, field)()
    for user in (focal, viewer_user):
        response = signed_in(client, user).post(
            attach_url(field, owner.pk), {"title": "X", "kind": "other", "file": upload("x.pdf", a_pdf())}
        )
        assert response.status_code == 403
    assert not Document.objects.exists()


def test_the_add_document_permission_is_what_lets_someone_file_on_a_meeting(client, make, viewer_user):
    meeting = make.meeting()
    viewer_user.user_permissions.add(Permission.objects.get(codename="add_document"))
    response = signed_in(client, viewer_user).post(
        attach_url("meeting", meeting.pk), {"title": "Acta", "kind": "minutes", "file": upload("a.pdf", a_pdf())}
    )
    assert response.status_code == 302


def test_nobody_uploads_to_an_agreement_they_cannot_see(client, make, viewer_user):
    agreement = make.agreement(confidentiality=RESTRICTED)
    viewer_user.user_permissions.add(Permission.objects.get(codename="add_document"))
    response = signed_in(client, viewer_user).post(
        attach_url("agreement", agreement.pk), {"title": "X", "kind": "other", "file": upload("x.pdf", a_pdf())}
    )
    assert response.status_code == 404


def test_the_upload_page_opens_with_a_get_and_suggests_a_kind(english, make, editor):
    session = make.session()
    response = signed_in(english, editor).get(attach_url("session", session.pk))
    assert response.status_code == 200
    assert response.context["form"]["kind"].value() == Document.Kind.FINAL_ACT
    assert 'enctype="multipart/form-data"' in response.content.decode()


# ---------- The pages list what each reader may open ----------


@pytest.mark.parametrize("field", ["session", "meeting", "agreement", "action_line"])
def test_each_page_lists_its_documents_with_name_size_and_type_and_offers_the_form_to_editors(
    english, make, editor, viewer_user, field
):
    owner = getattr(make, field)()
    document = a_document(field, owner, name="Acta VIII.pdf", title="Acta de la sesión")
    signed_in(english, editor)
    page = english.get(owner.get_absolute_url()).content.decode()
    assert f'href="{document.get_absolute_url()}"' in page
    assert "Acta VIII.pdf" in page
    assert "PDF" in page
    assert "Attach a document" in page
    assert f'action="{attach_url(field, owner.pk)}"' in page
    signed_in(english, viewer_user)
    page = english.get(owner.get_absolute_url()).content.decode()
    assert "Acta de la sesión" in page
    assert "Attach a document" not in page


def test_a_line_page_does_not_list_its_agreements_documents(english, make, focal):
    line = make.action_line(make.agreement(confidentiality=RESTRICTED), responsible_person=focal.person)
    a_document("agreement", line.agreement, title="Texto reservado")
    a_document("action_line", line, title="Evidencia de avance")
    page = signed_in(english, focal).get(line.get_absolute_url()).content.decode()
    assert "Evidencia de avance" in page
    assert "Texto reservado" not in page


# ---------- The admin checks files the same way ----------


@pytest.fixture
def admin_client(client, make):
    client.cookies["django_language"] = "en"
    client.force_login(make.user(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_add_form_refuses_an_html_file(admin_client, make):
    meeting = make.meeting()
    response = admin_client.post(
        reverse("admin:agreements_document_add"),
        {"title": "Acta", "kind": "minutes", "meeting": meeting.pk, "file": upload("acta.pdf", REFUSED["html"])},
    )
    assert response.status_code == 200
    assert "This kind of file cannot be filed" in response.content.decode()
    assert not Document.objects.exists()


def test_the_admin_records_type_size_and_name_and_links_to_the_download(admin_client, make):
    meeting = make.meeting()
    response = admin_client.post(
        reverse("admin:agreements_document_add"),
        {"title": "Acta", "kind": "minutes", "meeting": meeting.pk, "file": upload("acta.pdf", a_pdf(), "text/html")},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.content_type, document.original_name) == ("application/pdf", "acta.pdf")
    assert document.size == len(a_pdf())
    change = admin_client.get(reverse("admin:agreements_document_change", args=[document.pk])).content.decode()
    assert f'href="{document.get_absolute_url()}"' in change
    assert "/media/" not in change
    changelist = admin_client.get(reverse("admin:agreements_document_changelist")).content.decode()
    assert "acta.pdf" in changelist


def test_the_admin_inline_on_a_meeting_refuses_an_svg(admin_client, make):
    meeting = make.meeting()
    url = reverse("admin:agreements_sectoralmeeting_change", args=[meeting.pk])
    data = {
        "session": meeting.session_id,
        "sector": meeting.sector_id,
        "date": "2026-01-16",
        "agreements-TOTAL_FORMS": "0",
        "agreements-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-0-title": "Acta",
        "documents-0-kind": "minutes",
        "documents-0-file": upload("acta.pdf", REFUSED["svg"]),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "This kind of file cannot be filed" in response.content.decode()
    assert not Document.objects.exists()
    data["documents-0-file"] = upload("acta.pdf", a_pdf())
    assert admin_client.post(url, data).status_code == 302
    assert Document.objects.get().content_type == "application/pdf"
