"""The indexes of the dashboard's and the commission list's counts also carry what a reader's clearance asks of a
line or an agreement, so a viewer's counts read them alone instead of the tables (a million action lines computed
afresh: the dashboard's figures 1.4 s to 0.3-0.5 s, the commission list's 0.5 s to 0.1-0.2 s). Action lines no
longer join their agreements for a reader's clearance (migration 0014), so the agreements' index for that join
now serves their count by status instead.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0016_data_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="actionline",
            name="action_line_rollup",
        ),
        migrations.RemoveIndex(
            model_name="agreement",
            name="agreement_clearance",
        ),
        migrations.AddIndex(
            model_name="actionline",
            index=models.Index(
                fields=["status", "due_date"],
                include=(
                    "agreement",
                    "sector",
                    "commission",
                    "percent_complete",
                    "id",
                    "confidentiality",
                    "responsible_person",
                    "counterpart_person",
                ),
                name="action_line_figures",
            ),
        ),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(
                fields=["id"], include=("confidentiality", "coordinator", "status"), name="agreement_status_cleared"
            ),
        ),
    ]
