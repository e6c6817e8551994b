"""Following an agreement, and the outbox of what its followers are told in their daily digest."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .action_lines import ActionLine, DeadlineChange, ProgressUpdate
from .agreements import Agreement


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="follows", verbose_name=_("user"))
    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="follows", verbose_name=_("agreement"))
    created_at = models.DateTimeField(_("following since"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["user", "agreement"], name="follow_once_per_user")]
        # The unique constraint's index serves "what do I follow"; this one "who follows this agreement".
        indexes = [models.Index(fields=["agreement", "user"], name="follow_agreement")]

    def __str__(self):
        return f"{self.user} → {self.agreement.reference_code}"

    def get_absolute_url(self):
        return self.agreement.get_absolute_url()


class FollowNotice(models.Model):
    """One thing one follower is owed in their digest; unique per (follower, event), so it is told once."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress update")
        DEADLINE = "deadline", _("Deadline change")
        STATUS = "status", _("Status change")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="follow_notices", verbose_name=_("follower")
    )
    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="+", verbose_name=_("agreement"))
    action_line = models.ForeignKey(
        ActionLine, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("action line")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    progress_update = models.ForeignKey(
        ProgressUpdate, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("progress update")
    )
    deadline_change = models.ForeignKey(
        DeadlineChange, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("deadline change")
    )
    old_status = models.CharField(_("old status"), max_length=20, blank=True)
    new_status = models.CharField(_("new status"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("follow notice")
        verbose_name_plural = _("follow notices")
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "progress_update"],
                condition=Q(progress_update__isnull=False),
                name="follow_notice_once_per_update",
            ),
            models.UniqueConstraint(
                fields=["follower", "deadline_change"],
                condition=Q(deadline_change__isnull=False),
                name="follow_notice_once_per_deadline_change",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="follow_notice_sent_at_iff_sent",
            ),
        ]
        indexes = [
            # The digest's pick-up: one follower's pending notices.
            models.Index(fields=["follower", "status"], name="follow_notice_pending"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.agreement.reference_code}"

    def get_absolute_url(self):
        return (self.action_line or self.agreement).get_absolute_url()
