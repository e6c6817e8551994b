"""A briefing pack drawn in the background: too many lines to draw in a request (BRIEFING_PDF_MAX_LINES).

The pack is drawn for the person who asked, within what they may see, and only they may download it. The file
lives under MEDIA_ROOT like the documents, which is never served as such: the pack's download view sends it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .commissions import Commission, Session


def briefing_pack_upload_to(instance, filename):
    """A generated name on disk, in its own folder: nothing about the pack's content shows in the path."""
    return f"briefing-packs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class BriefingPack(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        RUNNING = "running", _("Being drawn")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    commission = models.ForeignKey(Commission, models.CASCADE, related_name="+", verbose_name=_("commission"))
    sessions = models.ManyToManyField(Session, related_name="+", verbose_name=_("sessions"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.WAITING)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    lines_count = models.PositiveIntegerField(_("action lines"), default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=briefing_pack_upload_to, max_length=200, blank=True)
    download_name = models.CharField(_("file name"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("briefing pack")
        verbose_name_plural = _("briefing packs")

    def __str__(self):
        return self.download_name or f"{self.commission} ({self.language})"

    def get_absolute_url(self):
        return reverse("agreements:briefing_pack", args=[self.pk])

    @property
    def working(self):
        return self.state in (self.State.WAITING, self.State.RUNNING)
