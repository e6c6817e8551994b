"""Open action lines by commission and deadline: the commission page's overdue lines read one commission's range."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0019_figure_tallies"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="actionline",
            index=models.Index(
                condition=models.Q(("status__in", ("not_started", "in_progress", "blocked"))),
                fields=["commission", "due_date", "id"],
                include=("responsible_person", "counterpart_person", "agreement", "confidentiality"),
                name="action_line_open_comm_due",
            ),
        ),
    ]
