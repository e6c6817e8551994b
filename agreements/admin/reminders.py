"""Reminders and sweeps in the admin: who was reminded of what, when, delivered or failed; resend the failed."""

from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agreements.models import Reminder, SweepRun
from agreements.reminders.delivery import requeue_failed
from agreements.reminders.glance import at_a_glance
from agreements.tasks import queue_digests

from .confidential import ConfidentialAdmin
from .counting import CappedCountAdmin


@admin.register(Reminder)
class ReminderAdmin(ConfidentialAdmin, CappedCountAdmin, admin.ModelAdmin):
    # A reminder names its action line: it shows only to those cleared for the line.
    cleared_through = "action_line__"
    list_display = ("action_line", "recipient", "kind", "due_date", "status", "created_at", "sent_at", "error")
    list_filter = ("status", "kind", "due_date")
    search_fields = (
        "action_line__title",
        "action_line__agreement__reference_code",
        "recipient__full_name",
        "recipient__email",
    )
    list_select_related = ("action_line", "recipient")
    raw_id_fields = ("action_line", "recipient")
    # Newest first by primary key: the table grows with every sweep, and ids follow creation.
    ordering = ("-id",)
    actions = ("resend",)
    # Counts by status and the age of the last sweep and dispatch, above the list.
    change_list_template = "admin/agreements/reminder/change_list.html"
    readonly_fields = (
        "action_line",
        "recipient",
        "kind",
        "days_from_deadline",
        "due_date",
        "status",
        "created_at",
        "claimed_at",
        "claim_token",
        "retry_at",
        "sent_at",
        "attempts",
        "last_error",
    )

    @admin.display(description=_("last error"))
    def error(self, reminder):
        return reminder.last_error[:80]

    def has_add_permission(self, request):
        # Rows come from the sweep only; one typed by hand would bypass the rules.
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"glance": at_a_glance(), **(extra_context or {})})

    @admin.action(description=_("Resend the selected failed reminders"), permissions=("change",))
    def resend(self, request, queryset):
        with transaction.atomic():
            count, recipient_ids = requeue_failed(queryset)
        if not count:
            self.message_user(request, _("None of the selected reminders had failed."), messages.WARNING)
            return
        # Committed: a worker finds the rows. Say what the broker really took.
        outcome = queue_digests(recipient_ids)
        if not outcome.not_queued:
            message = ngettext(
                "%(count)d failed reminder queued again.", "%(count)d failed reminders queued again.", count
            )
            self.message_user(request, message % {"count": count}, messages.SUCCESS)
            return
        message = ngettext(
            "%(count)d failed reminder is pending again, but the queue could not be reached for %(people)d "
            "people: their digests will go with the next dispatch, within %(minutes)s minutes.",
            "%(count)d failed reminders are pending again, but the queue could not be reached for %(people)d "
            "people: their digests will go with the next dispatch, within %(minutes)s minutes.",
            count,
        )
        minutes = number_format(settings.REMINDER_DISPATCH_MINUTES, decimal_pos=0)
        values = {"count": count, "people": outcome.not_queued, "minutes": minutes}
        self.message_user(request, message % values, messages.WARNING)


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    list_display = ("run_date", "started_at", "finished_at", "reminders_recorded")
    date_hierarchy = "run_date"
    readonly_fields = ("run_date", "started_at", "finished_at", "reminders_recorded")

    def has_add_permission(self, request):
        return False
