"""Search that forgives accents, case, plurals and verb forms (agreements/search/).

PostgreSQL: the unaccent extension and the `commission_es` text search configuration (spanish with unaccent
before the stemmer), the stored vectors' triggers rewritten to use it and every vector rebuilt, and a GIN index
on progress notes. SQLite: the FTS5 index table, its triggers, and its rows for what is already there.
"""

from django.db import migrations

from agreements.search import postgres, sqlite


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        postgres.install(schema_editor)
    elif connection.vendor == "sqlite":
        sqlite.install(connection)
        sqlite.rebuild(connection)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        postgres.uninstall(schema_editor)
    elif connection.vendor == "sqlite":
        sqlite.uninstall(connection)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0009_counterpart_links_and_following"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
