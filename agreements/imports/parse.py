"""Turning one raw cell into a value: text, date, number, percent, session number or choice, or a CellError."""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import to_roman
from ..models.dates import validate_sane_date
from .columns import DATE_FORMATS, normalise


class CellError(Exception):
    """What is wrong with a cell, in a sentence for the person who filled it in."""


ROMAN = {to_roman(number): number for number in range(1, 400)}
TWO_PLACES = decimal.Decimal("0.01")


def text(value, max_length):
    if value is None:
        return None
    if isinstance(value, datetime.date):
        value = value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value).strip()
    if len(value) > max_length:
        raise CellError(_("Too long: at most %(limit)s characters.") % {"limit": max_length})
    return value or None


def date(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        for date_format in DATE_FORMATS:
            try:
                value = datetime.datetime.strptime(str(value).strip(), date_format).date()
                break
            except ValueError:
                continue
        else:
            raise CellError(_("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-04-15.") % {"value": value})
    try:
        validate_sane_date(value)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    return value


def quantity(value):
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("Write a number, e.g. 80."))
    if isinstance(value, int | float):
        number = decimal.Decimal(str(value))
    else:
        written = str(value).strip().replace(" ", "")
        if "," in written and "." not in written:
            written = written.replace(",", ".")
        try:
            number = decimal.Decimal(written)
        except decimal.InvalidOperation:
            raise CellError(_("“%(value)s” is not a number: write it as e.g. 80 or 12.5.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(_("Write a number, e.g. 80."))
    if number != number.quantize(TWO_PLACES, rounding=decimal.ROUND_DOWN):
        raise CellError(_("Use at most two decimal places."))
    if number <= 0:
        raise CellError(_("The target quantity must be greater than zero."))
    if number >= 10**12:
        raise CellError(_("The number is too large."))
    return number.quantize(TWO_PLACES)


def percent(value):
    if value is None:
        return None
    written = str(value).strip().rstrip("%").strip()
    try:
        number = decimal.Decimal(written)
    except decimal.InvalidOperation:
        raise CellError(_("“%(value)s” is not a whole number from 0 to 100.") % {"value": value}) from None
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 100:
        raise CellError(_("Percent complete must be a whole number from 0 to 100."))
    return int(number)


def session_number(value):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value >= 1:
        return value
    written = str(value).strip().upper()
    if written.isdigit() and int(written) >= 1:
        return int(written)
    if written in ROMAN:
        return ROMAN[written]
    raise CellError(_("“%(value)s” is not a session number: write e.g. 8 or VIII.") % {"value": value})


def choice(value, spellings, allowed):
    """The code `value` names, by code or label in either language; `allowed` lists the labels for the message."""
    if value is None:
        return None
    code = spellings.get(normalise(value))
    if code is None:
        raise CellError(_("“%(value)s” is not one of: %(allowed)s.") % {"value": value, "allowed": allowed})
    return code
