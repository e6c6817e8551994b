"""Small factories: each makes a valid row with the fewest questions asked; keyword arguments override."""

import datetime
import itertools

from django.contrib.auth import get_user_model

from agreements.models import (
    ActionLine,
    Agreement,
    Commission,
    Country,
    Institution,
    Person,
    Sector,
    SectoralMeeting,
    Session,
)

_counter = itertools.count(1)


def _next():
    return next(_counter)


def country(code="VE", name="Venezuela"):
    return Country.objects.get_or_create(code=code, defaults={"name": name})[0]


def sector(name=None, **fields):
    return Sector.objects.create(name=name or f"Sector {_next()}", **fields)


def institution(name=None, **fields):
    fields.setdefault("country", country())
    return Institution.objects.create(name=name or f"Institution {_next()}", **fields)


def person(full_name=None, **fields):
    n = _next()
    fields.setdefault("email", f"person{n}@example.org")
    return Person.objects.create(full_name=full_name or f"Person {n}", **fields)


def user(username=None, groups=(), **fields):
    from django.contrib.auth.models import Group

    account = get_user_model().objects.create_user(username=username or f"user{_next()}", password="pw", **fields)
    for name in groups:
        account.groups.add(Group.objects.get(name=name))
    return account


def commission(name=None, **fields):
    made = Commission.objects.create(name=name or f"Commission {_next()}", **fields)
    made.parties.add(country(), country("BY", "Belarus"))
    return made


def session(commission_=None, number=None, **fields):
    fields.setdefault("start_date", datetime.date(2026, 1, 15))
    fields.setdefault("city", "Caracas")
    fields.setdefault("country", country())
    return Session.objects.create(commission=commission_ or commission(), number=number or _next(), **fields)


def meeting(session_=None, sector_=None, **fields):
    fields.setdefault("date", datetime.date(2026, 1, 16))
    return SectoralMeeting.objects.create(session=session_ or session(), sector=sector_ or sector(), **fields)


def agreement(meeting_=None, **fields):
    n = _next()
    fields.setdefault("title", f"Agreement {n}")
    fields.setdefault("reference_code", f"REF-{n}")
    return Agreement.objects.create(meeting=meeting_ or meeting(), **fields)


def action_line(agreement_=None, **fields):
    fields.setdefault("title", f"Action line {_next()}")
    fields.setdefault("due_date", datetime.date(2026, 3, 31))
    return ActionLine.objects.create(agreement=agreement_ or agreement(), **fields)
