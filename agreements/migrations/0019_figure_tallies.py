"""Figures kept by the database (agreements/tallies.py): tables, triggers, and a first count of what is there."""

from django.db import migrations

from agreements import tallies


def install(apps, schema_editor):
    tallies.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    tallies.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0018_action_line_session"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
