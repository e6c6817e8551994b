"""Reminders owed and sent about action-line deadlines; each row makes one reminder go out once."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .action_lines import ActionLine
from .reference import Person


class Reminder(models.Model):
    class Kind(models.TextChoices):
        BEFORE_DEADLINE = "before", _("Deadline approaching")
        DUE_TODAY = "due_today", _("Due today")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION_COORDINATOR = "escalation_coordinator", _("Escalated to the coordinator")
        ESCALATION_SUPERIOR = "escalation_superior", _("Escalated to the coordinator's superior")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    action_line = models.ForeignKey(ActionLine, models.CASCADE, related_name="reminders", verbose_name=_("action line"))
    recipient = models.ForeignKey(Person, models.CASCADE, related_name="reminders", verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    # Days from the deadline to the day the reminder is owed: -14, -7, -1, 0, 7, 14, 21 …
    days_from_deadline = models.SmallIntegerField(_("days from deadline"))
    due_date = models.DateField(_("deadline"), help_text=_("The deadline this reminder is about."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("owed since"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # The heart of "each reminder exactly once": the sweep inserts with ignore_conflicts.
            models.UniqueConstraint(
                fields=["action_line", "recipient", "kind", "days_from_deadline", "due_date"],
                name="reminder_once_per_line_recipient_kind_deadline",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="reminder_sent_at_iff_sent",
            ),
        ]
        indexes = [
            # Sending: one recipient's pending rows; the admin's list of failed reminders.
            models.Index(fields=["recipient", "status"], name="reminder_recipient_status"),
            models.Index(fields=["status", "created_at"], name="reminder_status_created"),
            # The reminder history on an action line's page.
            models.Index(fields=["action_line", "-created_at"], name="reminder_line_history"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.action_line} → {self.recipient}"

    def clean(self):
        if self.status == self.Status.SENT and not self.sent_at:
            raise ValidationError({"sent_at": _("A sent reminder needs the time it was sent.")})
        if self.status != self.Status.SENT and self.sent_at:
            raise ValidationError({"sent_at": _("Only a sent reminder has a sent time.")})

    def get_absolute_url(self):
        return self.action_line.get_absolute_url()


class SweepRun(models.Model):
    """One row per day the reminder sweep ran; the next sweep covers every day since the last one."""

    run_date = models.DateField(_("date covered"), unique=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reminders_recorded = models.PositiveIntegerField(_("reminders recorded"), default=0)

    class Meta:
        ordering = ["-run_date"]
        verbose_name = _("reminder sweep")
        verbose_name_plural = _("reminder sweeps")

    def __str__(self):
        return str(self.run_date)
