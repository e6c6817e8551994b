"""Reminders and sweeps in the admin: who was reminded of what, when, delivered or failed; resend the failed."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agreements.models import Reminder, SweepRun
from agreements.reminders.delivery import requeue_failed

from .counting import CappedCountAdmin


@admin.register(Reminder)
class ReminderAdmin(CappedCountAdmin, admin.ModelAdmin):
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
    readonly_fields = (
        "action_line",
        "recipient",
        "kind",
        "days_from_deadline",
        "due_date",
        "status",
        "created_at",
        "claimed_at",
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

    @admin.action(description=_("Resend the selected failed reminders"), permissions=("change",))
    def resend(self, request, queryset):
        count = requeue_failed(queryset)
        if count:
            message = ngettext(
                "%(count)d failed reminder queued again.", "%(count)d failed reminders queued again.", count
            )
            self.message_user(request, message % {"count": count}, messages.SUCCESS)
        else:
            self.message_user(request, _("None of the selected reminders had failed."), messages.WARNING)


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    list_display = ("run_date", "started_at", "finished_at", "reminders_recorded")
    date_hierarchy = "run_date"
    readonly_fields = ("run_date", "started_at", "finished_at", "reminders_recorded")

    def has_add_permission(self, request):
        return False
