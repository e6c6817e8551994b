"""The dashboard's overdue lines by owner, read from indexes alone.

The open lines' partial index also covers the agreement, so the count by owner no longer visits a heap page per
overdue line to find it; and a covering index of every agreement's clearance (confidentiality, coordinator) lets
the join for a viewer's clearance read an index instead of the whole agreements table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0011_update_link_delivery"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="actionline",
            name="action_line_open_due_sweep",
        ),
        migrations.AddIndex(
            model_name="actionline",
            index=models.Index(
                condition=models.Q(("status__in", ("not_started", "in_progress", "blocked"))),
                fields=["due_date"],
                include=("responsible_person", "counterpart_person", "id", "agreement"),
                name="action_line_open_due_sweep",
            ),
        ),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(fields=["id"], include=("confidentiality", "coordinator"), name="agreement_clearance"),
        ),
    ]
