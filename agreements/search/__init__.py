"""Text search that forgives accents, case, plurals and verb forms, on PostgreSQL as on SQLite.

Both databases fold accents and case and reduce words to their Spanish stems, so "formacion" finds
"formación", "rondon" finds "Rondón" and "estudios" finds "estudio":

- PostgreSQL (postgres.py): stored vectors in the `commission_es` configuration (unaccent, then spanish_stem)
  and `simple`, kept by triggers, GIN indexes, web-search syntax, ranked;
- SQLite (sqlite.py): an FTS5 table over text folded and stemmed in Python (text.py), kept by triggers that
  call the same function, queried with the query folded and stemmed the same way, ranked with bm25.

Other databases fall back to every word as a substring. Queries understand "phrases", -exclusions and `or`;
a query with no word to look for (punctuation, only exclusions) matches nothing.
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
