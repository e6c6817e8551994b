"""Reporting progress on an action line: the note on the timeline and the line's new state, together or not at all.

Two ways in, one way to change a line: a focal point's or an editor's report (`report_progress`) and an editor
approving an update that arrived through a signed link (agreements/counterpart/review.py) both call
`apply_update`.
"""

from django.db import transaction

from .access import person_of
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

    Arguments left as None keep the line's value. A new deadline goes through ActionLine.change_deadline,
    which needs a reason and keeps the deadline history. Raises ValidationError (and saves nothing) when the
    result would break the line's rules.
    """
    update = ProgressUpdate(
        action_line=line,
        author=author,
        reported_by=person_of(author) if author is not None else None,
        note=note,
        status=status or "",
        percent_complete=percent_complete,
        achieved_quantity=achieved_quantity,
        new_due_date=new_due_date,
    )
    return apply_update(update, deadline_reason=deadline_reason, today=today)


@transaction.atomic
def apply_update(update, *, deadline_reason="", today=None):
    """Change `update.action_line` as `update` proposes, keep on the update only what changed, and save it.

    The update records only what changed, so the timeline reads "status: done" rather than repeating every
    field. Raises ValidationError (and saves nothing) when the result would break the line's rules.
    """
    today = today or local_today()
    # Lock the row: two reports at once must not overwrite each other's percent or status.
    line = ActionLine.objects.select_for_update().get(pk=update.action_line_id)
    status, percent_complete = update.status, update.percent_complete
    achieved_quantity, new_due_date = update.achieved_quantity, update.new_due_date
    changes = {}

    if new_due_date and new_due_date != line.due_date:
        line.change_deadline(new_due_date, deadline_reason, user=update.author)
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
    update.action_line = line
    update.note = update.note.strip()
    update.status = changes.get("status", "")
    update.percent_complete = changes.get("percent_complete")
    update.achieved_quantity = changes.get("achieved_quantity")
    update.new_due_date = changes.get("new_due_date")
    update.save()
    return update
