"""Reference data: countries, sectors, institutions and the people who act for them."""

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    code = models.CharField(_("ISO code"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2, e.g. VE"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[A-Z]{2}$"), name="country_code_is_two_capitals"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.code = (self.code or "").upper()
        if not re.fullmatch(r"[A-Z]{2}", self.code):
            raise ValidationError({"code": _("Use the two-letter ISO 3166 code, e.g. VE.")})

    def get_absolute_url(self):
        return reverse("admin:agreements_country_change", args=[self.pk])


class Sector(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("code"), max_length=20, blank=True, help_text=_("Optional, e.g. an OECD DAC purpose code")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:agreements_sector_change", args=[self.pk])


class Institution(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Public agency")
        STATE_ENTERPRISE = "state_enterprise", _("State enterprise")
        COMPANY = "company", _("Company")
        ACADEMIC = "academic", _("University or research centre")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MINISTRY)
    country = models.ForeignKey(Country, models.PROTECT, related_name="institutions", verbose_name=_("country"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(Lower("name"), "country", name="institution_name_unique_per_country"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def clean(self):
        if self.name and self.country_id:
            twins = Institution.objects.filter(name__iexact=self.name, country_id=self.country_id).exclude(pk=self.pk)
            if twins.exists():
                raise ValidationError({"name": _("An institution with this name already exists in this country.")})

    def get_absolute_url(self):
        return reverse("admin:agreements_institution_change", args=[self.pk])


def email_problem(address):
    """Why reminders cannot go to `address`, in a line for the admin, or "" when they can."""
    if not address:
        return "No email address: add one to the person, then resend."
    try:
        validate_email(address)
    except ValidationError:
        return f"The email address {address!r} is not valid: correct it on the person, then resend."
    return ""


class Person(models.Model):
    """A contact who can be responsible for action lines. Reminders go to people, who need no account."""

    class Language(models.TextChoices):
        SPANISH = "es", _("Spanish")
        ENGLISH = "en", _("English")

    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    institution = models.ForeignKey(
        Institution, models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("institution")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(_("preferred language"), max_length=2, choices=Language, default=Language.SPANISH)
    superior = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="subordinates",
        verbose_name=_("superior"),
        help_text=_("Receives escalations when this person's items are long overdue."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("login account"),
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Inactive people get no reminders."))
    # Secret part of the personal calendar feed URL; replacing it revokes the old URL.
    feed_token = models.UUIDField(_("calendar feed token"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(condition=~models.Q(superior=models.F("id")), name="person_is_not_own_superior"),
        ]
        # The default order, and the names suggested in every list's filter form.
        indexes = [models.Index(fields=["full_name"], name="person_name")]

    def __str__(self):
        return self.full_name

    def clean(self):
        if self.pk and self.superior_id == self.pk:
            raise ValidationError({"superior": _("A person cannot be their own superior.")})

    def save(self, *args, **kwargs):
        # Forms validate the address already; imports and scripts that call save() directly are checked here.
        self.email = (self.email or "").strip()
        if self.email:
            self._meta.get_field("email").run_validators(self.email)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:agreements_person_change", args=[self.pk])

    def revoke_feed_token(self):
        self.feed_token = uuid.uuid4()
        self.save(update_fields=["feed_token"])
