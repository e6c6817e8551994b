"""Writing a checked plan: meetings, agreements and action lines, all in the caller's one transaction.

Rows are written in bulk, each with a history entry whose change reason names the import. Bulk writes skip the
models' save(), so what save() keeps is kept here:
- an agreement names its meeting and a line its agreement; the stored placement copies (session, commission,
  sector) are the database's to set, by the triggers of agreements/placement.py, and to carry to the lines of a
  moved agreement. They are read back from the database before the history entries are written;
- a new line's original deadline is its deadline; `updated_at` is set on every changed row;
- a changed deadline is recorded as a DeadlineChange naming the import, as ActionLine.change_deadline() does.
The full-text search vector is kept by its database trigger too. Agreements and lines the check read are locked
and must not have changed since (their `updated_at`), or the whole import is refused.
"""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..following import notices
from ..models import ActionLine, Agreement, DeadlineChange, SectoralMeeting
from .lookups import in_chunks

BATCH = 1000
# The stored copies of the meeting → session → commission chain that the database keeps on each model.
PLACEMENT = {
    Agreement: ("session_id", "commission_id", "sector_id"),
    ActionLine: ("commission_id", "sector_id", "confidentiality", "session_id"),
}


class Stale(Exception):
    """A row the check read was changed before the import was applied."""


def write(plan, *, user, reason):
    """Apply a valid Plan. Must run inside transaction.atomic(): any failure leaves nothing written."""
    assert transaction.get_connection().in_atomic_block, "apply.write() needs the caller's transaction"
    now = timezone.now()
    meetings = create_meetings(plan.new_meetings)
    meetings |= {meeting: meeting[1] for meeting in (op["meeting"] for op in plan.agreements) if meeting[0] == "id"}
    history = {"default_user": user, "default_change_reason": reason[:100], "default_date": now}
    agreements = write_agreements(plan.agreements, meetings, now, history)
    write_lines(plan.lines, agreements, now, history, reason, user)


def tell_followers(changed, deadline_changes, user):
    """Bulk writes skip the signals that record what followers are owed (agreements/following/notices.py)."""
    notices.record_status_changes(changed, user)
    notices.record_deadline_changes(deadline_changes, user)


def create_meetings(new_meetings):
    """The meetings the file needs and the session lacks, dated as the file says: {("new", key): meeting id}."""
    made = SectoralMeeting.objects.bulk_create(
        SectoralMeeting(session_id=session, sector_id=sector, date=day)
        for (session, sector), day in new_meetings.items()
    )
    return {("new", (meeting.session_id, meeting.sector_id)): meeting.pk for meeting in made}


def create(model, rows, history):
    """Insert `rows` and their history entries ("created"), the placement as the database set it."""
    name_placement_for_sqlite(model, rows)
    model.objects.bulk_create(rows, batch_size=BATCH)
    read_placement(model, rows)
    model.history.bulk_history_create(rows, batch_size=BATCH, **history)
    return rows


def update(model, rows, fields, history):
    """Write `fields` of `rows` and their history entries ("changed"), the placement as the database set it."""
    model.objects.bulk_update(rows, sorted(fields), batch_size=BATCH)
    read_placement(model, rows)
    model.history.bulk_history_create(rows, batch_size=BATCH, update=True, **history)


def name_placement_for_sqlite(model, rows):
    """SQLite checks NOT NULL before its AFTER INSERT triggers set the placement, so an insert there must name one.
    Zero names no row: the trigger replaces it at once, and were the trigger missing the deferred foreign keys
    would refuse the commit rather than keep a wrong copy. PostgreSQL's BEFORE INSERT trigger fills them itself."""
    if connection.vendor == "sqlite":
        for row in rows:
            # The confidentiality copy has a default of its own (restricted) until the trigger sets it.
            for name in (name for name in PLACEMENT[model] if name.endswith("_id")):
                setattr(row, name, 0)


def read_placement(model, rows):
    """Put on the instances the placement the database gave their rows, so that their history records it."""
    by_id = {row.pk: row for row in rows}
    for chunk in in_chunks(by_id):
        for pk, *values in model.objects.filter(pk__in=chunk).values_list("pk", *PLACEMENT[model]):
            for name, value in zip(PLACEMENT[model], values, strict=True):
                setattr(by_id[pk], name, value)


def locked(model, operations):
    """The rows `operations` change, locked, each as it was when checked; Stale if one has changed since."""
    wanted = {operation["id"]: operation["version"] for operation in operations}
    found = {}
    for chunk in in_chunks(wanted):
        for row in model.objects.select_for_update().filter(pk__in=chunk):
            if row.updated_at.isoformat() != wanted[row.pk]:
                raise Stale(_("%(object)s “%(name)s” was changed after the file was checked.")
                            % {"object": model._meta.verbose_name.capitalize(), "name": row})  # fmt: skip
            found[row.pk] = row
    if len(found) != len(wanted):
        raise Stale(_("Some records the file updates were deleted after it was checked."))
    return found


def write_agreements(operations, meetings, now, history):
    """Create and update the agreements; {external reference: id} for every one."""
    result = {op["reference"]: op["id"] for op in operations}
    new = [Agreement(meeting_id=meetings[op["meeting"]], **op["fields"]) for op in operations if op["id"] is None]
    for made in create(Agreement, new, history):
        result[made.external_reference] = made.pk
    changed = [op for op in operations if op["id"] and (op["fields"] or op["moved"])]
    rows = locked(Agreement, changed)
    fields = {"updated_at"}
    for op in changed:
        agreement = rows[op["id"]]
        for name, value in op["fields"].items():
            setattr(agreement, name, value)
        fields |= set(op["fields"])
        if op["moved"]:
            # The database moves the placement copies along, and those of every line of the agreement.
            agreement.meeting_id = meetings[op["meeting"]]
            fields.add("meeting")
        agreement.updated_at = now
    if rows:
        update(Agreement, list(rows.values()), fields, history)
        tell_followers(rows.values(), [], history["default_user"])
    return result


def write_lines(operations, agreements, now, history, reason, user):
    new = []
    for op in operations:
        if op["id"] is None:
            line = ActionLine(agreement_id=agreements[op["agreement"]], **op["fields"])
            line.original_due_date = line.due_date
            new.append(line)
    create(ActionLine, new, history)
    changed = [op for op in operations if op["id"] and (op["fields"] or op["moved"])]
    rows = locked(ActionLine, changed)
    fields, deadline_changes = {"updated_at"}, []
    for op in changed:
        line = rows[op["id"]]
        for name, value in op["fields"].items():
            setattr(line, name, value)
        fields |= set(op["fields"])
        if op["moved"]:
            line.agreement_id = agreements[op["agreement"]]
            fields.add("agreement")
        if op["old_due_date"] is not None:
            deadline_changes.append(
                DeadlineChange(
                    action_line=line,
                    old_date=op["old_due_date"],
                    new_date=line.due_date,
                    reason=reason,
                    changed_by=user,
                    changed_at=now,
                )
            )
        line.updated_at = now
    if rows:
        update(ActionLine, list(rows.values()), fields, history)
    DeadlineChange.objects.bulk_create(deadline_changes, batch_size=BATCH)
    tell_followers(rows.values(), deadline_changes, user)
