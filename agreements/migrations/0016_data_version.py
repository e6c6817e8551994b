"""The data version: a counter that moves when a transaction that changed anything staff pages show commits.

Figures and rendered pages are kept per version (agreements/data_version.py). It replaces the server's snapshot,
which moved on any write to any database of the server and so emptied the caches far more often than needed.
"""

from django.db import migrations

from agreements import data_version


def install(apps, schema_editor):
    data_version.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    data_version.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0015_open_lines_by_deadline_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
