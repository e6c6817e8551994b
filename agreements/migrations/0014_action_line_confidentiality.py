"""Action lines keep a copy of their agreement's confidentiality, set by the placement triggers (agreements/placement.py).

A reader's clearance then becomes a condition on the line itself. Lists and their capped counts had to join every
line to its agreement for it, and the planner's choice of join for a million lines swung with each filter (a
tenth of a second to two seconds for the same page).
"""

from django.db import migrations, models

from agreements import placement


def install(apps, schema_editor):
    placement.install_triggers(schema_editor.connection, line_copies=("commission_id", "sector_id", "confidentiality"))
    ActionLine = apps.get_model("agreements", "ActionLine")
    # Naming the agreement in an UPDATE makes the trigger copy its confidentiality (and check the rest).
    ActionLine.objects.exclude(confidentiality=models.F("agreement__confidentiality")).update(
        agreement_id=models.F("agreement_id")
    )


def drop_before_adding(apps, schema_editor):
    # SQLite adds the column by rebuilding the table, and refuses to rename a table a trigger names.
    placement.drop_triggers(schema_editor.connection)


def install_previous(apps, schema_editor):
    placement.install_triggers(schema_editor.connection, line_copies=("commission_id", "sector_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0013_briefing_packs"),
    ]

    operations = [
        migrations.RunPython(drop_before_adding, install_previous, elidable=False),
        migrations.AddField(
            model_name="actionline",
            name="confidentiality",
            field=models.CharField(
                choices=[("public", "Public"), ("internal", "Internal"), ("restricted", "Restricted")],
                db_default="restricted",
                default="restricted",
                editable=False,
                max_length=10,
                verbose_name="confidentiality",
            ),
        ),
        migrations.AddField(
            model_name="historicalactionline",
            name="confidentiality",
            field=models.CharField(
                choices=[("public", "Public"), ("internal", "Internal"), ("restricted", "Restricted")],
                db_default="restricted",
                default="restricted",
                editable=False,
                max_length=10,
                verbose_name="confidentiality",
            ),
        ),
        migrations.RunPython(install, drop_before_adding, elidable=False),
    ]
