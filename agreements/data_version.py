"""A number that moves on exactly when a transaction that changed what staff pages show commits.

Figures and rendered parts of pages are kept per version (agreements/views/figures.py, agreements/page_cache.py):
they stay right until a write commits, and no longer. On PostgreSQL one row, `agreements_dataversion`, holds a
token made with the database and a counter. Every table of this app, and the names and state of user accounts,
carry a deferred constraint trigger: the first row a transaction writes queues it, and at commit it adds one to
the counter, once per transaction (a transaction-local setting says it has). Being deferred, the counter's row is
locked only while the transaction commits, not for its whole length, so writers do not queue behind one another.

The counter commits with the data it stands for, so a reader that sees a version sees at least that data; one
that read the version just before a commit may keep newer figures under the older version, which nobody reads
again. The token tells databases apart (a restored or recreated database starts its counter again). TRUNCATE,
which fires no row triggers, moves the counter at once.

Inside a transaction (a view that writes, or a test) a reader's own writes are not in the version yet, so nothing
is kept there; nor on SQLite, which has no such triggers (`make run`).
"""

import threading

from django.db import DEFAULT_DB_ALIAS, connections

TABLE = "agreements_dataversion"
FUNCTION = "agreements_bump_data_version"
TRUNCATE_FUNCTION = "agreements_bump_data_version_now"
TRIGGER = "agreements_data_version"
TRUNCATE_TRIGGER = "agreements_data_version_truncate"
DONE = "agreements.data_version_bumped"

# Columns of auth_user that pages show or that decide what a user sees; a sign-in writes last_login only.
USER_COLUMNS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")

CREATE = [
    f"""
    CREATE TABLE IF NOT EXISTS {TABLE} (
        id smallint PRIMARY KEY CHECK (id = 1),
        token uuid NOT NULL DEFAULT gen_random_uuid(),
        version bigint NOT NULL DEFAULT 0
    )
    """,
    f"INSERT INTO {TABLE} (id) VALUES (1) ON CONFLICT (id) DO NOTHING",
    f"""
    CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('{DONE}', true) IS DISTINCT FROM 'yes' THEN
            UPDATE {TABLE} SET version = version + 1 WHERE id = 1;
            PERFORM set_config('{DONE}', 'yes', true);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION {TRUNCATE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {TABLE} SET version = version + 1 WHERE id = 1;
        RETURN NULL;
    END
    $$
    """,
]

DROP = [
    f"DROP FUNCTION IF EXISTS {FUNCTION}() CASCADE",
    f"DROP FUNCTION IF EXISTS {TRUNCATE_FUNCTION}() CASCADE",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def tracked_tables(connection):
    """Every table of this app, and auth_user: what any staff page, figure or export reads."""
    from django.apps import apps

    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    tables = {model._meta.db_table for model in apps.get_app_config("agreements").get_models()}
    tables |= {model._meta.db_table for model in apps.get_app_config("auth").get_models()}
    # Memberships and permissions: their tables have no model of their own.
    tables |= {"auth_user_groups", "auth_user_user_permissions", "auth_group_permissions"}
    return sorted(table for table in tables if table in existing)


def trigger_statements(table):
    quoted = f'"{table}"'
    events = "INSERT OR UPDATE OR DELETE"
    statements = [
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}",
        f"DROP TRIGGER IF EXISTS {TRIGGER}_update ON {quoted}",
        f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {quoted}",
    ]
    if table == "auth_user":
        events = "INSERT OR DELETE"
        changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in USER_COLUMNS)
        statements.append(
            f"CREATE CONSTRAINT TRIGGER {TRIGGER}_update AFTER UPDATE ON {quoted} DEFERRABLE INITIALLY DEFERRED "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {FUNCTION}()"
        )
    statements += [
        f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER {events} ON {quoted} DEFERRABLE INITIALLY DEFERRED "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON {quoted} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {TRUNCATE_FUNCTION}()",
    ]
    return statements


def install(connection):
    """Create the version row and its functions, and put the triggers on every tracked table (idempotent)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in CREATE:
            cursor.execute(statement)
        for table in tracked_tables(connection):
            for statement in trigger_statements(table):
                cursor.execute(statement)


def uninstall(connection):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in DROP:
            cursor.execute(statement)


def install_after_migrate(sender, using, **kwargs):
    """post_migrate: a table added by a later migration is tracked from its first migrate on."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            return  # before the migration that makes it
    install(connection)


def untracked_tables(connection):
    """Tracked tables missing their trigger (check and tests)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers WHERE trigger_name = %s", [TRIGGER]
        )
        have = {row[0] for row in cursor.fetchall()}
    return [table for table in tracked_tables(connection) if table not in have]


# Within one request the version is read once, on first use, and kept until the request ends: the page cache,
# the filters' option lists and the reader's permissions all key on it. A view that commits a write and then
# reads it again gets the older number, which only files what it keeps under a version nobody reads any more.
_request = threading.local()


def start_request(**kwargs):
    _request.versions = {}


def end_request(**kwargs):
    _request.versions = None


def current(using=DEFAULT_DB_ALIAS):
    """ "<token>:<counter>" for the committed state of the data, or None where it cannot be known."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    versions = getattr(_request, "versions", None)
    if versions is not None and using in versions:
        return versions[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token::text || ':' || version FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    version = row[0] if row else None
    if versions is not None:
        versions[using] = version
    return version
