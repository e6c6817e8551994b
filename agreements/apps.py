from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Commissions and agreements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .placement import reinstall_sqlite_triggers

        post_migrate.connect(reinstall_sqlite_triggers, sender=self)

        from . import data_version

        # Tables added by later migrations get the data version's trigger too.
        post_migrate.connect(data_version.install_after_migrate, sender=self)
        from django.core.signals import request_finished, request_started

        request_started.connect(data_version.start_request, dispatch_uid="data_version_start")
        request_finished.connect(data_version.end_request, dispatch_uid="data_version_end")

        from django.db.backends.signals import connection_created

        from .search import sqlite as search_index

        # The search index's triggers call search_text() on SQLite: every connection needs the function.
        connection_created.connect(search_index.register_function)
        post_migrate.connect(search_index.reinstall_triggers, sender=self)

        from .following import notices

        notices.connect()
