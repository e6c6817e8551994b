"""The range of dates a deadline or a legal date may take: the same rule in a validator and a constraint."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

FIRST_SANE_DATE = datetime.date(1990, 1, 1)
LAST_SANE_DATE = datetime.date(2100, 12, 31)


def validate_sane_date(value):
    """Refuse typing slips such as 0026 or 9999, which would also break calendar feeds and date arithmetic."""
    if value is not None and not FIRST_SANE_DATE <= value <= LAST_SANE_DATE:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": FIRST_SANE_DATE.year, "last": LAST_SANE_DATE.year},
            code="date_out_of_range",
        )


def sane_date_condition(field):
    """CheckConstraint condition: `field` is empty or within the sane range."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": FIRST_SANE_DATE, f"{field}__lte": LAST_SANE_DATE})
