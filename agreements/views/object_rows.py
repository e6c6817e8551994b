"""What the agreement and action-line pages read of their object, by statements the ORM compiles once.

Each statement looks rows up by the object's id (and the reader's, for a follow); what it reads of the reader is
whether they are of the secretariat, which is in the key it is kept under (agreements/compiled_rows.py). The page
has let the reader in already (access.get_agreement_for_user, get_action_line_for_user), so what hangs from the
object follows it; updates awaiting approval and their evidence stay the secretariat's (access.py).
"""

from django.db.models import Case, Count, IntegerField, Value, When

from ..access import documents_of_cleared, is_secretariat, visible_progress_updates
from ..carry_over import lines_with_carry_over
from ..compiled_rows import once
from ..models import (
    OPEN_STATUSES,
    ActionLine,
    DeadlineChange,
    Institution,
    ProgressUpdate,
    Reminder,
    Session,
)
from ..table_rows import action_line_rows

# What is still to do comes before what is done or cancelled, as on the worklists.
OPEN_FIRST = Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField())


def clearance(user):
    return (is_secretariat(user),)


def agreement_lines(agreement_id):
    """The agreement's lines as the table reads them (table_rows.py), open ones first."""

    def lines(pk):
        found = lines_with_carry_over(ActionLine.objects.filter(agreement_id=pk))
        return action_line_rows(found.order_by(OPEN_FIRST, "due_date", "id"))

    return once("agreement.lines", (), lines, agreement_id)


def agreement_updates(user, agreement_id):
    def updates(pk):
        return (
            visible_progress_updates(user)
            .filter(action_line__agreement_id=pk)
            .select_related("action_line", "author__person__institution", "reported_by")
            .order_by("-created_at", "-id")
        )

    return once("agreement.updates", clearance(user), updates, agreement_id)


def agreement_deadline_changes(agreement_id):
    def changes(pk):
        return (
            DeadlineChange.objects.filter(action_line__agreement_id=pk)
            .select_related("action_line", "changed_by__person__institution")
            .order_by("-changed_at", "-id")
        )

    return once("agreement.deadline_changes", (), changes, agreement_id)


def institutions(agreement_id, side):
    """The institutions of one side of the agreement: "ours" or "counterpart"."""
    related = {"ours": "agreements_as_ours", "counterpart": "agreements_as_counterpart"}[side]
    return once(
        f"agreement.institutions.{side}", (), lambda pk: Institution.objects.filter(**{related: pk}), agreement_id
    )


def documents(user, **owner):
    """The documents of the agreement (agreement_id=…) or the line (action_line_id=…)."""
    [(field, pk)] = owner.items()
    return once(f"documents.{field}", clearance(user), lambda pk: documents_of_cleared(user, **{field: pk}), pk)


def line_updates(user, line_id):
    """The line's updates but those awaiting approval, which are listed apart for the secretariat."""

    def updates(pk):
        reviewed = ProgressUpdate.objects.filter(action_line_id=pk).exclude(review=ProgressUpdate.Review.PENDING)
        return (
            visible_progress_updates(user, reviewed)
            .select_related("author__person__institution", "reported_by")
            .order_by("-created_at", "-id")
        )

    return once("line.updates", clearance(user), updates, line_id)


def line_deadline_changes(line_id):
    def changes(pk):
        return (
            DeadlineChange.objects.filter(action_line_id=pk)
            .select_related("changed_by__person__institution")
            .order_by("-changed_at", "-id")
        )

    return once("line.deadline_changes", (), changes, line_id)


def line_reminders(line_id):
    def reminders(pk):
        return (
            Reminder.objects.filter(action_line_id=pk)
            .select_related("recipient__institution")
            .order_by("-created_at", "-id")
        )

    return once("line.reminders", (), reminders, line_id)


# --- The dashboard's short lists, their rows looked up by id (kept_plans.rows_by_ids) ----------------------------


def own_lines(ids):
    """The reader's own lines of these ids as the table reads them: their responsible people are cleared for them."""

    def lines(*ids):
        return action_line_rows(lines_with_carry_over(ActionLine.objects.filter(pk__in=ids)))

    return once("dashboard.own_lines", (), lines, *ids)


def updates(user, ids):
    """The progress updates of these ids that `user` may read, with their line, agreement and author."""

    def found(*ids):
        return (
            visible_progress_updates(user)
            .filter(pk__in=ids)
            .select_related("action_line__agreement", "author__person__institution", "reported_by")
        )

    return once("dashboard.updates", clearance(user), found, *ids)


# --- The commission page ------------------------------------------------------------------------------------------


def commission_sessions(commission_id):
    def sessions(pk):
        return (
            Session.objects.filter(commission_id=pk)
            .select_related("country")
            .annotate(meeting_count=Count("meetings"))
            .order_by("number")
        )

    return once("commission.sessions", (), sessions, commission_id)
