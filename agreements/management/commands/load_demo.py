import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from agreements import demo
from agreements.clock import local_today
from agreements.models import ActionLine, Agreement, Commission, Institution, Person, ProgressUpdate, Session


class Command(BaseCommand):
    help = "Load demo data from the source reports, with deadlines relative to today. Safe to run again."

    def handle(self, *args, **options):
        today = local_today()
        accounts = demo.load(today, with_accounts=settings.DEBUG)
        lines = ActionLine.objects.all()
        summary = [
            ("commissions", Commission.objects.count()),
            ("sessions", Session.objects.count()),
            ("agreements", Agreement.objects.count()),
            ("action lines", lines.count()),
            ("overdue", lines.overdue(today).count()),
            ("due within 7 days", lines.due_between(today, today + datetime.timedelta(days=7)).count()),
            ("done", lines.filter(status=ActionLine.Status.DONE).count()),
            ("progress updates", ProgressUpdate.objects.count()),
            ("institutions", Institution.objects.count()),
            ("people", Person.objects.count()),
        ]
        self.stdout.write("Demo data loaded: " + ", ".join(f"{count} {label}" for label, count in summary) + ".")
        if accounts:
            names = ", ".join(accounts)
            self.stdout.write(f"Demo accounts {names}; password from DEMO_PASSWORD (default demo-commission-2026).")
        else:
            self.stdout.write("DEBUG is off: demo accounts skipped.")
