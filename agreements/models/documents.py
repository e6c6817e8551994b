"""Files filed with a session (the final act), a meeting (minutes), an agreement (signed text) or an action line
(evidence of progress). Served only through agreements/views/documents.py, which asks agreements/access.py."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .action_lines import ActionLine
from .agreements import Agreement
from .commissions import SectoralMeeting, Session

OWNER_FIELDS = ("session", "meeting", "agreement", "action_line")


def document_upload_to(instance, filename):
    """A generated name on disk: the uploader's name is kept in `original_name`, never trusted as a path."""
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def exactly_one_owner():
    """CheckConstraint condition: one of OWNER_FIELDS is set and the others are empty."""
    condition = Q()
    for owner in OWNER_FIELDS:
        only_this = Q(**{f"{owner}__isnull": False})
        for other in OWNER_FIELDS:
            if other != owner:
                only_this &= Q(**{f"{other}__isnull": True})
        condition |= only_this
    return condition


class Document(models.Model):
    class Kind(models.TextChoices):
        FINAL_ACT = "final_act", _("Final act")
        MINUTES = "minutes", _("Minutes")
        SIGNED_TEXT = "signed_text", _("Signed text")
        ANNEX = "annex", _("Annex")
        REPORT = "report", _("Report")
        EVIDENCE = "evidence", _("Evidence of progress")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    session = models.ForeignKey(
        Session, models.CASCADE, null=True, blank=True, related_name="documents", verbose_name=_("session")
    )
    meeting = models.ForeignKey(
        SectoralMeeting,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("sectoral meeting"),
    )
    agreement = models.ForeignKey(
        Agreement, models.CASCADE, null=True, blank=True, related_name="documents", verbose_name=_("agreement")
    )
    action_line = models.ForeignKey(
        ActionLine, models.CASCADE, null=True, blank=True, related_name="documents", verbose_name=_("action line")
    )
    # Evidence sent with a progress update: shown once the update is approved.
    progress_update = models.ForeignKey(
        "ProgressUpdate",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("progress update"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [models.CheckConstraint(condition=exactly_one_owner(), name="document_has_exactly_one_owner")]

    def __str__(self):
        return self.title

    def clean(self):
        if sum(getattr(self, f"{owner}_id") is not None for owner in OWNER_FIELDS) != 1:
            raise ValidationError(_("Attach the document to exactly one session, meeting, agreement or action line."))

    def get_absolute_url(self):
        return reverse("agreements:document_download", args=[self.pk])

    @property
    def download_name(self):
        return self.original_name or self.title
