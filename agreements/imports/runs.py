"""Running an import: checking the file into a preview, and applying it. The Celery tasks call these; so do the
pages, in the request, for files of IMPORT_BACKGROUND_ROWS rows or fewer. Each step is recorded on the
SpreadsheetImport: its status, the progress for the page's bar, the preview, the errors and the counts.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import SpreadsheetImport
from . import apply, check, reader
from .permissions import can_import

logger = logging.getLogger(__name__)
Status = SpreadsheetImport.Status


def runs_in_background(record):
    return record.rows_total > settings.IMPORT_BACKGROUND_ROWS


def change_reason(record):
    """What the history of every agreement and line it writes says: which import, from which file."""
    return _("Spreadsheet import %(number)s: %(file)s") % {"number": record.pk, "file": record.file_name}


def progress_recorder(record):
    def record_progress(done):
        SpreadsheetImport.objects.filter(pk=record.pk).update(rows_done=min(done, record.rows_total))

    return record_progress


def load(record):
    """Read the stored file and set rows_total: the Sheet, or None when the uploader may not import (any more)."""
    with record.file.open("rb") as stored:
        sheet = reader.read(stored)
    record.rows_total, record.rows_done = len(sheet.rows), 0
    record.save(update_fields=["rows_total", "rows_done"])
    if not (record.uploaded_by and can_import(record.uploaded_by)):
        sheet.problems.append(reader.error(None, "", "", _("Only the secretariat may import spreadsheets.")))
    return sheet


def save_plan(record, plan, status):
    record.status = status
    record.preview = check.preview(plan, settings.IMPORT_PREVIEW_ROWS)
    record.errors = plan.errors
    record.created_count, record.changed_count = len(plan.created), len(plan.changed)
    record.unchanged_count = len(plan.unchanged)
    record.rows_done = record.rows_total
    record.save()


def count_rows(record):
    """A first count of the file's rows, to choose between the request and a background task."""
    with record.file.open("rb") as stored:
        record.rows_total = reader.count_rows(stored)
    record.save(update_fields=["rows_total"])


def check_import(import_id, language=None):
    """Check the file of a SpreadsheetImport waiting to be checked; the preview and errors go on the record."""
    record = SpreadsheetImport.objects.select_related("uploaded_by").get(pk=import_id)
    if record.status != Status.CHECKING:
        return record
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            plan = check.check(load(record), progress_recorder(record))
        except Exception:
            logger.exception("Checking spreadsheet import %s failed", record.pk)
            return fail(record, _("The file could not be checked. Upload it again, or ask the administrator."))
        save_plan(record, plan, Status.READY if plan.valid else Status.INVALID)
    return record


def claim_for_apply(record):
    """Mark a ready import as being applied; False when someone else already did (or it is not ready)."""
    claimed = SpreadsheetImport.objects.filter(pk=record.pk, status=Status.READY).update(
        status=Status.APPLYING, rows_done=0
    )
    return claimed == 1


def apply_import(import_id, language=None):
    """Check the file again and, if every row is still valid, write it all in one transaction.

    The record's final status is written in the same transaction as the rows, so a task run twice (a worker
    lost after committing) finds it applied and does nothing.
    """
    record = SpreadsheetImport.objects.select_related("uploaded_by").get(pk=import_id)
    if record.status != Status.APPLYING:
        return record
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            plan = check.check(load(record), progress_recorder(record))
            if not plan.valid:
                save_plan(record, plan, Status.INVALID)
                return record
            with transaction.atomic():
                apply.write(plan, user=record.uploaded_by, reason=change_reason(record))
                record.applied_at = timezone.now()
                save_plan(record, plan, Status.APPLIED)
        except apply.Stale as stale:
            return fail(record, _("%(problem)s Nothing was imported: upload the file again.") % {"problem": stale})
        except Exception as error:
            logger.exception("Applying spreadsheet import %s failed", record.pk)
            return fail(record, _("Nothing was imported: %(error)s") % {"error": str(error)[:300]})
    return record


def fail(record, message):
    """Record a failure on a fresh copy of the record: the transaction that failed left nothing behind."""
    record.refresh_from_db()
    record.status, record.applied_at = Status.FAILED, None
    record.errors = [reader.error(None, "", "", message)]
    record.save(update_fields=["status", "applied_at", "errors"])
    return record
