"""Spreadsheet imports: the template, the upload, the preview with every row error, applying, and past imports.

Only the secretariat imports (agreements/imports/permissions.py). Files longer than IMPORT_BACKGROUND_ROWS are
checked and applied by a Celery task while the page shows a progress bar and refreshes itself.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import tasks
from ..imports import runs, template
from ..imports.forms import ImportUploadForm
from ..imports.permissions import get_import_for_user, require_importer
from ..models import ActionLine, Agreement, SpreadsheetImport

Status = SpreadsheetImport.Status
ERRORS_PER_PAGE = 100
# While a background task works, the page reloads itself this often (seconds): no JavaScript needed.
REFRESH_SECONDS = 2


def crumbs():
    return [(_("Imports"), reverse("agreements:import_list"))]


@require_safe
def import_list(request):
    require_importer(request)
    imports = SpreadsheetImport.objects.select_related("uploaded_by")
    page_obj = Paginator(imports, 25).get_page(request.GET.get("page"))
    return render(request, "agreements/imports/import_list.html", {"page_obj": page_obj, "imports": page_obj})


@require_safe
def template_xlsx(request):
    require_importer(request)
    return template.xlsx_response()


@require_safe
def template_csv(request):
    require_importer(request)
    return template.csv_response()


@require_http_methods(["GET", "POST"])
def import_upload(request):
    require_importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = SpreadsheetImport.objects.create(
            file=form.cleaned_data["file"], file_name=form.file_name, uploaded_by=request.user
        )
        runs.count_rows(record)
        language = get_language()
        if runs.runs_in_background(record):
            transaction.on_commit(lambda: tasks.check_spreadsheet_import.delay(record.pk, language))
        else:
            runs.check_import(record.pk, language)
        return redirect(record)
    return render(request, "agreements/imports/import_upload.html", {"form": form, "crumbs": crumbs()})


@require_safe
def import_detail(request, pk):
    record = get_import_for_user(request, pk)
    working = record.status in (Status.CHECKING, Status.APPLYING)
    errors = Paginator(record.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "record": record,
        "preview": with_links(record.preview, request.user),
        "errors": errors,
        "page_obj": errors,
        "refresh_seconds": REFRESH_SECONDS if working else None,
        "working": working,
        "percent": round(100 * record.rows_done / record.rows_total) if record.rows_total else 0,
        "crumbs": crumbs(),
    }
    return render(request, "agreements/imports/import_detail.html", context)


def with_links(preview, user):
    """The preview with, on each row, links to its agreement and line where they exist and `user` may see them."""
    rows = [*preview.get("created", []), *preview.get("changed", [])]
    if not rows:
        return preview
    agreements = Agreement.objects.visible_to(user).filter(external_reference__in={row["agreement"] for row in rows})
    lines = ActionLine.objects.visible_to(user).filter(external_reference__in={row["line"] for row in rows})
    agreement_urls = {
        agreement.external_reference: agreement.get_absolute_url()
        for agreement in agreements.only("pk", "external_reference")
    }
    line_urls = {line.external_reference: line.get_absolute_url() for line in lines.only("pk", "external_reference")}
    linked = {
        kind: [
            {**row, "agreement_url": agreement_urls.get(row["agreement"]), "line_url": line_urls.get(row["line"])}
            for row in preview.get(kind, [])
        ]
        for kind in ("created", "changed")
    }
    return {**preview, **linked}


@require_POST
def import_apply(request, pk):
    record = get_import_for_user(request, pk)
    if not runs.claim_for_apply(record):
        messages.error(request, _("This import is not ready to apply: it has been applied already, or has errors."))
        return redirect(record)
    language = get_language()
    if runs.runs_in_background(record):
        transaction.on_commit(lambda: tasks.apply_spreadsheet_import.delay(record.pk, language))
        return redirect(record)
    # The import's page says what came of it, applied or not: no message on top repeats it.
    record = runs.apply_import(record.pk, language)
    return redirect(record)
