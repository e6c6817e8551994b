"""Action lines carry out agreements; progress updates and deadline changes are their timeline."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..clock import local_today
from .agreements import Agreement
from .commissions import Commission, Session
from .dates import sane_date_condition, validate_sane_date
from .reference import Institution, Person, Sector

OPEN_STATUSES = ("not_started", "in_progress", "blocked")


class ActionLineQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today):
        return self.in_state("overdue", today)

    def in_state(self, state, today):
        """Lines whose deadline stands in `state` ("overdue", "today", "soon", …) on `today` (agreements/deadlines)."""
        from ..deadlines import condition

        return self.filter(condition(state, today))

    def due_between(self, first, last):
        return self.open().filter(due_date__gte=first, due_date__lte=last)

    def due_on_any(self, dates):
        """Open lines whose deadline is one of `dates`: the reminder sweep's explicit list of days."""
        return self.open().filter(due_date__in=list(dates))

    def responsible(self, person):
        return self.filter(Q(responsible_person=person) | Q(counterpart_person=person))

    def visible_to(self, user):
        """The lines `user` is cleared for; the rule itself is written in agreements/access.py."""
        from ..access import action_line_condition

        condition = action_line_condition(user)
        return self if condition is None else self.filter(condition)


class ActionLine(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        BLOCKED = "blocked", _("Blocked")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="action_lines", verbose_name=_("agreement"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # The key of the row in a ministry's own spreadsheet: a re-import updates the line instead of adding it.
    external_reference = models.CharField(_("external reference"), max_length=100, blank=True)

    responsible_institution = models.ForeignKey(
        Institution,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="action_lines_as_ours",
        verbose_name=_("responsible institution (our side)"),
    )
    responsible_person = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="action_lines",
        verbose_name=_("responsible person (our side)"),
    )
    counterpart_institution = models.ForeignKey(
        Institution,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="action_lines_as_counterpart",
        verbose_name=_("responsible institution (counterpart)"),
    )
    counterpart_person = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="counterpart_action_lines",
        verbose_name=_("responsible person (counterpart)"),
    )

    original_due_date = models.DateField(
        _("original deadline"),
        editable=False,
        validators=[validate_sane_date],
        help_text=_("The deadline first agreed; never changes."),
    )
    due_date = models.DateField(_("follow-up deadline"), validators=[validate_sane_date])
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NOT_STARTED)
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    completed_date = models.DateField(_("completed"), null=True, blank=True, validators=[validate_sane_date])

    target_quantity = models.DecimalField(
        _("target quantity"), max_digits=14, decimal_places=2, null=True, blank=True, help_text=_("e.g. 80")
    )
    target_unit = models.CharField(_("unit"), max_length=60, blank=True, help_text=_("e.g. tractors and trucks"))
    achieved_quantity = models.DecimalField(
        _("achieved quantity"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    carried_over_from = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
        verbose_name=_("continues"),
        help_text=_("The action line of an earlier session that this one carries over."),
    )
    # Copies of the agreement's placement, kept by database triggers (agreements/placement.py): every list filters
    # on them, and joins through agreement → meeting → session → commission dominate the cost of a filtered page.
    commission = models.ForeignKey(
        Commission, models.PROTECT, related_name="+", editable=False, verbose_name=_("commission")
    )
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="+", editable=False, verbose_name=_("sector"))
    # The agreement's session, for the figures kept per session (agreements/tallies.py). Null only until the trigger
    # fills it: SQLite checks NOT NULL before its triggers run, and bulk inserts there name no session.
    session = models.ForeignKey(
        Session, models.PROTECT, related_name="+", null=True, editable=False, verbose_name=_("session")
    )
    # The agreement's confidentiality, copied by the same triggers, so that a reader's clearance is a condition on
    # the line itself: lists and counts read one table instead of joining 200,000 agreements for it. A row written
    # without it (a bulk insert on SQLite, whose triggers run after the insert) starts as restricted, the closed
    # end, until the trigger puts the agreement's level in; so does a raw INSERT that leaves it out.
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=10,
        choices=Agreement.Confidentiality,
        default=Agreement.Confidentiality.RESTRICTED,
        db_default=Agreement.Confidentiality.RESTRICTED,
        editable=False,
    )
    # Filled on PostgreSQL from title and description; used by the full-text search.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = ActionLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100), name="action_line_percent_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(achieved_quantity__isnull=True) | Q(achieved_quantity__gte=0),
                name="action_line_achieved_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(target_quantity__isnull=True) | Q(target_quantity__gt=0),
                name="action_line_target_positive",
            ),
            models.CheckConstraint(
                condition=Q(target_quantity__isnull=True) | ~Q(target_unit=""),
                name="action_line_target_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(status="done", completed_date__isnull=False)
                | (~Q(status="done") & Q(completed_date__isnull=True)),
                name="action_line_completed_date_iff_done",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(percent_complete=100), name="action_line_done_is_100_percent"
            ),
            models.UniqueConstraint(
                fields=["external_reference"],
                condition=~Q(external_reference=""),
                name="action_line_external_reference_unique",
                violation_error_code="unique",
                violation_error_message=_("Another action line already has this external reference."),
            ),
            # A line is carried over once under an agreement (which itself is carried once per session).
            models.UniqueConstraint(
                fields=["carried_over_from", "agreement"],
                name="action_line_carried_over_once_per_agreement",
                violation_error_message=_("This action line has already been carried over to that agreement."),
            ),
            *(
                models.CheckConstraint(condition=sane_date_condition(field), name=f"action_line_{field}_in_range")
                for field in ("due_date", "original_due_date", "completed_date")
            ),
        ]
        indexes = [
            # /action-lines/ unfiltered, ordered by deadline (keyset-friendly with id).
            models.Index(fields=["due_date", "id"], name="action_line_due"),
            # /action-lines/?status=…, and the dashboard's overdue / due-soon counts.
            models.Index(fields=["status", "due_date", "id"], name="action_line_status_due"),
            # /action-lines/?sector=…&status=… and the dashboard's progress per sector.
            models.Index(fields=["sector", "status", "due_date", "id"], name="action_line_sector_status_due"),
            # /action-lines/?commission=…&status=… and the commission calendar feed.
            models.Index(fields=["commission", "status", "due_date", "id"], name="action_line_comm_status_due"),
            # /action-lines/mine/ and the personal calendar feed: one person's lines by deadline.
            models.Index(fields=["responsible_person", "due_date"], name="action_line_person_due"),
            models.Index(fields=["counterpart_person", "due_date"], name="action_line_counterpart_due"),
            # Open lines by deadline: the worklist's default order (/action-lines/ and its deep pages, which
            # find a page's ids before its rows), its capped count, the reminder sweep (an explicit list of
            # dates) and the dashboard's overdue lines by owner. Partial and covering, with what a reader's
            # clearance asks of a line, so each reads the index alone (INCLUDE is PostgreSQL-only).
            models.Index(
                fields=["due_date", "id"],
                include=["responsible_person", "counterpart_person", "agreement", "confidentiality"],
                condition=Q(status__in=OPEN_STATUSES),
                name="action_line_open_due",
            ),
            # The same for one commission: the commission page's overdue lines, oldest first, and the worklist
            # filtered by commission. Without it the deadline index is walked past other commissions' lines.
            models.Index(
                fields=["commission", "due_date", "id"],
                include=["responsible_person", "counterpart_person", "agreement", "confidentiality"],
                condition=Q(status__in=OPEN_STATUSES),
                name="action_line_open_comm_due",
            ),
            # The same by responsible person: the dashboard counts the overdue open lines of the few people who
            # can be on top of its list of owners (agreements/views/figures.py overdue_by_owner).
            models.Index(
                fields=["responsible_person", "due_date"],
                include=["counterpart_person", "confidentiality"],
                condition=Q(status__in=OPEN_STATUSES),
                name="action_line_open_person_due",
            ),
            # The dashboard's and the commission list's counts by status, deadline, sector and commission, read
            # from the index alone: it is a tenth of the table, and it carries what a reader's clearance asks of a
            # line (its copy of the agreement's confidentiality, its responsible people, its agreement).
            models.Index(
                fields=["status", "due_date"],
                include=[
                    "agreement",
                    "sector",
                    "commission",
                    "percent_complete",
                    "id",
                    "confidentiality",
                    "responsible_person",
                    "counterpart_person",
                ],
                name="action_line_figures",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:action_line_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def deadline_state(self, today=None):
        """Where the deadline stands: one rule for every page, list and email (agreements/deadlines.py)."""
        from ..deadlines import line_state

        return line_state(self, today or local_today())

    def is_overdue(self, today=None):
        return self.deadline_state(today) == "overdue"

    def clean(self):
        errors = {}
        if self.percent_complete is not None and not 0 <= self.percent_complete <= 100:
            errors["percent_complete"] = _("Percent complete must be between 0 and 100.")
        if self.achieved_quantity is not None and self.achieved_quantity < 0:
            errors["achieved_quantity"] = _("The achieved quantity cannot be negative.")
        if self.target_quantity is not None:
            if self.target_quantity <= 0:
                errors["target_quantity"] = _("The target quantity must be greater than zero.")
            if not self.target_unit:
                errors["target_unit"] = _("Say what the target counts, e.g. tractors.")
        if self.status == self.Status.DONE:
            if not self.completed_date:
                errors["completed_date"] = _("A finished action line needs its completed date.")
            if self.percent_complete != 100:
                errors["percent_complete"] = _("A finished action line is 100% complete.")
        elif self.completed_date:
            errors["completed_date"] = _("Only a finished action line has a completed date.")
        if self.carried_over_from_id and self.carried_over_from_id == self.pk:
            errors["carried_over_from"] = _("An action line cannot continue itself.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.original_due_date is None:
            self.original_due_date = self.due_date
        # The database sets the placement (agreements/placement.py); reading it here keeps this instance right and
        # names a placement for SQLite, whose triggers run after the insert.
        moved = self.agreement_id != self._loaded_agreement_id
        if self.agreement_id and (self._state.adding or moved or not self.commission_id or not self.sector_id):
            placement = Agreement.objects.values("commission_id", "sector_id", "session_id", "confidentiality").get(
                pk=self.agreement_id
            )
            self.commission_id = placement["commission_id"]
            self.sector_id = placement["sector_id"]
            self.session_id = placement["session_id"]
            self.confidentiality = placement["confidentiality"]
        super().save(*args, **kwargs)
        self._loaded_agreement_id = self.agreement_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_agreement_id = instance.__dict__.get("agreement_id")
        return instance

    _loaded_agreement_id = None

    def change_deadline(self, new_date, reason, user=None):
        """Move the deadline and record the change; the reminder schedule starts over for the new date."""
        if not reason or not reason.strip():
            raise ValidationError({"reason": _("Give a reason for the new deadline.")})
        if new_date == self.due_date:
            return None
        change = DeadlineChange.objects.create(
            action_line=self, old_date=self.due_date, new_date=new_date, reason=reason.strip(), changed_by=user
        )
        self.due_date = new_date
        self.save(update_fields=["due_date", "updated_at"])
        return change


class DeadlineChange(models.Model):
    action_line = models.ForeignKey(
        ActionLine, models.CASCADE, related_name="deadline_changes", verbose_name=_("action line")
    )
    old_date = models.DateField(_("old deadline"), validators=[validate_sane_date])
    new_date = models.DateField(_("new deadline"), validators=[validate_sane_date])
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        constraints = [
            models.CheckConstraint(condition=~Q(old_date=F("new_date")), name="deadline_change_changes_the_date"),
            models.CheckConstraint(condition=~Q(reason=""), name="deadline_change_has_reason"),
            *(
                models.CheckConstraint(condition=sane_date_condition(field), name=f"deadline_change_{field}_in_range")
                for field in ("old_date", "new_date")
            ),
        ]
        indexes = [
            # The deadline-change history on an action line's page.
            models.Index(fields=["action_line", "-changed_at"], name="deadline_change_line"),
        ]

    def __str__(self):
        return f"{self.old_date} → {self.new_date}"

    def clean(self):
        errors = {}
        if self.old_date and self.old_date == self.new_date:
            errors["new_date"] = _("The new deadline must differ from the old one.")
        if not (self.reason or "").strip():
            errors["reason"] = _("Give a reason for the new deadline.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return self.action_line.get_absolute_url()


class ProgressUpdate(models.Model):
    """A dated note on an action line; blank fields leave the line as it was. An update reported through a signed
    link waits for an editor's approval before it changes the line."""

    class Review(models.TextChoices):
        APPROVED = "approved", _("Approved")
        PENDING = "pending", _("Awaiting approval")
        REJECTED = "rejected", _("Rejected")

    action_line = models.ForeignKey(
        ActionLine, models.CASCADE, related_name="progress_updates", verbose_name=_("action line")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    note = models.TextField(_("note"))
    status = models.CharField(_("new status"), max_length=20, choices=ActionLine.Status, blank=True)
    percent_complete = models.PositiveSmallIntegerField(_("new percent complete"), null=True, blank=True)
    achieved_quantity = models.DecimalField(
        _("new achieved quantity"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    new_due_date = models.DateField(_("new deadline"), null=True, blank=True, validators=[validate_sane_date])
    review = models.CharField(_("review"), max_length=10, choices=Review, default=Review.APPROVED)
    # The person who reported it: the account's person, or the person a signed link was sent to.
    reported_by = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reported by")
    )
    via_link = models.ForeignKey(
        "UpdateLink", models.SET_NULL, null=True, blank=True, related_name="updates", verbose_name=_("through link")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True) | Q(percent_complete__gte=0, percent_complete__lte=100),
                name="progress_update_percent_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(achieved_quantity__isnull=True) | Q(achieved_quantity__gte=0),
                name="progress_update_achieved_not_negative",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="progress_update_has_note"),
            models.CheckConstraint(
                condition=sane_date_condition("new_due_date"), name="progress_update_new_due_date_in_range"
            ),
        ]
        indexes = [
            # The timeline on an action line's page, newest first.
            models.Index(fields=["action_line", "-created_at"], name="progress_update_line"),
            # The dashboard's ten latest updates.
            models.Index(fields=["-created_at"], name="progress_update_latest"),
            # The editors' queue of updates awaiting approval.
            models.Index(fields=["created_at"], condition=Q(review="pending"), name="progress_update_to_review"),
        ]

    def __str__(self):
        return f"{self.action_line} — {self.created_at:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.percent_complete is not None and not 0 <= self.percent_complete <= 100:
            errors["percent_complete"] = _("Percent complete must be between 0 and 100.")
        if self.achieved_quantity is not None and self.achieved_quantity < 0:
            errors["achieved_quantity"] = _("The achieved quantity cannot be negative.")
        if not (self.note or "").strip():
            errors["note"] = _("Write what happened.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return self.action_line.get_absolute_url()
