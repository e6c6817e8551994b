"""People and institutions picked by typing: what to suggest as the user types, and whom a typed name means.

Suggestions read the indexes that exist: a person's name (`person_name`) and an institution's lower-cased
name (`institution_name_unique_per_country`), both as prefixes. A typed name is matched exactly on the
server, so the box works as plain text without JavaScript; namesakes are told apart by adding the institution
(for people) or the country (for institutions) after a dash, the way the suggestions write them.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ..models import Institution, Person

SUGGESTIONS = 10
SEPARATOR = " — "


def _case_variants(text):
    """What was typed, with a capital first letter, and in title case: names are stored capitalised."""
    return {text, text[:1].upper() + text[1:], text.title()}


def people_starting_with(text, limit=SUGGESTIONS):
    condition = Q()
    for variant in _case_variants(text):
        condition |= Q(full_name__startswith=variant)
    people = Person.objects.filter(condition, is_active=True).select_related("institution")
    return list(people.order_by("full_name", "pk")[:limit])


def institutions_starting_with(text, limit=SUGGESTIONS):
    institutions = Institution.objects.alias(lower_name=Lower("name")).filter(lower_name__startswith=text.lower())
    return list(institutions.select_related("country").order_by(Lower("name"), "pk")[:limit])


def _namesakes(names):
    seen, twice = set(), set()
    for name in names:
        (twice if name in seen else seen).add(name)
    return twice


def person_payload(people):
    """JSON rows for suggested people: `value` is what goes in the box and is matched back on the server."""
    twice = _namesakes(person.full_name for person in people)
    rows = []
    for person in people:
        institution = person.institution.name if person.institution_id else ""
        value = person.full_name
        if person.full_name in twice and institution:
            value = f"{person.full_name}{SEPARATOR}{institution}"
        label = f"{person.full_name}{SEPARATOR}{institution}" if institution else person.full_name
        rows.append({"id": person.pk, "value": value, "label": label, "institution": institution})
    return rows


def institution_payload(institutions):
    twice = _namesakes(institution.name.lower() for institution in institutions)
    rows = []
    for institution in institutions:
        value = institution.name
        if institution.name.lower() in twice:
            value = f"{institution.name}{SEPARATOR}{institution.country.name}"
        label = f"{institution}{SEPARATOR}{institution.country.name}"
        rows.append({"id": institution.pk, "value": value, "label": label})
    return rows


def find_person(text):
    """The person `text` names: exactly (any case), or "Name — Institution" for namesakes."""
    name, _separator, institution = (part.strip() for part in text.partition(SEPARATOR.strip()))
    people = list(Person.objects.filter(full_name=name).select_related("institution")[:20])
    if not people:
        people = list(Person.objects.filter(full_name__iexact=name).select_related("institution")[:20])
    if institution:
        wanted = institution.lower()
        people = [
            person
            for person in people
            if person.institution_id and wanted in (person.institution.name.lower(), person.institution.acronym.lower())
        ]
    if not people:
        raise ValidationError(
            _("No one called “%(name)s” was found. Check the spelling, or add them under “Add a person”."),
            code="not_found",
            params={"name": text},
        )
    if len(people) > 1:
        example = people[0].institution.name if people[0].institution_id else _("their institution")
        raise ValidationError(
            _("Several people are called “%(name)s”: add their institution after a dash, like “%(example)s”."),
            code="ambiguous",
            params={"name": name, "example": f"{name}{SEPARATOR}{example}"},
        )
    return people[0]


def find_institution(text):
    """The institution `text` names: its name (any case) or acronym, or "Name — Country" for namesakes."""
    name, _separator, country = (part.strip() for part in text.partition(SEPARATOR.strip()))
    found = Institution.objects.alias(lower_name=Lower("name")).filter(lower_name=name.lower())
    institutions = list(found.select_related("country")[:20])
    if not institutions:
        institutions = list(Institution.objects.filter(acronym__iexact=name).select_related("country")[:20])
    if country:
        wanted = country.lower()
        institutions = [
            item for item in institutions if wanted in (item.country.name.lower(), item.country.code.lower())
        ]
    if not institutions:
        raise ValidationError(
            _("No institution called “%(name)s” was found. Check the spelling, or add it under “Add an institution”."),
            code="not_found",
            params={"name": text},
        )
    if len(institutions) > 1:
        raise ValidationError(
            _("Several institutions are called “%(name)s”: add the country after a dash, like “%(example)s”."),
            code="ambiguous",
            params={"name": name, "example": f"{institutions[0].name}{SEPARATOR}{institutions[0].country.name}"},
        )
    return institutions[0]


def display_person(person):
    return person.full_name if person else ""


def display_institution(institution):
    return institution.name if institution else ""
