"""Signed links that let a line's responsible person report progress without an account."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .action_lines import ActionLine
from .reference import Person


class UpdateLink(models.Model):
    """One expiring, revocable link to one action line for one person. The URL carries `token` signed, so a
    tampered URL is refused before the database is asked; the row says whether it still works."""

    class EmailStatus(models.TextChoices):
        # A link made for a reminder digest travels in the digest; it has no email of its own.
        NONE = "", _("Not emailed")
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DROPPED = "dropped", _("Not sent: the link stopped working")

    action_line = models.ForeignKey(
        ActionLine, models.CASCADE, related_name="update_links", verbose_name=_("action line")
    )
    person = models.ForeignKey(Person, models.CASCADE, related_name="update_links", verbose_name=_("person"))
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("revoked by")
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # The link's own email is an outbox row, as reminders are: owed until sent, whatever the broker loses.
    email_status = models.CharField(_("email"), max_length=10, choices=EmailStatus, default=EmailStatus.NONE)
    email_claimed_at = models.DateTimeField(_("email claimed"), null=True, blank=True, editable=False)
    email_sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)
    email_error = models.TextField(_("email error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("update link")
        verbose_name_plural = _("update links")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="update_link_expires_after_sending"
            ),
        ]
        indexes = [
            # The links listed on an action line's page.
            models.Index(fields=["action_line", "-created_at"], name="update_link_line"),
            # The dispatcher's search for link emails still owed (agreements.counterpart.emails.waiting).
            models.Index(
                fields=["email_claimed_at"],
                condition=models.Q(email_status="pending"),
                name="update_link_email_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.action_line}"

    def get_absolute_url(self):
        return reverse("agreements:action_line_detail", args=[self.action_line_id])

    def state(self, now=None):
        """ "revoked", "expired" or "active"."""
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"
