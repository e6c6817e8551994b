"""Briefing packs drawn in the background, and the update-link admin for editors.

A pack too large to draw in a request (BRIEFING_PDF_MAX_LINES) is recorded here, drawn by a task and kept for its
requester to download. The roles are set again from agreements/roles.py: editors now view and change update links
in the admin (listing and revoking them).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import agreements.models.briefing
from agreements.migrations._roles import create_roles


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0012_overdue_by_owner_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BriefingPack",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "language",
                    models.CharField(
                        choices=[("es", "Spanish"), ("en", "English")], max_length=10, verbose_name="language"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("waiting", "Waiting"),
                            ("running", "Being drawn"),
                            ("done", "Ready"),
                            ("failed", "Failed"),
                        ],
                        default="waiting",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="requested")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                ("lines_count", models.PositiveIntegerField(default=0, verbose_name="action lines")),
                ("error", models.TextField(blank=True, verbose_name="error")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to=agreements.models.briefing.briefing_pack_upload_to,
                        verbose_name="file",
                    ),
                ),
                ("download_name", models.CharField(blank=True, max_length=255, verbose_name="file name")),
                (
                    "commission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="agreements.commission",
                        verbose_name="commission",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
                (
                    "sessions",
                    models.ManyToManyField(related_name="+", to="agreements.session", verbose_name="sessions"),
                ),
            ],
            options={
                "verbose_name": "briefing pack",
                "verbose_name_plural": "briefing packs",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
