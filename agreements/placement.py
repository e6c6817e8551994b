"""Where an agreement or action line sits: the stored copies of session, commission and sector, kept by the database.

Agreements keep `session`, `commission` and `sector` from their meeting → session chain, and action lines keep
`commission`, `sector`, `confidentiality` and `session` from their agreement, so that lists filter, readers' clearance
is checked and figures are kept (agreements/tallies.py) without joins. Triggers keep the copies right under every
write (save(), bulk_create, QuerySet.update(), raw SQL, COPY), so the database is the one authority:

- PostgreSQL: BEFORE INSERT/UPDATE triggers on agreements and action lines set the copies from the chain (whatever
  the writer sent); AFTER UPDATE triggers on meetings (session or sector), sessions (commission) and agreements
  (meeting, hence commission or sector, and confidentiality) cascade to the rows below.
- SQLite cannot change NEW in a trigger, so AFTER triggers correct the row just written and cascade the same way.
  An insert must still name some placement (NOT NULL is checked before an AFTER trigger runs), which save()
  does. SQLite rebuilds a table on many schema changes and drops its triggers, so they are installed again after
  every migrate (apps.py).

Migrations 0008, 0014 and 0018 install this SQL; a change to it needs a new migration that installs it again. `drift()`
compares every row with the chain (manage.py check_placement), and `repair()` puts drifted rows right in two
set-based updates.
"""

from django.db.models import F, OuterRef, Subquery

# The columns an action line copies from its agreement (same names on both). Migration 0008 installed the triggers
# for the first two; 0014 added the confidentiality and 0018 the session. A migration installs the triggers for the
# columns its schema has.
LINE_COPIES = ("commission_id", "sector_id", "confidentiality", "session_id")


def _columns(names, prefix=""):
    return ", ".join(f"{prefix}{name}" for name in names)


def postgresql_install(line_copies=LINE_COPIES):
    """The CREATE statements of the PostgreSQL triggers, for action lines copying `line_copies`."""
    copies, from_agreement = _columns(line_copies), _columns(line_copies, "agreement.")
    into, new = _columns(line_copies, "NEW."), _columns(line_copies, "NEW.")
    assignments = ", ".join(f"{name} = NEW.{name}" for name in line_copies)
    changed = " OR ".join(f"OLD.{name} IS DISTINCT FROM NEW.{name}" for name in line_copies)
    return [
        """
    CREATE OR REPLACE FUNCTION agreements_agreement_placement() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT meeting.session_id, session.commission_id, meeting.sector_id
          INTO NEW.session_id, NEW.commission_id, NEW.sector_id
          FROM agreements_sectoralmeeting meeting
          JOIN agreements_session session ON session.id = meeting.session_id
         WHERE meeting.id = NEW.meeting_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'sectoral meeting % does not exist', NEW.meeting_id USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
        # Placement columns are listed too, so a writer that sets them directly is put right.
        """
    CREATE TRIGGER agreements_agreement_placement
    BEFORE INSERT OR UPDATE OF meeting_id, session_id, commission_id, sector_id ON agreements_agreement
    FOR EACH ROW EXECUTE FUNCTION agreements_agreement_placement()
    """,
        f"""
    CREATE OR REPLACE FUNCTION agreements_actionline_placement() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT {from_agreement}
          INTO {into}
          FROM agreements_agreement agreement
         WHERE agreement.id = NEW.agreement_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'agreement % does not exist', NEW.agreement_id USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
        f"""
    CREATE TRIGGER agreements_actionline_placement
    BEFORE INSERT OR UPDATE OF agreement_id, {copies} ON agreements_actionline
    FOR EACH ROW EXECUTE FUNCTION agreements_actionline_placement()
    """,
        # Cascades. Each sets the columns the row below copies; that row's BEFORE trigger then reads the chain.
        f"""
    CREATE OR REPLACE FUNCTION agreements_agreement_placement_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE agreements_actionline SET {assignments}
         WHERE agreement_id = NEW.id AND ({copies}) IS DISTINCT FROM ({new});
        RETURN NULL;
    END
    $$
    """,
        # meeting_id is listed: a BEFORE trigger's changes do not count as columns the UPDATE named.
        f"""
    CREATE TRIGGER agreements_agreement_placement_cascade
    AFTER UPDATE OF meeting_id, {copies} ON agreements_agreement
    FOR EACH ROW WHEN ({changed})
    EXECUTE FUNCTION agreements_agreement_placement_cascade()
    """,
        """
    CREATE OR REPLACE FUNCTION agreements_sectoralmeeting_placement_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE agreements_agreement SET session_id = NEW.session_id, sector_id = NEW.sector_id
         WHERE meeting_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
        """
    CREATE TRIGGER agreements_sectoralmeeting_placement_cascade
    AFTER UPDATE OF session_id, sector_id ON agreements_sectoralmeeting
    FOR EACH ROW WHEN (OLD.session_id IS DISTINCT FROM NEW.session_id OR OLD.sector_id IS DISTINCT FROM NEW.sector_id)
    EXECUTE FUNCTION agreements_sectoralmeeting_placement_cascade()
    """,
        """
    CREATE OR REPLACE FUNCTION agreements_session_placement_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE agreements_agreement SET commission_id = NEW.commission_id
         WHERE meeting_id IN (SELECT id FROM agreements_sectoralmeeting WHERE session_id = NEW.id);
        RETURN NULL;
    END
    $$
    """,
        """
    CREATE TRIGGER agreements_session_placement_cascade
    AFTER UPDATE OF commission_id ON agreements_session
    FOR EACH ROW WHEN (OLD.commission_id IS DISTINCT FROM NEW.commission_id)
    EXECUTE FUNCTION agreements_session_placement_cascade()
    """,
    ]


POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS agreements_session_placement_cascade ON agreements_session",
    "DROP TRIGGER IF EXISTS agreements_sectoralmeeting_placement_cascade ON agreements_sectoralmeeting",
    "DROP TRIGGER IF EXISTS agreements_agreement_placement_cascade ON agreements_agreement",
    "DROP TRIGGER IF EXISTS agreements_actionline_placement ON agreements_actionline",
    "DROP TRIGGER IF EXISTS agreements_agreement_placement ON agreements_agreement",
    "DROP FUNCTION IF EXISTS agreements_session_placement_cascade()",
    "DROP FUNCTION IF EXISTS agreements_sectoralmeeting_placement_cascade()",
    "DROP FUNCTION IF EXISTS agreements_agreement_placement_cascade()",
    "DROP FUNCTION IF EXISTS agreements_actionline_placement()",
    "DROP FUNCTION IF EXISTS agreements_agreement_placement()",
]

# SQLite: correct the row just written from the chain. Its recursive triggers are off, so a trigger's own UPDATE
# does not fire it again; the other triggers do fire, which is how the cascade travels down.
_SQLITE_SET_AGREEMENT = """
    UPDATE agreements_agreement SET
        session_id = (SELECT session_id FROM agreements_sectoralmeeting WHERE id = NEW.meeting_id),
        commission_id = (
            SELECT session.commission_id FROM agreements_sectoralmeeting meeting
            JOIN agreements_session session ON session.id = meeting.session_id WHERE meeting.id = NEW.meeting_id
        ),
        sector_id = (SELECT sector_id FROM agreements_sectoralmeeting WHERE id = NEW.meeting_id)
    WHERE id = NEW.id;
"""


def _sqlite_set_line(line_copies, agreement):
    """The SET list of an UPDATE that copies `line_copies` from the agreement whose id is `agreement` (SQL)."""
    return ", ".join(
        f"{name} = (SELECT {name} FROM agreements_agreement WHERE id = {agreement})" for name in line_copies
    )


def sqlite_triggers(line_copies=LINE_COPIES):
    """{name: body} of the SQLite triggers, for action lines copying `line_copies`."""
    copies = _columns(line_copies)
    agreement_columns = _columns(dict.fromkeys(("meeting_id", "session_id", *line_copies)))
    set_line = (
        f"UPDATE agreements_actionline SET {_sqlite_set_line(line_copies, 'NEW.agreement_id')} WHERE id = NEW.id;"
    )
    return {
        "agreements_agreement_placement_insert": f"""
            AFTER INSERT ON agreements_agreement BEGIN {_SQLITE_SET_AGREEMENT} END
        """,
        # Reads the agreement row back rather than NEW, so the lines get the corrected values in any trigger order.
        "agreements_agreement_placement_update": f"""
            AFTER UPDATE OF {agreement_columns} ON agreements_agreement BEGIN
            {_SQLITE_SET_AGREEMENT}
            UPDATE agreements_actionline SET {_sqlite_set_line(line_copies, "NEW.id")} WHERE agreement_id = NEW.id;
            END
        """,
        "agreements_actionline_placement_insert": f"""
            AFTER INSERT ON agreements_actionline BEGIN {set_line} END
        """,
        "agreements_actionline_placement_update": f"""
            AFTER UPDATE OF agreement_id, {copies} ON agreements_actionline BEGIN {set_line} END
        """,
        "agreements_sectoralmeeting_placement_cascade": """
            AFTER UPDATE OF session_id, sector_id ON agreements_sectoralmeeting BEGIN
            UPDATE agreements_agreement SET session_id = NEW.session_id, sector_id = NEW.sector_id
            WHERE meeting_id = NEW.id;
            END
        """,
        "agreements_session_placement_cascade": """
            AFTER UPDATE OF commission_id ON agreements_session BEGIN
            UPDATE agreements_agreement SET commission_id = NEW.commission_id
            WHERE meeting_id IN (SELECT id FROM agreements_sectoralmeeting WHERE session_id = NEW.id);
            END
        """,
    }


def install_triggers(connection, line_copies=LINE_COPIES):
    """(Re)install the triggers; a migration passes the line copies its schema has."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRESQL_DROP + postgresql_install(line_copies):
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            # Dropped first: a trigger of an earlier schema has the same name and would be kept.
            for name, body in sqlite_triggers(line_copies).items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"CREATE TRIGGER {name} {body}")


def drop_triggers(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRESQL_DROP:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for name in sqlite_triggers():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def reinstall_sqlite_triggers(sender, using, **kwargs):
    """post_migrate: SQLite drops a table's triggers when a migration rebuilds the table."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if not {"agreements_agreement", "agreements_actionline", "agreements_sectoralmeeting"} <= tables:
            return
        # A database migrated only part of the way has the copies of its own schema.
        columns = {
            field.name for field in connection.introspection.get_table_description(cursor, "agreements_actionline")
        }
    install_triggers(connection, tuple(name for name in LINE_COPIES if name in columns))


def drifted_agreements():
    """Agreements whose stored session, commission or sector differ from their meeting → session chain."""
    from .models import Agreement

    return Agreement.objects.exclude(
        session_id=F("meeting__session_id"),
        commission_id=F("meeting__session__commission_id"),
        sector_id=F("meeting__sector_id"),
    )


def drifted_action_lines():
    """Action lines whose stored commission, sector, session or confidentiality differ from their agreement's."""
    from .models import ActionLine

    return ActionLine.objects.exclude(
        commission_id=F("agreement__meeting__session__commission_id"),
        sector_id=F("agreement__meeting__sector_id"),
        session_id=F("agreement__meeting__session_id"),
        confidentiality=F("agreement__confidentiality"),
    )


def drift(examples=5):
    """{"agreements": (count, [ids…]), "action_lines": (count, [ids…])}, the ids a few examples."""
    found = {}
    for name, rows in (("agreements", drifted_agreements()), ("action_lines", drifted_action_lines())):
        ids = rows.order_by("pk").values_list("pk", flat=True)
        found[name] = (rows.count(), list(ids[:examples]))
    return found


def repair():
    """Put drifted rows right from the chain, agreements first; returns (agreements, action lines) updated."""
    from .models import Agreement, SectoralMeeting

    meeting = SectoralMeeting.objects.filter(pk=OuterRef("meeting_id"))
    agreements = drifted_agreements().update(
        session_id=Subquery(meeting.values("session_id")),
        commission_id=Subquery(meeting.values("session__commission_id")),
        sector_id=Subquery(meeting.values("sector_id")),
    )
    agreement = Agreement.objects.filter(pk=OuterRef("agreement_id"))
    lines = drifted_action_lines().update(
        commission_id=Subquery(agreement.values("commission_id")),
        sector_id=Subquery(agreement.values("sector_id")),
        session_id=Subquery(agreement.values("session_id")),
        confidentiality=Subquery(agreement.values("confidentiality")),
    )
    return agreements, lines
