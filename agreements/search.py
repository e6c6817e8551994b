"""Text search over agreements and action lines.

On PostgreSQL each row carries a stored `search_vector`, kept right by a database trigger
(migration 0003_full_text_search) so that bulk inserts and COPY are covered too. It is built
twice, with the 'spanish' configuration (stems: "tractores" finds "tractor") and with 'simple'
(names, acronyms and codes as written). Queries use websearch syntax in both configurations
and are ranked. On SQLite every word of the query must appear in one of the text fields.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q

CONFIGURATIONS = ("spanish", "simple")

# Fields weighted A (what a reader scans: code and title) and B (the description), per model.
AGREEMENT_FIELDS = {"A": ("reference_code", "title"), "B": ("description",)}
ACTION_LINE_FIELDS = {"A": ("title",), "B": ("description",)}

# The fallback's fields, for databases without full-text search.
AGREEMENT_TEXT_FIELDS = ("reference_code", "title", "description")
ACTION_LINE_TEXT_FIELDS = ("title", "description")


def document_vector(fields_by_weight):
    """The SearchVector the trigger stores: each weight's fields in each configuration, concatenated."""
    vectors = [
        SearchVector(*fields, config=config, weight=weight)
        for weight, fields in fields_by_weight.items()
        for config in CONFIGURATIONS
    ]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def search_query(text):
    queries = [SearchQuery(text, search_type="websearch", config=config) for config in CONFIGURATIONS]
    return queries[0] | queries[1]


def has_full_text(queryset):
    return connections[queryset.db].vendor == "postgresql"


def search(queryset, text, text_fields):
    """Rows matching `text`; on PostgreSQL annotated with `rank` (higher is better)."""
    text = (text or "").strip()
    if not text:
        return queryset
    if has_full_text(queryset):
        query = search_query(text)
        return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    for word in text.split():
        word_anywhere = Q()
        for field in text_fields:
            word_anywhere |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(word_anywhere)
    return queryset


def search_agreements(queryset, text):
    return search(queryset, text, AGREEMENT_TEXT_FIELDS)


def search_action_lines(queryset, text):
    return search(queryset, text, ACTION_LINE_TEXT_FIELDS)
