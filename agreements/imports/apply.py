"""Writing a checked plan: meetings, agreements and action lines, all in the caller's one transaction.

Rows are written in bulk (bulk_create / bulk_update, through django-simple-history's helpers so that every
agreement and line gets a history entry whose change reason names the import). Bulk writes skip the models'
save(), so what save() keeps is set here by hand:
- the placement copies (session, commission, sector on an agreement; commission, sector on a line) are taken
  from the meeting, as Agreement.save() and ActionLine.save() would; a moved agreement's other lines follow it;
- a new line's original deadline is its deadline; `updated_at` is set on every changed row;
- a changed deadline is recorded as a DeadlineChange naming the import, as ActionLine.change_deadline() does.
The full-text search vector is kept by its database trigger. Agreements and lines the check read are locked
and must not have changed since (their `updated_at`), or the whole import is refused.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..following import notices
from ..models import ActionLine, Agreement, DeadlineChange, SectoralMeeting, Session
from .lookups import in_chunks

BATCH = 1000


class Stale(Exception):
    """A row the check read was changed before the import was applied."""


def write(plan, *, user, reason):
    """Apply a valid Plan. Must run inside transaction.atomic(): any failure leaves nothing written."""
    assert transaction.get_connection().in_atomic_block, "apply.write() needs the caller's transaction"
    now = timezone.now()
    placements = create_meetings(plan.new_meetings)
    meeting_ids = {agreement["meeting"] for agreement in plan.agreements if agreement["meeting"][0] == "id"}
    placements |= placement_of(meeting_id for _kind, meeting_id in meeting_ids)
    history = {"default_user": user, "default_change_reason": reason[:100], "default_date": now}
    agreements = write_agreements(plan.agreements, placements, now, history)
    write_lines(plan.lines, agreements, now, history, reason, user)


def tell_followers(changed, deadline_changes, user):
    """Bulk writes skip the signals that record what followers are owed (agreements/following/notices.py)."""
    notices.record_status_changes(changed, user)
    notices.record_deadline_changes(deadline_changes, user)


def placement_of(meeting_ids):
    """{("id", meeting id): (meeting id, session id, commission id, sector id)}."""
    rows = SectoralMeeting.objects.filter(pk__in=list(meeting_ids)).values_list(
        "id", "session_id", "session__commission_id", "sector_id"
    )
    return {("id", row[0]): row for row in rows}


def create_meetings(new_meetings):
    """The meetings the file needs and the session lacks, dated as the file says; their placements by key."""
    if not new_meetings:
        return {}
    commissions = dict(
        Session.objects.filter(pk__in={session for session, _sector in new_meetings}).values_list("id", "commission_id")
    )
    made = SectoralMeeting.objects.bulk_create(
        SectoralMeeting(session_id=session, sector_id=sector, date=day)
        for (session, sector), day in new_meetings.items()
    )
    return {
        ("new", (meeting.session_id, meeting.sector_id)): (
            meeting.pk,
            meeting.session_id,
            commissions[meeting.session_id],
            meeting.sector_id,
        )
        for meeting in made
    }


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


def set_placement(agreement, placement):
    agreement.meeting_id, agreement.session_id, agreement.commission_id, agreement.sector_id = placement


def write_agreements(operations, placements, now, history):
    """Create and update the agreements; {external reference: (id, commission id, sector id)} for every one."""
    result = {}
    new, changed = [], [op for op in operations if op["id"] and (op["fields"] or op["moved"])]
    for op in operations:
        placement = placements[op["meeting"]]
        result[op["reference"]] = (op["id"], placement[2], placement[3])
        if op["id"] is None:
            agreement = Agreement(**op["fields"])
            set_placement(agreement, placement)
            new.append(agreement)
    for made in bulk_create_with_history(new, Agreement, batch_size=BATCH, **history):
        result[made.external_reference] = (made.pk, made.commission_id, made.sector_id)
    rows = locked(Agreement, changed)
    fields = {"updated_at"}
    moved = []
    for op in changed:
        agreement = rows[op["id"]]
        for name, value in op["fields"].items():
            setattr(agreement, name, value)
        fields |= set(op["fields"])
        if op["moved"]:
            set_placement(agreement, placements[op["meeting"]])
            fields |= {"meeting", "session", "commission", "sector"}
            moved.append(agreement)
        agreement.updated_at = now
    if rows:
        bulk_update_with_history(list(rows.values()), Agreement, sorted(fields), batch_size=BATCH, **history)
        tell_followers(rows.values(), [], history["default_user"])
    for agreement in moved:
        # Lines the file does not name follow their agreement too, as Agreement.save() would make them.
        agreement.action_lines.update(commission_id=agreement.commission_id, sector_id=agreement.sector_id)
    return result


def write_lines(operations, agreements, now, history, reason, user):
    new, changed = [], [op for op in operations if op["id"] and (op["fields"] or op["moved"])]
    for op in operations:
        if op["id"] is None:
            agreement_id, commission_id, sector_id = agreements[op["agreement"]]
            fields = dict(op["fields"])
            line = ActionLine(agreement_id=agreement_id, commission_id=commission_id, sector_id=sector_id, **fields)
            line.original_due_date = line.due_date
            new.append(line)
    bulk_create_with_history(new, ActionLine, batch_size=BATCH, **history)
    rows = locked(ActionLine, changed)
    fields, deadline_changes = {"updated_at"}, []
    for op in changed:
        line = rows[op["id"]]
        for name, value in op["fields"].items():
            setattr(line, name, value)
        fields |= set(op["fields"])
        if op["moved"]:
            line.agreement_id, line.commission_id, line.sector_id = agreements[op["agreement"]]
            fields |= {"agreement", "commission", "sector"}
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
        bulk_update_with_history(list(rows.values()), ActionLine, sorted(fields), batch_size=BATCH, **history)
    DeadlineChange.objects.bulk_create(deadline_changes, batch_size=BATCH)
    tell_followers(rows.values(), deadline_changes, user)
