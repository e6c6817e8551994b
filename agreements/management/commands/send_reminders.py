"""Run the reminder sweep and deliver its digests in this process, without a broker or a worker."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from agreements.clock import local_today
from agreements.following.delivery import deliver_waiting_accounts
from agreements.reminders import delivery, sweep


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date must be a date as YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = "Record the reminders owed today (or on --date) and send one digest per person, here and now."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Sweep as if today were this date (YYYY-MM-DD); for testing.")

    def handle(self, *args, date=None, **options):
        today = parse_date(date) if date else local_today()
        result = sweep.run_sweep(today, queue=False)
        done = delivery.deliver_waiting(today=today) + deliver_waiting_accounts(today=today)
        covered = ", ".join(day.isoformat() for day in result.covered)
        self.stdout.write(f"Days covered: {covered}")
        self.stdout.write(f"Open lines checked: {result.lines_checked}")
        self.stdout.write(f"Reminders owed: {result.owed} for {len(result.recipients)} people")
        self.stdout.write(f"Reminders sent: {done.sent}; failed: {done.failed}; no longer owed: {done.dropped}")
