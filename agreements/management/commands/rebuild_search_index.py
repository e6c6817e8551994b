"""Refill SQLite's search index from the tables (PostgreSQL keeps its stored vectors by trigger: nothing to do)."""

from django.core.management.base import BaseCommand
from django.db import connections, transaction

from agreements.search import sqlite


class Command(BaseCommand):
    help = "Rebuild the text search index of agreements, action lines, meetings, people and progress notes (SQLite)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        connection = connections[database]
        if connection.vendor != "sqlite":
            self.stdout.write(f"Nothing to rebuild on {connection.vendor}: its search vectors are kept by triggers.")
            return
        with transaction.atomic(using=database):
            sqlite.install(connection)
            rows = sqlite.rebuild(connection)
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {rows} rows."))
