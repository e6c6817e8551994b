"""Figures kept by the database: action lines and agreements counted per clearance level, in a few hundred rows.

The dashboard and the commission pages sum a million action lines. Counting them on each request costs PostgreSQL
hundreds of milliseconds whatever the indexes, so triggers keep the sums, in the same transaction as the rows
they count (a reader sees figures and rows of the same commit, and a rolled-back write leaves both as they were):

- `agreements_tally_lines_session`: action lines by (level, commission, session, class): how many, percent sum;
- `agreements_tally_lines_sector`: action lines by (level, sector, class): the same;
- `agreements_tally_agreements`: agreements by (level, commission, session, status): how many;
- `agreements_tally_owners`: per responsible person, the open lines due before the boundary, a column per level.

A line's class is `done`, `cancelled`, or, open, `overdue` when due before the boundary day and `open` from it on.
Time moves lines from open to overdue without a write, so readers correct the tallied figures with the open lines
due between the boundary and the day they ask about (see "Reading" below: a range of the open lines' deadline
index, empty once the boundary is today), and the first reader of a day moves the boundary to today (`advance()`),
moving those lines between the classes. The triggers take a shared advisory lock before reading the boundary and
advance() an exclusive one, tried and never waited for, so no writer counts with a boundary that is being moved.

The triggers are per statement, with transition tables: an import of 10,000 lines, or the benchmark's COPY, adds
one grouped row per key; a statement that changes nothing counted (a title, a description) writes no tally row,
so writers do not queue behind one another on them. A write that does change a figure holds its tally rows until
it commits: two transactions changing the figures of the same session, sector or person take turns, the second
waiting for the first to commit (an import holds them for its length).

The level (`confidentiality`), commission, sector and session are the line's own copies (agreements/placement.py),
so moving an agreement moves its lines' figures through the cascade of those copies. PostgreSQL only: on SQLite
(`make run`) the figures are counted from the rows (agreements/views/figures.py), which is also how the tests check
these (`differences()`, and tests/test_tallies.py).
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from .clock import local_today
from .models import OPEN_STATUSES, ActionLine, Agreement

LEVELS = tuple(Agreement.Confidentiality.values)
BOUNDARY = "agreements_tally_boundary"
LINES_BY_SESSION = "agreements_tally_lines_session"
LINES_BY_SECTOR = "agreements_tally_lines_sector"
AGREEMENTS = "agreements_tally_agreements"
OWNERS = "agreements_tally_owners"
TABLES = (LINES_BY_SESSION, LINES_BY_SECTOR, AGREEMENTS, OWNERS)
# pg_advisory_xact_lock key: "tally" in ASCII.
LOCK = 0x74616C6C79

OVERDUE, OPEN = "overdue", "open"
DONE, CANCELLED = ActionLine.Status.DONE.value, ActionLine.Status.CANCELLED.value
_OPEN_SQL = ", ".join(f"'{status}'" for status in OPEN_STATUSES)


def owners_total(levels):
    """The owners table's expression for the overdue lines of `levels` (each has an index, see CREATE)."""
    return " + ".join(sorted(levels, key=LEVELS.index))


def _audiences():
    """The level sets a reader can have: all (the secretariat), public + internal (staff), public (counterparts)."""
    return [LEVELS, LEVELS[:2], LEVELS[:1]]


CREATE = [
    f"CREATE TABLE IF NOT EXISTS {BOUNDARY} (id smallint PRIMARY KEY CHECK (id = 1), day date NOT NULL)",
    f"INSERT INTO {BOUNDARY} (id, day) VALUES (1, CURRENT_DATE) ON CONFLICT (id) DO NOTHING",
    f"""
    CREATE TABLE IF NOT EXISTS {LINES_BY_SESSION} (
        level varchar(10) NOT NULL, commission_id bigint NOT NULL, session_id bigint NOT NULL,
        class varchar(10) NOT NULL, lines bigint NOT NULL, percent_sum bigint NOT NULL,
        PRIMARY KEY (commission_id, session_id, level, class)
    )
    """,
    f"""
    CREATE TABLE IF NOT EXISTS {LINES_BY_SECTOR} (
        level varchar(10) NOT NULL, sector_id bigint NOT NULL, class varchar(10) NOT NULL,
        lines bigint NOT NULL, percent_sum bigint NOT NULL,
        PRIMARY KEY (sector_id, level, class)
    )
    """,
    f"""
    CREATE TABLE IF NOT EXISTS {AGREEMENTS} (
        level varchar(10) NOT NULL, commission_id bigint NOT NULL, session_id bigint NOT NULL,
        status varchar(20) NOT NULL, agreements bigint NOT NULL,
        PRIMARY KEY (commission_id, session_id, level, status)
    )
    """,
    f"""
    CREATE TABLE IF NOT EXISTS {OWNERS} (
        person_id bigint PRIMARY KEY,
        {", ".join(f"{level} bigint NOT NULL DEFAULT 0" for level in LEVELS)}
    )
    """,
    # The dashboard's top owners read the first rows of one of these, for the reader's levels.
    *(
        f"CREATE INDEX IF NOT EXISTS {OWNERS}_{'_'.join(levels)} ON {OWNERS} (({owners_total(levels)}) DESC)"
        for levels in _audiences()
    ),
    f"""
    CREATE OR REPLACE FUNCTION agreements_tally_class(status text, due date, boundary date) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN status IN ('{DONE}', '{CANCELLED}') THEN status
                    WHEN due < boundary THEN '{OVERDUE}' ELSE '{OPEN}' END
    $$
    """,
]


def _line_changes(table, sign):
    """The rows of `table` (a transition table, or a query) as signed changes to the line tallies."""
    return f"""
        SELECT confidentiality AS level, commission_id, COALESCE(session_id, 0) AS session_id, sector_id,
               responsible_person_id AS person_id, agreements_tally_class(status, due_date, boundary) AS class,
               percent_complete AS percent, {sign} AS sign
          FROM {table}
    """


def _line_upserts(changes):
    """Statements adding `changes` (SQL of signed line changes) to the line tallies. The sums are grouped first,
    so each key is written once, and keys whose changes cancel out are not written at all. Rows are written in key
    order, so that two statements adding to the same rows lock them in the same order and cannot deadlock."""
    by_level = {level: f"COALESCE(SUM(sign) FILTER (WHERE level = '{level}'), 0)" for level in LEVELS}
    return [
        f"""
        WITH changes AS ({changes})
        INSERT INTO {LINES_BY_SESSION} AS tally (level, commission_id, session_id, class, lines, percent_sum)
        SELECT level, commission_id, session_id, class, SUM(sign), SUM(sign * percent) FROM changes
         GROUP BY level, commission_id, session_id, class HAVING SUM(sign) <> 0 OR SUM(sign * percent) <> 0
         ORDER BY commission_id, session_id, level, class
        ON CONFLICT (commission_id, session_id, level, class) DO UPDATE
           SET lines = tally.lines + EXCLUDED.lines, percent_sum = tally.percent_sum + EXCLUDED.percent_sum
        """,
        f"""
        WITH changes AS ({changes})
        INSERT INTO {LINES_BY_SECTOR} AS tally (level, sector_id, class, lines, percent_sum)
        SELECT level, sector_id, class, SUM(sign), SUM(sign * percent) FROM changes
         GROUP BY level, sector_id, class HAVING SUM(sign) <> 0 OR SUM(sign * percent) <> 0
         ORDER BY sector_id, level, class
        ON CONFLICT (sector_id, level, class) DO UPDATE
           SET lines = tally.lines + EXCLUDED.lines, percent_sum = tally.percent_sum + EXCLUDED.percent_sum
        """,
        f"""
        WITH changes AS ({changes})
        INSERT INTO {OWNERS} AS tally (person_id, {", ".join(LEVELS)})
        SELECT person_id, {", ".join(by_level.values())} FROM changes
         WHERE class = '{OVERDUE}' AND person_id IS NOT NULL
         GROUP BY person_id HAVING {" OR ".join(f"{total} <> 0" for total in by_level.values())}
         ORDER BY person_id
        ON CONFLICT (person_id) DO UPDATE
           SET {", ".join(f"{level} = tally.{level} + EXCLUDED.{level}" for level in LEVELS)}
        """,
    ]


def _agreement_upsert(changes):
    return f"""
        WITH changes AS ({changes})
        INSERT INTO {AGREEMENTS} AS tally (level, commission_id, session_id, status, agreements)
        SELECT level, commission_id, session_id, status, SUM(sign) FROM changes
         GROUP BY level, commission_id, session_id, status HAVING SUM(sign) <> 0
         ORDER BY commission_id, session_id, level, status
        ON CONFLICT (commission_id, session_id, level, status) DO UPDATE
           SET agreements = tally.agreements + EXCLUDED.agreements
        """


def _agreement_changes(table, sign):
    return f"SELECT confidentiality AS level, commission_id, session_id, status, {sign} AS sign FROM {table}"


# Per trigger event: what it is called in CREATE TRIGGER, its transition tables, and their rows' signs.
EVENTS = {
    "insert": ("INSERT", "NEW TABLE AS new_rows", (("new_rows", 1),)),
    "update": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", (("new_rows", 1), ("old_rows", -1))),
    "delete": ("DELETE", "OLD TABLE AS old_rows", (("old_rows", -1),)),
}


def _line_statements(sources):
    return _line_upserts(" UNION ALL ".join(_line_changes(table, sign) for table, sign in sources))


def _agreement_statements(sources):
    return [_agreement_upsert(" UNION ALL ".join(_agreement_changes(table, sign) for table, sign in sources))]


def _trigger_statements(table, kind, statements_for):
    """A function and a trigger per event on `table`; `statements_for(sources)` adds the signed rows up."""
    statements = []
    for event, (verb, referencing, sources) in EVENTS.items():
        function = f"agreements_tally_{kind}_{event}"
        body = ";\n".join(statements_for(sources))
        statements += [
            f"""
            CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE boundary date;
            BEGIN
                PERFORM pg_advisory_xact_lock_shared({LOCK});
                SELECT day INTO boundary FROM {BOUNDARY} WHERE id = 1;
                {body};
                RETURN NULL;
            END
            $$
            """,
            f"DROP TRIGGER IF EXISTS {function} ON {table}",
            f"CREATE TRIGGER {function} AFTER {verb} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    return statements


def _truncate_statements(table, kind, tallies):
    """TRUNCATE fires no row or statement triggers of the events above: the tallies are emptied with the table."""
    function = f"agreements_tally_{kind}_truncate"
    deletes = " ".join(f"DELETE FROM {tally};" for tally in tallies)
    return [
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {deletes} RETURN NULL; END
        $$
        """,
        f"DROP TRIGGER IF EXISTS {function} ON {table}",
        f"CREATE TRIGGER {function} AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def install_statements():
    lines, agreements = ActionLine._meta.db_table, Agreement._meta.db_table
    return [
        *CREATE,
        *_trigger_statements(lines, "lines", _line_statements),
        *_trigger_statements(agreements, "agreements", _agreement_statements),
        *_truncate_statements(lines, "lines", (LINES_BY_SESSION, LINES_BY_SECTOR, OWNERS)),
        *_truncate_statements(agreements, "agreements", (AGREEMENTS,)),
    ]


def uninstall_statements():
    lines, agreements = ActionLine._meta.db_table, Agreement._meta.db_table
    statements = []
    for table, kind in ((lines, "lines"), (agreements, "agreements")):
        for event in (*EVENTS, "truncate"):
            function = f"agreements_tally_{kind}_{event}"
            statements += [f"DROP TRIGGER IF EXISTS {function} ON {table}", f"DROP FUNCTION IF EXISTS {function}()"]
    statements += [f"DROP TABLE IF EXISTS {table}" for table in (*TABLES, BOUNDARY)]
    statements.append("DROP FUNCTION IF EXISTS agreements_tally_class(text, date, date)")
    return statements


def _execute(connection, statements, params=None):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)


def install(connection):
    """Create the tables, functions and triggers, and count what is there (a migration; idempotent)."""
    if connection.vendor == "postgresql":
        _execute(connection, install_statements())
        rebuild(connection)


def uninstall(connection):
    if connection.vendor == "postgresql":
        _execute(connection, uninstall_statements())


def _all_rows():
    """Every line, as changes to add to empty tallies (`boundary` is the stored day, read in the statement)."""
    return _line_changes(
        f"{ActionLine._meta.db_table}, (SELECT day AS boundary FROM {BOUNDARY} WHERE id = 1) AS stored", 1
    )


def rebuild(connection):
    """Count every tally again from the rows, under the exclusive lock (no writer adds to them meanwhile)."""
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_xact_lock({LOCK})")
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table}")
        _execute(connection, _line_upserts(_all_rows()))
        _execute(connection, [_agreement_upsert(_agreement_changes(Agreement._meta.db_table, 1))])


# ---------- The boundary ----------


def boundary(using=DEFAULT_DB_ALIAS):
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT day FROM {BOUNDARY} WHERE id = 1")
        return cursor.fetchone()[0]


def keep_near(stored, today, using=DEFAULT_DB_ALIAS):
    """After a read found the boundary at `stored`: move it to `today` when that is the real today, so that the
    next readers' correction is empty. Readers are right either way; this only keeps their correction short."""
    if stored != today and today == local_today():
        advance(today, using)


def advance(today, using=DEFAULT_DB_ALIAS):
    """Move the boundary to `today`, moving the lines due in between from one class to the other. Does nothing
    (and returns False) inside a transaction, where the move would wait for its end, or while a writer holds the
    lock; readers correct for the gap meanwhile, so this is only about keeping that correction small."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_try_advisory_xact_lock({LOCK})")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(f"SELECT day FROM {BOUNDARY} WHERE id = 1 FOR UPDATE")
        stored = cursor.fetchone()[0]
        if stored == today:
            return True
        # The lines due between the old boundary and the new one, whichever is earlier, change class.
        first, last = sorted((stored, today))
        moving = f"""
                SELECT * FROM {ActionLine._meta.db_table}, (SELECT %(today)s::date AS boundary) AS new
                 WHERE status IN ({_OPEN_SQL}) AND due_date >= %(first)s AND due_date < %(last)s
            """
        # Each moving line leaves its old class and enters its new one: the new boundary classifies it.
        changes = f"""
                {_line_changes(f"({moving}) AS entering", 1)}
                UNION ALL
                SELECT level, commission_id, session_id, sector_id, person_id,
                       CASE class WHEN '{OVERDUE}' THEN '{OPEN}' ELSE '{OVERDUE}' END, percent, -1
                  FROM ({_line_changes(f"({moving}) AS leaving", 1)}) AS left_class
            """
        params = {"today": today, "first": first, "last": last}
        for statement in _line_upserts(changes):
            cursor.execute(statement, params)
        cursor.execute(f"UPDATE {BOUNDARY} SET day = %s WHERE id = 1", [today])
    return True


# ---------- Reading ----------
# Each takes the levels a reader sees on every agreement (agreements/access.py open_levels, or all of them) and the
# day asked about, and is one statement: the boundary it corrects for is read in the same snapshot as the tallies,
# so a boundary moved meanwhile by another reader cannot be applied to tallies split at the old one. The open lines
# due between the boundary and that day are counted from the partial index of open lines by deadline (migration
# 0015): "forward" ones (boundary behind the day) are overdue but tallied open, "backward" ones the reverse.

_STORED = f"(SELECT day FROM {BOUNDARY} WHERE id = 1)"
_BETWEEN = f"""
    FROM {ActionLine._meta.db_table}
   WHERE confidentiality = ANY(%(levels)s) AND status IN ({_OPEN_SQL})
     AND due_date >= LEAST({_STORED}, %(today)s) AND due_date < GREATEST({_STORED}, %(today)s)
"""
# Per line between the boundary and the day: +1 to overdue (forward), -1 (backward).
_SIGNED = "CASE WHEN due_date < %(today)s THEN 1 ELSE -1 END"


def _one_row(sql, params, using):
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _json_rows(columns, query):
    """A subquery giving the rows of `query` as one JSON array of [columns…], read in the same statement."""
    return f"(SELECT COALESCE(json_agg(json_build_array({columns})), '[]') FROM ({query}) AS rows)"


def dashboard(levels, today, soon_until, using=DEFAULT_DB_ALIAS):
    """{"sectors": [(sector, class, lines, percent sum)], "agreements": {status: n}, "overdue_correction": n,
    "today": n, "soon": n} over `levels`; the correction is what to add to the tallied overdue lines."""
    params = {"levels": list(levels), "today": today, "soon": soon_until}
    sectors = _json_rows(
        "sector_id, class, lines, percent_sum",
        f"SELECT sector_id, class, SUM(lines) AS lines, SUM(percent_sum) AS percent_sum FROM {LINES_BY_SECTOR} "
        "WHERE level = ANY(%(levels)s) GROUP BY sector_id, class",
    )
    agreements = _json_rows(
        "status, n",
        f"SELECT status, SUM(agreements) AS n FROM {AGREEMENTS} WHERE level = ANY(%(levels)s) GROUP BY status",
    )
    near = f"""
        (SELECT json_build_array(COUNT(*) FILTER (WHERE due_date = %(today)s),
                                 COUNT(*) FILTER (WHERE due_date > %(today)s AND due_date <= %(soon)s))
           FROM {ActionLine._meta.db_table}
          WHERE confidentiality = ANY(%(levels)s) AND status IN ({_OPEN_SQL})
            AND due_date >= %(today)s AND due_date <= %(soon)s)
    """
    correction = f"(SELECT COALESCE(SUM({_SIGNED}), 0) {_BETWEEN})"
    boundary, sectors, agreements, near, correction = _one_row(
        f"SELECT {_STORED}, {sectors}, {agreements}, {near}, {correction}", params, using
    )
    return {
        "boundary": boundary,
        "sectors": sectors,
        "agreements": dict(agreements),
        "overdue_correction": int(correction),
        "today": near[0],
        "soon": near[1],
    }


def lines_by_session(levels, today, commission_id=None, per_commission=False, using=DEFAULT_DB_ALIAS):
    """{"lines": [(commission, session, total, open, overdue, done, percent sum, counted)], "overdue_corrections":
    [(commission, session, n)], "agreements": [(commission, session, n)]} over `levels`, for one commission or all;
    per commission (session None) if `per_commission`. The lines' figures are summed over their classes here, as
    figures._session_figures sums them, so that a page reads a row per session rather than one per class."""
    params = {
        "levels": list(levels),
        "today": today,
        "commission": commission_id,
        "open": [OPEN, OVERDUE],
        "overdue": OVERDUE,
        "done": DONE,
        "cancelled": CANCELLED,
    }
    one = "" if commission_id is None else "AND commission_id = %(commission)s"
    group = "commission_id, NULL::bigint" if per_commission else "commission_id, session_id"
    by = "commission_id" if per_commission else "commission_id, session_id"
    tallied = _json_rows(
        "commission_id, session_id, total, open, overdue, done, percent_sum, counted",
        f"SELECT {group} AS session_id, SUM(lines) AS total, "
        "COALESCE(SUM(lines) FILTER (WHERE class = ANY(%(open)s)), 0) AS open, "
        "COALESCE(SUM(lines) FILTER (WHERE class = %(overdue)s), 0) AS overdue, "
        "COALESCE(SUM(lines) FILTER (WHERE class = %(done)s), 0) AS done, "
        "COALESCE(SUM(percent_sum) FILTER (WHERE class <> %(cancelled)s), 0) AS percent_sum, "
        "COALESCE(SUM(lines) FILTER (WHERE class <> %(cancelled)s), 0) AS counted "
        f"FROM {LINES_BY_SESSION} WHERE level = ANY(%(levels)s) {one} GROUP BY {by}",
    )
    corrections = _json_rows(
        "commission_id, session_id, n",
        f"SELECT {group} AS session_id, SUM({_SIGNED}) AS n {_BETWEEN} {one} GROUP BY {by}",
    )
    agreements = _json_rows(
        "commission_id, session_id, n",
        f"SELECT {group} AS session_id, SUM(agreements) AS n "
        f"FROM {AGREEMENTS} WHERE level = ANY(%(levels)s) {one} GROUP BY {by}",
    )
    boundary, lines, corrections, agreements = _one_row(
        f"SELECT {_STORED}, {tallied}, {corrections}, {agreements}", params, using
    )
    return {"boundary": boundary, "lines": lines, "overdue_corrections": corrections, "agreements": agreements}


def owner_candidates(levels, limit, today, using=DEFAULT_DB_ALIAS):
    """The people who can be among the `limit` with most overdue lines over `levels` on `today`: the top of the
    tally, everyone tied with the last of them, and the people of the lines due since the boundary. None when the
    boundary is ahead of `today` (a past day asked about), which can lower anyone's count: count everyone then."""
    total = owners_total(levels)
    params = {"levels": list(levels), "today": today, "offset": limit - 1}
    top = f"""
        SELECT person_id FROM {OWNERS}
         WHERE {total} >= COALESCE(
            (SELECT {total} FROM {OWNERS} WHERE {total} > 0 ORDER BY {total} DESC OFFSET %(offset)s LIMIT 1), 1
         )
    """
    moving = f"SELECT responsible_person_id {_BETWEEN} AND responsible_person_id IS NOT NULL"
    behind, people = _one_row(
        f"SELECT {_STORED} <= %(today)s, ARRAY(SELECT * FROM ({top}) AS top UNION SELECT * FROM ({moving}) AS moving)",
        params,
        using,
    )
    return set(people) if behind else None


# ---------- Checking ----------


def differences(using=DEFAULT_DB_ALIAS):
    """{table: [(key, kept, counted)]} where a tally differs from a count of the rows (tests, and a check after
    a restore or a raw write with triggers disabled). Empty when they agree."""
    connection = connections[using]
    kept = {table: _snapshot(connection, table) for table in TABLES}
    with transaction.atomic(using=using):
        rebuild(connection)
        counted = {table: _snapshot(connection, table) for table in TABLES}
        transaction.set_rollback(True, using=using)
    found = {}
    for table in TABLES:
        keys = set(kept[table]) | set(counted[table])
        wrong = [(key, kept[table].get(key), counted[table].get(key)) for key in sorted(keys, key=str)]
        wrong = [row for row in wrong if row[1] != row[2]]
        if wrong:
            found[table] = wrong
    return found


def _snapshot(connection, table):
    """{key: values} of a tally, rows whose values are all zero left out (a key whose lines all left)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        columns = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    values = {"lines", "percent_sum", "agreements", *LEVELS}
    keys = [n for n, name in enumerate(columns) if name not in values]
    counts = [n for n, name in enumerate(columns) if name in values]
    snapshot = {}
    for row in rows:
        measures = tuple(row[n] for n in counts)
        if any(measures):
            snapshot[tuple(row[n] for n in keys)] = measures
    return snapshot
