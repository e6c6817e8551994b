"""Text search that forgives accents, case, plurals and verb forms, on PostgreSQL as on SQLite.

Both databases fold accents and case and reduce words to their Spanish stems, so "formacion" finds
"formación", "rondon" finds "Rondón" and "estudios" finds "estudio":

- PostgreSQL (postgres.py): stored vectors in the `commission_es` configuration (unaccent, then spanish_stem)
  and `simple`, kept by triggers, GIN indexes, web-search syntax, ranked;
- SQLite (sqlite.py): an FTS5 table over text folded and stemmed in Python (text.py), kept by triggers that
  call the same function, queried with the query folded and stemmed the same way, ranked with bm25.

Other databases fall back to every word as a substring. Queries understand "phrases", -exclusions and `or`;
a query with no word to look for (punctuation, only exclusions) matches nothing.

Lists rank a query's matches, best first, while they number no more than the list's cap (1,000,
agreements/pagination.py): ranking scores every match before the first page, which for the 100,000 lines a
common word finds takes seconds, so past the cap they keep the list's usual order instead. Below the cap the
ranking is not what costs, and a lower cap would not save it: reading the matches is (some 15 ms for 600 lines
at a million), and the deadline order reads them all too. Past the cap the page's work is counting to it, done
in the list's order (counting_order).
"""

from django.db import connections
from django.db.models import Q

from . import postgres, sqlite
from .postgres import ACTION_LINE_FIELDS, AGREEMENT_FIELDS, CONFIGURATIONS, document_vector, search_query
from .text import parse, search_text

__all__ = [
    "ACTION_LINE_FIELDS",
    "AGREEMENT_FIELDS",
    "CONFIGURATIONS",
    "document_vector",
    "counting_order",
    "has_full_text",
    "search_action_lines",
    "search_agreements",
    "search_meetings",
    "search_notes",
    "search_people",
    "search_person_names",
    "search_query",
    "search_text",
]

# The fallback's fields, for databases without full-text search.
TEXT_FIELDS = {
    "agreement": ("reference_code", "title", "description"),
    "action_line": ("title", "description"),
    "meeting": ("sector__name", "session__city", "venue", "chairs", "participants", "summary"),
    "person": ("full_name", "position"),
    "progress": ("note",),
}


def vendor(queryset):
    return connections[queryset.db].vendor


def has_full_text(queryset):
    return vendor(queryset) in ("postgresql", "sqlite")


def substrings(queryset, text, fields):
    for word in text.split():
        word_anywhere = Q()
        for field in fields:
            word_anywhere |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(word_anywhere)
    return queryset


def search(queryset, text, kind):
    """Rows of `queryset` (objects of `kind`) matching `text`; with full-text search annotated with `rank`
    (higher is better), except progress notes, which come newest first."""
    text = (text or "").strip()
    if not text:
        return queryset
    if not has_full_text(queryset):
        return substrings(queryset, text, TEXT_FIELDS[kind])
    query = parse(text)
    if not query:
        return queryset.none()
    if vendor(queryset) == "sqlite":
        return sqlite.search(queryset, kind, query, ranked=kind != "progress")
    if kind in ("agreement", "action_line"):
        return postgres.search_stored(queryset, text)
    if kind == "meeting":
        return postgres.search_on_the_fly(queryset, text, postgres.MEETING_FIELDS)
    if kind == "person":
        return postgres.search_on_the_fly(queryset, text, postgres.PERSON_FIELDS)
    return postgres.search_notes(queryset, text)


def counting_order(queryset):
    """The order in which to count the rows of a list that counts only up to a cap (agreements/pagination.py).

    Most lists count in no order: PostgreSQL reads whichever rows an index gives first. A text query's matches
    are counted in the list's own order instead, less the rank (ordering by it would score every match, which is
    what the cap is there to avoid), so the count walks the index that serves the list, the page's own walk
    taken further. Unordered, PostgreSQL has no index to find the matches with but the GIN one, which hands over
    every match before the first (100,000 lines for a common word), so it scans the table until the cap's worth
    of rows pass every filter, and that depends on where the scan starts (a scan joins one already running)
    and what lies there: at a million lines the old part of the table is mostly done lines, and 1,001 open lines
    with "repuestos" take 130,000 rows there (60-120 ms) against 12,000 elsewhere (10 ms). In the list's order
    (open lines by deadline) the same count reads about 11,000 lines in 10-15 ms wherever they lie.
    """
    query = queryset.query
    if "rank" not in query.annotations:
        return ()
    return tuple(field for field in query.order_by if not (isinstance(field, str) and field.lstrip("-") == "rank"))


def search_agreements(queryset, text):
    return search(queryset, text, "agreement")


def search_action_lines(queryset, text):
    return search(queryset, text, "action_line")


def search_meetings(queryset, text):
    return search(queryset, text, "meeting")


def search_people(queryset, text):
    return search(queryset, text, "person")


def search_person_names(queryset, text):
    """People whose name has the words of `text`, accents, case and plurals aside (not their position)."""
    text = (text or "").strip()
    query = parse(text)
    if not text or not has_full_text(queryset):
        return substrings(queryset, text, ("full_name",))
    if not query:
        return queryset.none()
    if vendor(queryset) == "sqlite":
        return sqlite.search(queryset, "person", query, ranked=False, column="title")
    return postgres.search_on_the_fly(queryset, text, postgres.PERSON_NAME_FIELDS)


def search_notes(queryset, text):
    return search(queryset, text, "progress")
