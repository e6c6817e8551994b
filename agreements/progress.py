"""Reporting progress on an action line: the note on the timeline and the line's new state, together or not at all."""

from django.db import transaction

from .clock import local_today
from .models import ActionLine, ProgressUpdate


@transaction.atomic
def report_progress(
    line,
    *,
    author,
    note,
    status=None,
    percent_complete=None,
    achieved_quantity=None,
    new_due_date=None,
    deadline_reason="",
    today=None,
):
    """Apply a progress report to `line` and record it; returns the ProgressUpdate.

    Arguments left as None keep the line's value. The update records only what changed, so the
    timeline reads "status: done" rather than repeating every field. A new deadline goes through
    ActionLine.change_deadline, which needs a reason and keeps the deadline history. Raises
    ValidationError (and saves nothing) when the result would break the line's rules.
    """
    today = today or local_today()
    # Lock the row: two reports at once must not overwrite each other's percent or status.
    line = ActionLine.objects.select_for_update().get(pk=line.pk)
    changes = {}

    if new_due_date and new_due_date != line.due_date:
        line.change_deadline(new_due_date, deadline_reason, user=author)
        changes["new_due_date"] = new_due_date

    if status and status != line.status:
        line.status = status
        changes["status"] = status
    if line.status == ActionLine.Status.DONE:
        percent_complete = 100
    if percent_complete is not None and percent_complete != line.percent_complete:
        line.percent_complete = percent_complete
        changes["percent_complete"] = percent_complete
    if achieved_quantity is not None and achieved_quantity != line.achieved_quantity:
        line.achieved_quantity = achieved_quantity
        changes["achieved_quantity"] = achieved_quantity
    if line.status == ActionLine.Status.DONE:
        line.completed_date = line.completed_date or today
    else:
        line.completed_date = None

    line.clean()
    line.save(update_fields=["status", "percent_complete", "achieved_quantity", "completed_date", "updated_at"])
    return ProgressUpdate.objects.create(action_line=line, author=author, note=note.strip(), **changes)
