"""Reminders owed and sent about action-line deadlines; each row makes one reminder go out once.

The Reminder table is the outbox: a row is pending until a worker has sent it, whatever happened to the
broker's message that was meant to deliver it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .action_lines import ActionLine
from .reference import Person


class ReminderQuerySet(models.QuerySet):
    def waiting(self, stale_before):
        """Rows a new task may take: pending and free, or held by a task that has not come back by `stale_before`
        (a worker that died mid-send, a retry the broker lost)."""
        free = Q(claim_token="") | Q(retry_at__isnull=True) | Q(retry_at__lt=stale_before)
        return self.filter(
            Q(status=Reminder.Status.PENDING) & free | Q(status=Reminder.Status.SENDING, claimed_at__lt=stale_before)
        )

    def held_by(self, token, claimed_at):
        """Rows still claimed by this claim: a row claimed again since (by anyone) is no longer ours."""
        return self.filter(status=Reminder.Status.SENDING, claim_token=token, claimed_at=claimed_at)


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
    # The id of the task that claimed the row: its redelivery (same id) may take the row over at once.
    claim_token = models.CharField(_("claimed by task"), max_length=64, blank=True)
    # A pending row waiting for its task's retry: no other task takes it before this time plus the claim timeout.
    retry_at = models.DateTimeField(_("retry due"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = ReminderQuerySet.as_manager()

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
            # The admin's "sent today" count, without reading every row ever sent.
            models.Index(fields=["status", "sent_at"], name="reminder_status_sent"),
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


class ReminderDispatch(models.Model):
    """The outbox dispatcher's latest run: one row, updated in place every REMINDER_DISPATCH_MINUTES."""

    finished_at = models.DateTimeField(_("finished"))
    recipients_queued = models.PositiveIntegerField(_("digests queued"), default=0)
    recipients_not_queued = models.PositiveIntegerField(_("digests not queued"), default=0)

    class Meta:
        verbose_name = _("reminder dispatch")
        verbose_name_plural = _("reminder dispatches")
        # One row, updated in place: the dispatcher's run leaves no history to clean up.
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1),
                name="reminder_dispatch_one_row",
                violation_error_message=_("The dispatcher keeps a single record."),
            )
        ]

    def __str__(self):
        return str(self.finished_at)

    def get_absolute_url(self):
        return reverse("admin:agreements_reminder_changelist")

    @classmethod
    def record(cls, queued, not_queued):
        cls.objects.update_or_create(
            id=1,
            defaults={
                "finished_at": timezone.now(),
                "recipients_queued": queued,
                "recipients_not_queued": not_queued,
            },
        )

    @classmethod
    def latest(cls):
        return cls.objects.filter(id=1).first()
