"""Open action lines by responsible person and deadline: the dashboard counts a few people's overdue lines from it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0020_open_lines_by_commission_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="actionline",
            index=models.Index(
                condition=models.Q(("status__in", ("not_started", "in_progress", "blocked"))),
                fields=["responsible_person", "due_date"],
                include=("counterpart_person", "confidentiality"),
                name="action_line_open_person_due",
            ),
        ),
    ]
