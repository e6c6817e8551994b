"""Query plans kept between requests, for the statements PostgreSQL takes longer to plan than to run.

A page of the action-line list reads its rows in one statement that joins each line with its agreement, two people
and two institutions, under the reader's clearance: PostgreSQL plans it in about 4 ms and runs it in under 1 ms,
and an object page's statements are alike. psycopg2 sends every statement as text, planned afresh each time.
Inside `kept_plans()` a SELECT is instead PREPAREd on its connection the first time it runs there, and EXECUTEd
with its parameters after: PostgreSQL then plans it for the first five runs and, when a plan made without the
parameters' values costs no more, keeps that one and stops planning.

That is only right for statements whose best plan does not depend on the values: rows looked up by id, a page of
rows whose ids are already known, the people named on a line. A list's filter and its order (a rare word or a
common one, a large sector or a small one) stay outside, planned for their values on every request.

A statement PostgreSQL cannot prepare (a parameter whose type nothing in it says) runs as usual. Each connection
keeps the KEPT statements used last; the others are deallocated.
"""

import datetime
import decimal
import hashlib
import itertools
import re
import uuid
from collections import OrderedDict
from contextlib import contextmanager

from django.db import DatabaseError, connection

KEPT = 100
PLACEHOLDER = re.compile(r"%([%s])")
PREPARABLE = ("SELECT", "WITH")


# Parameters typed as psycopg2 would have written their values into the statement, so that a value selected as is
# (`SELECT %s AS "a"`) comes back with the type it has unprepared. The others (text, None, lists) are typed by
# where they stand, as the literals psycopg2 writes for them are. bool before int: a bool is an int.
TYPES = (
    (bool, "boolean"),
    (int, "bigint"),
    (decimal.Decimal, "numeric"),
    (datetime.date, "date"),
    (datetime.time, "time"),
    (uuid.UUID, "uuid"),
)


def type_of(value):
    if isinstance(value, datetime.datetime):  # a date too, so asked first
        return "timestamp with time zone" if value.tzinfo else "timestamp"
    return next((name for kind, name in TYPES if isinstance(value, kind)), "unknown")


class Statements:
    """The statements prepared on one database connection, least recently used first."""

    def __init__(self, raw):
        self.raw = raw
        self.names = OrderedDict()


def statements_of(db):
    """This connection's prepared statements; a new connection (or one reopened since) starts with none."""
    kept = getattr(db, "kept_plans", None)
    if kept is None or kept.raw is not db.connection:
        kept = db.kept_plans = Statements(db.connection)
    return kept


def numbered(sql):
    """Django's `%s` placeholders as PostgreSQL's `$1, $2, …`, and its `%%` as the `%` it stands for (a statement
    run without parameters is sent as written, so it is not renumbered)."""
    serial = itertools.count(1)
    return PLACEHOLDER.sub(lambda match: "%" if match.group(1) == "%" else f"${next(serial)}", sql)


@contextmanager
def recoverable(db):
    """In a transaction, a statement that fails aborts it; in a savepoint, the transaction goes on."""
    if not db.in_atomic_block:
        yield
        return
    with db.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT kept_plan")
        try:
            yield
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT kept_plan")
            raise
        finally:
            cursor.execute("RELEASE SAVEPOINT kept_plan")


def _run(db, sql):
    """Runs `sql` on the raw connection: PREPARE and DEALLOCATE are bookkeeping, not queries a test counts.
    Returns whether it succeeded."""
    try:
        with recoverable(db), db.connection.cursor() as cursor:
            cursor.execute(sql)
    except db.Database.Error:  # the driver's own: the raw connection's errors are not Django's
        return False
    return True


def _exists(db, name):
    with db.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [name])
        return cursor.fetchone() is not None


def prepared_name(db, sql, params):
    """The name `sql` is prepared under on this connection, preparing it now if needed; None if it cannot be
    (remembered, so that a statement PostgreSQL refused is not offered to it again on every run)."""
    kept = statements_of(db)
    key = (sql, tuple(type_of(value) for value in params))
    if key in kept.names:
        kept.names.move_to_end(key)
        return kept.names[key]
    # Named after what it is, so that a name means one statement whoever prepared it: a pooler in front of
    # PostgreSQL may hand this connection's statements to another client, or another client's to this one.
    name = "kept_plan_" + hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    declared = f"({', '.join(key[1])})" if params else ""
    prepared = _run(db, f"PREPARE {name}{declared} AS {numbered(sql) if params else sql}")
    if not prepared and not _exists(db, name):
        name = None
    kept.names[key] = name
    if len(kept.names) > KEPT:
        _, oldest = kept.names.popitem(last=False)
        if oldest is not None:
            _run(db, f"DEALLOCATE {oldest}")
    return name


def forgotten(error, db):
    """Whether `error` says the server no longer has a statement this connection prepared: after DISCARD ALL or
    DEALLOCATE ALL, as a connection pooler in front of PostgreSQL may send between two clients."""
    return isinstance(error.__cause__, db.Database.errors.InvalidSqlStatementName)


def execute_prepared(execute, sql, params, many, context):
    db = context["connection"]
    if many or isinstance(params, dict) or not sql.lstrip().startswith(PREPARABLE):
        return execute(sql, params, many, context)
    values = tuple(params or ())
    name = prepared_name(db, sql, values)
    if name is None:
        return execute(sql, params, many, context)
    arguments = f"({', '.join(['%s'] * len(values))})" if values else ""
    try:
        with recoverable(db):
            return execute(f"EXECUTE {name}{arguments}", values or None, many, context)
    except DatabaseError as error:
        if not forgotten(error, db):
            raise
    # Start again with none kept; this statement runs as usual and is prepared anew next time.
    del db.kept_plans
    return execute(sql, params, many, context)


@contextmanager
def kept_plans():
    """SELECTs run inside are prepared once per connection (see the module's docstring). Only for statements
    whose best plan is the same whatever their parameters' values."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.execute_wrapper(execute_prepared):
        yield


def rows_by_ids(queryset, bottom, top, read=None, lookup=None):
    """Rows `bottom` to `top` of `queryset`, in two statements. The ids come first, planned for the filter's values,
    from the index that serves the queryset's order. Then only those rows are read with what the page shows (its
    joins and annotations), by a statement whose plan is the same whatever the ids, and so is kept. `read` turns
    the queryset into the rows the page uses (agreements/table_rows.py); by default its model instances.
    `lookup(ids)`, where given, reads the rows instead, by a statement compiled once (compiled_rows.py)."""
    return rows_in_order(list(queryset.values_list("pk", flat=True)[bottom:top]), queryset, read, lookup)


def rows_in_order(ids, queryset=None, read=None, lookup=None):
    """The rows of `ids`, in their order, read as rows_by_ids reads them: by `lookup(ids)`, or from `queryset`."""
    if not ids:
        return []
    with kept_plans():
        if lookup is not None:
            rows = lookup(ids)
        else:
            rows = queryset.filter(pk__in=ids)
            rows = read(rows) if read else rows
        found = {row.pk: row for row in rows}
    # A row deleted between the two statements is left out rather than failing the page.
    return [found[pk] for pk in ids if pk in found]
