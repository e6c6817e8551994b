"""Action lines keep a copy of their agreement's session, set by the placement triggers (agreements/placement.py).

The figures kept per session (agreements/tallies.py) then read it from the line itself, and a line moves between
sessions' figures when its agreement moves, through the same cascade as its commission and sector.
"""

import django.db.models.deletion
from django.db import migrations, models

from agreements import placement

PREVIOUS_COPIES = ("commission_id", "sector_id", "confidentiality")
COPIES = (*PREVIOUS_COPIES, "session_id")


def install(apps, schema_editor):
    placement.install_triggers(schema_editor.connection, line_copies=COPIES)
    ActionLine = apps.get_model("agreements", "ActionLine")
    # Naming the agreement in an UPDATE makes the trigger copy its session (and check the rest).
    ActionLine.objects.filter(session__isnull=True).update(agreement_id=models.F("agreement_id"))
    if schema_editor.connection.vendor == "postgresql":
        # The update queued deferred trigger events (the data version, the foreign keys); PostgreSQL refuses the
        # session's index, created at the end of this migration, on a table with events pending, so run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def drop_before_adding(apps, schema_editor):
    # SQLite adds the column by rebuilding the table, and refuses to rename a table a trigger names.
    placement.drop_triggers(schema_editor.connection)


def install_previous(apps, schema_editor):
    placement.install_triggers(schema_editor.connection, line_copies=PREVIOUS_COPIES)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0017_figures_indexes"),
    ]

    operations = [
        migrations.RunPython(drop_before_adding, install_previous, elidable=False),
        migrations.AddField(
            model_name="actionline",
            name="session",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agreements.session",
                verbose_name="session",
            ),
        ),
        migrations.AddField(
            model_name="historicalactionline",
            name="session",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="agreements.session",
                verbose_name="session",
            ),
        ),
        migrations.RunPython(install, drop_before_adding, elidable=False),
    ]
