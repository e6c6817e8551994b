"""Full-text search on PostgreSQL: triggers that keep search_vector right, GIN indexes, and a backfill.

A trigger rather than a save() hook, so that bulk_create, queryset.update() and COPY fill the
vector too. The expressions mirror agreements.search.document_vector(); a test compares them.
Other databases get nothing here: agreements.search falls back to plain substring matching.
"""

from django.db import migrations

# table -> {weight: columns}; the same as AGREEMENT_FIELDS / ACTION_LINE_FIELDS in agreements/search.py.
SEARCHED = {
    "agreements_agreement": {"A": ("reference_code", "title"), "B": ("description",)},
    "agreements_actionline": {"A": ("title",), "B": ("description",)},
}
CONFIGURATIONS = ("spanish", "simple")


def vector_sql(fields_by_weight, row):
    parts = []
    for weight, columns in fields_by_weight.items():
        text = " || ' ' || ".join(f"COALESCE({row}{column}, '')" for column in columns)
        for config in CONFIGURATIONS:
            parts.append(f"setweight(to_tsvector('{config}'::regconfig, {text}), '{weight}')")
    return " || ".join(parts)


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, fields_by_weight in SEARCHED.items():
        columns = [column for group in fields_by_weight.values() for column in group]
        schema_editor.execute(
            f"""
            CREATE FUNCTION {table}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search_vector := {vector_sql(fields_by_weight, "NEW.")};
                RETURN NEW;
            END
            $$;
            """
        )
        # UPDATE OF search_vector too: Django's save() writes the stale in-memory value back.
        schema_editor.execute(
            f"""
            CREATE TRIGGER {table}_search_vector
            BEFORE INSERT OR UPDATE OF {", ".join(columns)}, search_vector ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_search_vector();
            """
        )
        schema_editor.execute(f"UPDATE {table} SET search_vector = {vector_sql(fields_by_weight, '')}")
        # Serves `search_vector @@ query` on /agreements/?q=… and /action-lines/?q=….
        schema_editor.execute(f"CREATE INDEX {table}_search ON {table} USING gin (search_vector)")


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vector()")
        schema_editor.execute(f"UPDATE {table} SET search_vector = NULL")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(create_search, drop_search, elidable=False),
    ]
