"""Agreements reached at sectoral meetings, and the access list of a restricted agreement."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Avg, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .commissions import Commission, SectoralMeeting, Session
from .dates import sane_date_condition, validate_sane_date
from .reference import Institution, Person, Sector


class AgreementQuerySet(models.QuerySet):
    def with_progress(self):
        """Annotate `progress`: the mean percent of the agreement's action lines, cancelled ones left out."""
        from .action_lines import ActionLine

        return self.annotate(
            progress=Avg(
                "action_lines__percent_complete",
                filter=~Q(action_lines__status=ActionLine.Status.CANCELLED),
            )
        )

    def visible_to(self, user):
        """The agreements `user` is cleared for; the rule itself is written in agreements/access.py."""
        from ..access import agreement_condition

        condition = agreement_condition(user)
        return self if condition is None else self.filter(condition)


class Agreement(models.Model):
    class Kind(models.TextChoices):
        MEMORANDUM = "memorandum", _("Memorandum of understanding")
        CONTRACT = "contract", _("Contract")
        ACTION_PLAN = "action_plan", _("Action plan")
        COMMITMENT = "commitment", _("Commitment")
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        SIGNED = "signed", _("Signed")
        IN_IMPLEMENTATION = "in_implementation", _("In implementation")
        COMPLETED = "completed", _("Completed")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    class Confidentiality(models.TextChoices):
        PUBLIC = "public", _("Public")
        INTERNAL = "internal", _("Internal")
        RESTRICTED = "restricted", _("Restricted")

    meeting = models.ForeignKey(
        SectoralMeeting, models.PROTECT, related_name="agreements", verbose_name=_("sectoral meeting")
    )
    reference_code = models.CharField(_("reference code"), max_length=40, unique=True)
    # The key of the row in a ministry's own spreadsheet: a re-import updates the agreement instead of adding it.
    external_reference = models.CharField(_("external reference"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.COMMITMENT)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.AGREED)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=10, choices=Confidentiality, default=Confidentiality.INTERNAL
    )
    signed_date = models.DateField(_("signed"), null=True, blank=True, validators=[validate_sane_date])
    entry_into_force_date = models.DateField(
        _("entry into force"), null=True, blank=True, validators=[validate_sane_date]
    )
    expiry_date = models.DateField(_("expiry"), null=True, blank=True, validators=[validate_sane_date])
    our_institutions = models.ManyToManyField(
        Institution, blank=True, related_name="agreements_as_ours", verbose_name=_("institutions (our side)")
    )
    counterpart_institutions = models.ManyToManyField(
        Institution,
        blank=True,
        related_name="agreements_as_counterpart",
        verbose_name=_("institutions (counterpart)"),
    )
    coordinator = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_agreements",
        verbose_name=_("coordinator"),
        help_text=_("Receives escalations of overdue action lines."),
    )
    carried_over_from = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
        verbose_name=_("continues"),
        help_text=_("The agreement of an earlier session that this one carries over."),
    )
    cleared_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="AgreementAccess",
        through_fields=("agreement", "user"),
        blank=True,
        related_name="cleared_agreements",
        verbose_name=_("access list"),
        help_text=_("Users who may see this agreement although its confidentiality would not let them."),
    )
    # Copies of the meeting's placement, kept by database triggers (agreements/placement.py): lists filter on them
    # without joining meeting → session → commission.
    session = models.ForeignKey(Session, models.PROTECT, related_name="+", editable=False, verbose_name=_("session"))
    commission = models.ForeignKey(
        Commission, models.PROTECT, related_name="+", editable=False, verbose_name=_("commission")
    )
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="+", editable=False, verbose_name=_("sector"))
    # Filled on PostgreSQL from code, title and description; used by the full-text search.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[our_institutions, counterpart_institutions])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(entry_into_force_date__isnull=True)
                | Q(signed_date__isnull=True)
                | Q(entry_into_force_date__gte=models.F("signed_date")),
                name="agreement_enters_into_force_after_signing",
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(signed_date__isnull=True)
                | Q(expiry_date__gt=models.F("signed_date")),
                name="agreement_expires_after_signing",
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(entry_into_force_date__isnull=True)
                | Q(expiry_date__gt=models.F("entry_into_force_date")),
                name="agreement_expires_after_entry_into_force",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=["signed", "in_implementation", "completed"], kind__in=["memorandum", "contract"]
                )
                | Q(signed_date__isnull=False),
                name="signed_instrument_has_signed_date",
            ),
            models.UniqueConstraint(
                fields=["external_reference"],
                condition=~Q(external_reference=""),
                name="agreement_external_reference_unique",
                violation_error_code="unique",
                violation_error_message=_("Another agreement already has this external reference."),
            ),
            # Carrying over twice into the same session would make two successors of one agreement.
            models.UniqueConstraint(
                fields=["carried_over_from", "session"],
                name="agreement_carried_over_once_per_session",
                violation_error_message=_("This agreement has already been carried over to that session."),
            ),
            *(
                models.CheckConstraint(condition=sane_date_condition(field), name=f"agreement_{field}_in_range")
                for field in ("signed_date", "entry_into_force_date", "expiry_date")
            ),
        ]
        indexes = [
            # /agreements/ filtered by commission or sector and status, newest first.
            models.Index(fields=["commission", "status", "-id"], name="agreement_commission_status"),
            models.Index(fields=["sector", "status", "-id"], name="agreement_sector_status"),
            # /agreements/ filtered by status alone, and the dashboard's count per status.
            models.Index(fields=["status", "-id"], name="agreement_status"),
            # /agreements/?signed_after=…&signed_before=… ordered by signed date.
            models.Index(fields=["signed_date", "id"], name="agreement_signed_date"),
            # Counts per commission, per session and per status (dashboard, commission pages), read
            # from the index alone (INCLUDE is PostgreSQL-only).
            models.Index(
                fields=["commission", "session"], include=["status", "confidentiality", "id"], name="agreement_rollup"
            ),
            # The dashboard's agreements by status, with what a reader's clearance asks of an agreement, read
            # from the index alone.
            models.Index(
                fields=["id"], include=["confidentiality", "coordinator", "status"], name="agreement_status_cleared"
            ),
        ]

    def __str__(self):
        return f"{self.reference_code} — {self.title}"

    def get_absolute_url(self):
        return reverse("agreements:agreement_detail", args=[self.pk])

    def clean(self):
        errors = {}
        signed, in_force, expiry = self.signed_date, self.entry_into_force_date, self.expiry_date
        if signed and in_force and in_force < signed:
            errors["entry_into_force_date"] = _("An agreement cannot enter into force before it is signed.")
        if signed and expiry and expiry <= signed:
            errors["expiry_date"] = _("An agreement must expire after it is signed.")
        elif in_force and expiry and expiry <= in_force:
            errors["expiry_date"] = _("An agreement must expire after it enters into force.")
        needs_signature = self.kind in (self.Kind.MEMORANDUM, self.Kind.CONTRACT) and self.status in (
            self.Status.SIGNED,
            self.Status.IN_IMPLEMENTATION,
            self.Status.COMPLETED,
        )
        if needs_signature and not signed:
            errors["signed_date"] = _("A signed memorandum or contract needs its signed date.")
        if self.carried_over_from_id and self.carried_over_from_id == self.pk:
            errors["carried_over_from"] = _("An agreement cannot continue itself.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # The database sets the placement and carries it to the lines (agreements/placement.py); reading it here
        # keeps this instance right after save and names a placement for SQLite, whose triggers run after insert.
        self.copy_placement_from_meeting()
        super().save(*args, **kwargs)

    def copy_placement_from_meeting(self):
        meeting = SectoralMeeting.objects.select_related("session").get(pk=self.meeting_id)
        self.session_id = meeting.session_id
        self.commission_id = meeting.session.commission_id
        self.sector_id = meeting.sector_id

    def compute_progress(self):
        """Mean percent complete of the open and finished lines; None when there are none."""
        return type(self).objects.with_progress().get(pk=self.pk).progress


class AgreementAccess(models.Model):
    """One user cleared by an editor for one agreement: the access list of a restricted agreement."""

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="access_grants", verbose_name=_("agreement"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="agreement_grants", verbose_name=_("user")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        ordering = ["agreement", "user__username"]
        verbose_name = _("access grant")
        verbose_name_plural = _("access list")
        constraints = [models.UniqueConstraint(fields=["agreement", "user"], name="agreement_access_once_per_user")]
        # The unique constraint's index serves the agreement's list; this one serves "what may this user see".
        indexes = [models.Index(fields=["user", "agreement"], name="agreement_access_user")]

    def __str__(self):
        return f"{self.user} → {self.agreement.reference_code}"

    def get_absolute_url(self):
        return self.agreement.get_absolute_url()
