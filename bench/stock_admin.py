"""The baseline: Django's admin changelist of action lines exactly as it comes, on its own AdminSite.

A bare ModelAdmin: Django's default list settings (100 rows, `__str__` as the only column, no filters in the
sidebar, no select_related) and its two exact counts, the filtered one and the full-table one
(`show_full_result_count`). The project's tuned admin at /admin/ stays as it is; this one exists only under
bench/settings.py, at /bench-admin/.
"""

from django.contrib import admin

from agreements.models import ActionLine

site = admin.AdminSite(name="bench_admin")
site.register(ActionLine, admin.ModelAdmin)
