"""Full-text search on PostgreSQL.

Agreements and action lines carry a stored `search_vector`, kept right by a database trigger so that bulk
inserts, QuerySet.update() and COPY are covered too, and served by a GIN index. It is built twice: with
`commission_es` (the spanish configuration with `unaccent` before the stemmer: "formacion" finds "formación",
"estudios" finds "estudio") and with `simple` (names, acronyms and codes as written). Progress notes are matched
through a GIN index on their `commission_es` vector; meetings and people, small tables, are matched on the fly.
Queries use web-search syntax and are ranked.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db.models import F, Func

CONFIG = "commission_es"
CONFIGURATIONS = (CONFIG, "simple")

# Fields weighted A (what a reader scans: code and title) and B (the description), per model.
AGREEMENT_FIELDS = {"A": ("reference_code", "title"), "B": ("description",)}
ACTION_LINE_FIELDS = {"A": ("title",), "B": ("description",)}
MEETING_FIELDS = {"A": ("sector__name", "session__city", "venue"), "B": ("chairs", "participants", "summary")}
PERSON_FIELDS = {"A": ("full_name",), "B": ("position",)}
PERSON_NAME_FIELDS = {"A": ("full_name",)}

# The stored vectors' triggers (agreements/migrations/0010_forgiving_search.py): table -> {weight: columns}.
STORED = {
    "agreements_agreement": {"A": ("reference_code", "title"), "B": ("description",)},
    "agreements_actionline": {"A": ("title",), "B": ("description",)},
}


def document_vector(fields_by_weight, configurations=CONFIGURATIONS):
    """The SearchVector the trigger stores: each weight's fields in each configuration, concatenated."""
    vectors = [
        SearchVector(*fields, config=config, weight=weight)
        for weight, fields in fields_by_weight.items()
        for config in configurations
    ]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def search_query(text, configurations=CONFIGURATIONS):
    queries = [SearchQuery(text, search_type="websearch", config=config) for config in configurations]
    combined = queries[0]
    for query in queries[1:]:
        combined = combined | query
    return combined


def search_stored(queryset, text):
    """Agreements or action lines matching `text`, through the stored vector and its GIN index, with `rank`."""
    query = search_query(text)
    return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))


def search_on_the_fly(queryset, text, fields_by_weight):
    """Rows of a small table matching `text`, their vector computed per query, with `rank`."""
    vector = document_vector(fields_by_weight, configurations=(CONFIG,))
    query = search_query(text, configurations=(CONFIG,))
    return queryset.alias(search_document=vector).filter(search_document=query).annotate(rank=SearchRank(vector, query))


class NoteVector(Func):
    """to_tsvector('commission_es', note): the expression of the GIN index on progress notes, written the same."""

    template = f"to_tsvector('{CONFIG}'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def search_notes(queryset, text):
    return queryset.alias(note_vector=NoteVector(F("note"))).filter(
        note_vector=search_query(text, configurations=(CONFIG,))
    )


# ---------- The schema: the configuration, the triggers that keep the stored vectors, the notes' index ----------

CREATE_CONFIGURATION = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = spanish);
        ALTER TEXT SEARCH CONFIGURATION {CONFIG}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
    END IF;
END
$$
"""


def vector_sql(fields_by_weight, row, configurations=CONFIGURATIONS):
    parts = []
    for weight, columns in fields_by_weight.items():
        text = " || ' ' || ".join(f"COALESCE({row}{column}, '')" for column in columns)
        for config in configurations:
            parts.append(f"setweight(to_tsvector('{config}'::regconfig, {text}), '{weight}')")
    return " || ".join(parts)


def trigger_function_sql(table, fields_by_weight, configurations=CONFIGURATIONS):
    return f"""
    CREATE OR REPLACE FUNCTION {table}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := {vector_sql(fields_by_weight, "NEW.", configurations)};
        RETURN NEW;
    END
    $$
    """


# Serves the progress notes part of /search/?q=….
NOTE_INDEX = "progress_update_note_search"
CREATE_NOTE_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {NOTE_INDEX} ON agreements_progressupdate "
    f"USING gin (to_tsvector('{CONFIG}'::regconfig, note))"
)


def refill(schema_editor, configurations):
    """Rebuild the stored vectors with `configurations`: GIN indexes dropped first and made again, which at a
    million rows is much faster than updating them row by row."""
    for table, fields_by_weight in STORED.items():
        schema_editor.execute(trigger_function_sql(table, fields_by_weight, configurations))
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search")
        # The trigger fills the vector: naming search_vector in the UPDATE fires it.
        schema_editor.execute(f"UPDATE {table} SET search_vector = NULL")
        # Serves `search_vector @@ query` on /agreements/?q=…, /action-lines/?q=… and /search/?q=….
        schema_editor.execute(f"CREATE INDEX {table}_search ON {table} USING gin (search_vector)")


def install(schema_editor):
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute(CREATE_CONFIGURATION)
    refill(schema_editor, CONFIGURATIONS)
    schema_editor.execute(CREATE_NOTE_INDEX)


def uninstall(schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NOTE_INDEX}")
    refill(schema_editor, ("spanish", "simple"))
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
