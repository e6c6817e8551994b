"""Compare the figures the database keeps (agreements/tallies.py) with a count of the rows; --repair counts again."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from agreements import tallies


class Command(BaseCommand):
    help = (
        "Compare the dashboard's and the commission pages' kept figures with a count of the agreements and action "
        "lines (PostgreSQL). Exits with status 1 when they differ; --repair counts them again first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Count the figures again from the rows, then check.")

    def handle(self, *args, repair, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Figures are counted from the rows on this database; nothing is kept to check.")
            return
        if repair:
            tallies.rebuild(connection)
            self.stdout.write("Counted the kept figures again.")
        found = tallies.differences()
        for table, rows in found.items():
            self.stdout.write(
                f"{table}: {len(rows)} keys differ (e.g. {rows[0][0]}: kept {rows[0][1]}, counted {rows[0][2]})"
            )
        if found:
            raise CommandError("The kept figures differ from a count of the rows; run with --repair.")
        self.stdout.write(self.style.SUCCESS("Kept figures agree with a count of the rows."))
