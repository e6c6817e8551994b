"""Carry-over happens once per session, and the database keeps the stored placement copies (agreements/placement.py).

The constraints come first: SQLite rebuilds a table to add one, which would drop triggers made before it. The
placement triggers replace the save() cascades, so bulk writes, QuerySet.update() and raw SQL keep the copies
right; the backfill puts right any row that drifted before.
"""

from django.db import migrations, models

from agreements import placement


def install(apps, schema_editor):
    # The copies action lines had then; 0014 added the confidentiality.
    placement.install_triggers(schema_editor.connection, line_copies=("commission_id", "sector_id"))
    Agreement = apps.get_model("agreements", "Agreement")
    ActionLine = apps.get_model("agreements", "ActionLine")
    # Naming the meeting (agreements) and the agreement (lines) in an UPDATE makes the new triggers set the copies.
    Agreement.objects.exclude(
        session_id=models.F("meeting__session_id"),
        commission_id=models.F("meeting__session__commission_id"),
        sector_id=models.F("meeting__sector_id"),
    ).update(meeting_id=models.F("meeting_id"))
    ActionLine.objects.exclude(
        commission_id=models.F("agreement__meeting__session__commission_id"),
        sector_id=models.F("agreement__meeting__sector_id"),
    ).update(agreement_id=models.F("agreement_id"))


def uninstall(apps, schema_editor):
    placement.drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0007_spreadsheet_imports"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="actionline",
            constraint=models.UniqueConstraint(
                fields=("carried_over_from", "agreement"),
                name="action_line_carried_over_once_per_agreement",
                violation_error_message="This action line has already been carried over to that agreement.",
            ),
        ),
        migrations.AddConstraint(
            model_name="agreement",
            constraint=models.UniqueConstraint(
                fields=("carried_over_from", "session"),
                name="agreement_carried_over_once_per_session",
                violation_error_message="This agreement has already been carried over to that session.",
            ),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
