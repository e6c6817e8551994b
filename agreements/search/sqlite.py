"""Full-text search on SQLite: one FTS5 table over folded, stemmed text, kept by triggers.

`agreements_searchindex` holds one row per searchable object: its kind, its id, a title (weighted like
PostgreSQL's A) and a body (B), both as `text.search_text()` makes them. The rowid is `id * 8 + kind code`, so a
trigger finds an object's row without a scan. Triggers on the tables keep the rows right under every write:
save(), bulk_create, QuerySet.update(), imports, carry-over, the admin. They call `search_text` as an SQL
function that every connection Django opens registers (`register_function`); a tool that opens the database
file without Django (the sqlite3 shell) cannot write to the searched tables.

SQLite drops a table's triggers when a migration rebuilds the table, so they are installed again after every
migrate (apps.py). `rebuild()` refills the whole table (manage.py rebuild_search_index).
"""

from dataclasses import dataclass

from django.db.models import F, FloatField, Func
from django.db.models.expressions import RawSQL

from . import text

TABLE = "agreements_searchindex"
CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(kind UNINDEXED, object_id UNINDEXED, title, body, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
# bm25 weights per column: kind, object_id, title, body (PostgreSQL ranks weight A at 1.0 and B at 0.4).
RANK = f"-bm25({TABLE}, 0, 0, 1.0, 0.4)"


@dataclass(frozen=True)
class Kind:
    code: int
    table: str
    title: str  # SQL over the row `t` and the joins: the arguments of search_text() for the title column
    body: str
    watched: tuple  # columns whose change re-indexes the row
    joins: str = ""
    # (table, column, key): a change of `column` in `table` re-indexes the rows whose `key` names it.
    followed: tuple = ()


KINDS = {
    "agreement": Kind(1, "agreements_agreement", "t.reference_code, t.title", "t.description", (
        "reference_code", "title", "description")),
    "action_line": Kind(2, "agreements_actionline", "t.title", "t.description", ("title", "description")),
    "meeting": Kind(
        3,
        "agreements_sectoralmeeting",
        "sector.name, session.city, t.venue",
        "t.chairs, t.participants, t.summary",
        ("sector_id", "session_id", "venue", "chairs", "participants", "summary"),
        joins="JOIN agreements_sector sector ON sector.id = t.sector_id "
        "JOIN agreements_session session ON session.id = t.session_id",
        followed=(("agreements_sector", "name", "sector_id"), ("agreements_session", "city", "session_id")),
    ),
    "person": Kind(4, "agreements_person", "t.full_name", "t.position", ("full_name", "position")),
    "progress": Kind(5, "agreements_progressupdate", "''", "t.note", ("note",)),
}  # fmt: skip


def rows_sql(kind, where):
    """A SELECT of index rows for the objects of `kind` that `where` (over `t`) selects."""
    spec = KINDS[kind]
    return (
        f"SELECT t.id * 8 + {spec.code}, '{kind}', t.id, search_text({spec.title}), search_text({spec.body}) "
        f"FROM {spec.table} t {spec.joins} WHERE {where}"
    )


def insert_sql(kind, where):
    return f"INSERT INTO {TABLE} (rowid, kind, object_id, title, body) {rows_sql(kind, where)};"


def delete_sql(kind, id_expression):
    return f"DELETE FROM {TABLE} WHERE rowid = {id_expression} * 8 + {KINDS[kind].code};"


def triggers():
    """{name: body} of every trigger that keeps the index."""
    made = {}
    for kind, spec in KINDS.items():
        name = f"{spec.table}_searchindex"
        made[f"{name}_insert"] = f"AFTER INSERT ON {spec.table} BEGIN {insert_sql(kind, 't.id = NEW.id')} END"
        made[f"{name}_update"] = (
            f"AFTER UPDATE OF {', '.join(spec.watched)} ON {spec.table} BEGIN "
            f"{delete_sql(kind, 'OLD.id')} {insert_sql(kind, 't.id = NEW.id')} END"
        )
        made[f"{name}_delete"] = f"AFTER DELETE ON {spec.table} BEGIN {delete_sql(kind, 'OLD.id')} END"
        for table, column, key in spec.followed:
            made[f"{table}_{column}_searchindex"] = (
                f"AFTER UPDATE OF {column} ON {table} BEGIN "
                f"DELETE FROM {TABLE} WHERE rowid IN (SELECT id * 8 + {spec.code} FROM {spec.table} "
                f"WHERE {key} = NEW.id); {insert_sql(kind, f't.{key} = NEW.id')} END"
            )
    return made


def register_function(sender, connection, **kwargs):
    """connection_created: search_text(...) as an SQL function, for the triggers."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("search_text", -1, text.search_text, deterministic=True)


def install(connection):
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        for name, body in triggers().items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def uninstall(connection):
    with connection.cursor() as cursor:
        for name in triggers():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def rebuild(connection, kinds=None):
    """Refill the index for every object of `kinds` (default: all); returns the number of rows."""
    with connection.cursor() as cursor:
        for kind in kinds or KINDS:
            cursor.execute(f"DELETE FROM {TABLE} WHERE kind = %s", [kind])
            cursor.execute(insert_sql(kind, "1 = 1"))
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def reinstall_triggers(sender, using, **kwargs):
    """post_migrate: put back triggers that a table rebuild dropped (once the index table exists)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    if TABLE in tables and all(spec.table in tables for spec in KINDS.values()):
        with connection.cursor() as cursor:
            for name, body in triggers().items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


# ---------- Queries ----------


def match_expression(query, column=None):
    """An FTS5 MATCH string for a parsed query: phrases quoted, alternatives in OR, exclusions in NOT; limited to
    one column when `column` is named."""

    def phrase(words):
        return '"' + " ".join(words) + '"'

    alternatives = ["(" + " AND ".join(phrase(words) for words in group) + ")" for group in query.alternatives]
    expression = " OR ".join(alternatives)
    if query.excluded:
        expression = f"({expression}) NOT ({' OR '.join(phrase(words) for words in query.excluded)})"
    return f"{column} : ({expression})" if column else expression


class Rank(Func):
    """How well the object matches (higher is better), read from the index row by its rowid."""

    output_field = FloatField()

    def __init__(self, kind, match):
        super().__init__(F("pk"))
        self.kind, self.match = kind, match

    def as_sql(self, compiler, connection, **extra_context):
        pk, params = compiler.compile(self.source_expressions[0])
        sql = f"(SELECT {RANK} FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid = {pk} * 8 + {KINDS[self.kind].code})"
        return sql, [self.match, *params]


def search(queryset, kind, query, ranked=True, column=None):
    """The rows of `queryset` (objects of `kind`) matching the parsed `query` (in `column` alone when named),
    with `rank` when `ranked`."""
    match = match_expression(query, column)
    matching = RawSQL(f"SELECT object_id FROM {TABLE} WHERE {TABLE} MATCH %s AND kind = %s", [match, kind])
    queryset = queryset.filter(pk__in=matching)
    return queryset.annotate(rank=Rank(kind, match)) if ranked else queryset
