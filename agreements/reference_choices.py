"""The option lists of the list filters (commissions, sessions, countries, sectors) and their suggested names
(people, institutions), built once per state of the data.

Rebuilding them on every request cost more than all of a list page's queries at 200 sessions. They change
when an editor adds or renames reference data, which is rare, so each process keeps them beside the data
version (agreements/data_version.py) they were read at and rebuilds them when it moves: after any committed
write, which costs one rebuild per process, never a stale list. Inside a transaction (a view that writes, a
test) and on SQLite, where the version is not known, they are read afresh.
"""

from django.db import DEFAULT_DB_ALIAS
from django.utils.html import format_html

from . import data_version
from .models import Commission, Country, Institution, Person, Sector, Session

# A <datalist> of more names than this is no help; past it the filter box is plain text (forms.SuggestingTextInput).
SUGGESTIONS = 200

_built = {}


class Options(tuple):
    """(value, label) pairs, values as strings, with each pair's <option> markup made once, and the rows they were
    read from by value (`rows`), for a filter to clean a chosen value without another query."""

    def __new__(cls, rows):
        options = super().__new__(cls, ((str(row.pk), str(row)) for row in rows))
        options.rows = {str(row.pk): row for row in rows}
        return options

    @property
    def markup(self):
        if not hasattr(self, "_markup"):
            # Escaped once; the selected option is written again per request (forms.Select in filters.py).
            self._markup = {value: format_html('<option value="{}">{}</option>', value, label) for value, label in self}
        return self._markup


def few_names(names):
    """The names for a <datalist>, or none when there are more than SUGGESTIONS of them (one query)."""
    names = list(names[: SUGGESTIONS + 1])
    return names if len(names) <= SUGGESTIONS else []


def _read():
    sessions = Session.objects.select_related("commission")
    countries = Country.objects.filter(commissions__isnull=False).distinct()
    return {
        "commissions": Options(list(Commission.objects.all())),
        "sessions": Options(list(sessions)),
        "countries": Options(list(countries)),
        "sectors": Options(list(Sector.objects.all())),
        "people": few_names(
            Person.objects.filter(is_active=True).order_by("full_name").values_list("full_name", flat=True)
        ),
        "institutions": few_names(Institution.objects.order_by("name").values_list("name", flat=True)),
    }


def current(using=DEFAULT_DB_ALIAS):
    """{"commissions" | "sessions" | "countries" | "sectors": Options, "people" | "institutions": [name, …]}
    as the database holds them now."""
    version = data_version.current(using)
    if version is None:
        return _read()
    found = _built.get(using)
    if found is None or found[0] != version:
        found = (version, _read())
        _built[using] = found
    return found[1]


def options(kind, using=DEFAULT_DB_ALIAS):
    return current(using)[kind]
