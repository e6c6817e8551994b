"""The option lists of the list filters (commissions, sessions, countries, sectors), built once per state of the data.

Rebuilding them on every request cost more than all of a list page's queries at 200 sessions. They change
when an editor adds or renames reference data, which is rare, so each process keeps them beside a
fingerprint of the tables they are read from and rebuilds them only when the fingerprint moves.

On PostgreSQL the fingerprint is, per table, the row count and the newest `xmin` (the id of the
transaction that wrote each row version): any committed insert or update leaves rows with a newer
`xmin`, and a delete alone lowers the count, so every committed change moves it. One query per request
reads it for every table at once. It sees only committed rows, as the lists do. Inside a transaction
(a view that writes, a test) a row's own update keeps its `xmin`, so nothing is cached there; nor on
databases without `xmin`, where the lists are small anyway.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.html import format_html

from .models import Commission, Country, Sector, Session

# Tables whose rows the option labels are made of; a session's label names its commission.
TABLES = (Commission, Commission.parties.through, Country, Sector, Session)

_built = {}


def _fingerprint(connection):
    quote = connection.ops.quote_name
    parts = " || '/' || ".join(
        f"(SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM {quote(model._meta.db_table)})"
        for model in TABLES
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        return cursor.fetchone()[0]


class Options(tuple):
    """(value, label) pairs, values as strings, with each pair's <option> markup made once."""

    def __new__(cls, pairs):
        return super().__new__(cls, pairs)

    @property
    def markup(self):
        if not hasattr(self, "_markup"):
            # Escaped once; the selected option is written again per request (forms.Select in filters.py).
            self._markup = {value: format_html('<option value="{}">{}</option>', value, label) for value, label in self}
        return self._markup


def _read():
    sessions = Session.objects.select_related("commission")
    countries = Country.objects.filter(commissions__isnull=False).distinct()
    return {
        "commissions": Options((str(row.pk), str(row)) for row in Commission.objects.all()),
        "sessions": Options((str(row.pk), str(row)) for row in sessions),
        "countries": Options((str(row.pk), str(row)) for row in countries),
        "sectors": Options((str(row.pk), str(row)) for row in Sector.objects.all()),
    }


def current(using=DEFAULT_DB_ALIAS):
    """{"commissions" | "sessions" | "countries" | "sectors": Options} as the database holds them now."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return _read()
    fingerprint = _fingerprint(connection)
    found = _built.get(using)
    if found is None or found[0] != fingerprint:
        found = (fingerprint, _read())
        _built[using] = found
    return found[1]


def options(kind, using=DEFAULT_DB_ALIAS):
    return current(using)[kind]
