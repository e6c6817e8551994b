from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import action_lines, agreements, commissions, documents, reference, reminders, update_links  # noqa: F401  (registers)

admin.site.site_header = _("Commission Tracker")
admin.site.site_title = _("Commission Tracker")
# The changelists need the width: their tables and filters are wide, and every model is one click away on the index.
admin.site.enable_nav_sidebar = False
