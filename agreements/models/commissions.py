"""Commissions, their numbered sessions and the sectoral meetings held at each session."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .reference import Country, Institution, Sector

ROMAN_NUMERALS = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]  # fmt: skip


def to_roman(number):
    result = []
    for value, numeral in ROMAN_NUMERALS:
        count, number = divmod(number, value)
        result.append(numeral * count)
    return "".join(result)


class Commission(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    parties = models.ManyToManyField(Country, related_name="commissions", verbose_name=_("party countries"))
    lead_institution = models.ForeignKey(
        Institution,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_commissions",
        verbose_name=_("lead institution (our side)"),
    )
    established_date = models.DateField(_("established"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("agreements:commission_detail", args=[self.pk])


class Session(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    commission = models.ForeignKey(Commission, models.CASCADE, related_name="sessions", verbose_name=_("commission"))
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("Shown as a Roman numeral: 8 is VIII."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=100)
    country = models.ForeignKey(Country, models.PROTECT, related_name="+", verbose_name=_("country"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)

    class Meta:
        ordering = ["commission", "number"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["commission", "number"], name="session_number_unique_per_commission"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="session_number_positive"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="session_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.commission} — {self.roman_number} ({self.city})"

    @property
    def roman_number(self):
        return to_roman(self.number) if self.number else ""

    def clean(self):
        errors = {}
        if self.number is not None and self.number < 1:
            errors["number"] = _("The session number must be 1 or more.")
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The session cannot end before it starts.")
        if self.commission_id and self.number:
            twins = Session.objects.filter(commission_id=self.commission_id, number=self.number).exclude(pk=self.pk)
            if twins.exists():
                errors["number"] = _("This commission already has a session with this number.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("agreements:session_detail", args=[self.pk])

    def date_problem(self, day):
        """Why a sectoral meeting on `day` cannot belong to this session, or "" when it can."""
        start = date_format(self.start_date, "DATE_FORMAT")
        if self.end_date and not self.start_date <= day <= self.end_date:
            end = date_format(self.end_date, "DATE_FORMAT")
            return _("The meeting must be held during its session, from %(start)s to %(end)s.") % {
                "start": start,
                "end": end,
            }
        if day < self.start_date:
            return _("The meeting cannot be held before its session begins on %(start)s.") % {"start": start}
        return ""


class SectoralMeeting(models.Model):
    session = models.ForeignKey(Session, models.CASCADE, related_name="meetings", verbose_name=_("session"))
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="meetings", verbose_name=_("sector"))
    date = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    chairs = models.TextField(_("chairs"), blank=True, help_text=_("Who chaired the meeting, one per line."))
    participants = models.TextField(_("participants"), blank=True)
    summary = models.TextField(_("summary of outcomes"), blank=True)

    class Meta:
        ordering = ["session", "sector__name"]
        verbose_name = _("sectoral meeting")
        verbose_name_plural = _("sectoral meetings")
        constraints = [
            models.UniqueConstraint(fields=["session", "sector"], name="one_meeting_per_sector_per_session"),
        ]

    def __str__(self):
        return f"{self.sector} — {self.session}"

    def clean(self):
        errors = {}
        if self.session_id and self.sector_id:
            twins = SectoralMeeting.objects.filter(session_id=self.session_id, sector_id=self.sector_id)
            if twins.exclude(pk=self.pk).exists():
                errors["sector"] = _("This session already has a meeting for this sector.")
        if self.session_id and self.date:
            problem = self.session.date_problem(self.date)
            if problem:
                errors["date"] = problem
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("agreements:meeting_detail", args=[self.pk])
