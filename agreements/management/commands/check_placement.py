"""Report agreements and action lines whose stored session, commission or sector differ from their meeting chain."""

from django.core.management.base import BaseCommand, CommandError

from agreements import placement

LABELS = {"agreements": "agreements", "action_lines": "action lines"}


class Command(BaseCommand):
    help = (
        "Compare each agreement's session, commission and sector, and each action line's commission and sector, "
        "with the meeting → session → commission chain. Exits with status 1 when any differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--examples", type=int, default=5, help="How many ids to show per kind.")
        parser.add_argument("--repair", action="store_true", help="Put drifted rows right, then check again.")

    def handle(self, *args, examples, repair, **options):
        if repair:
            agreements, lines = placement.repair()
            self.stdout.write(f"Repaired {agreements} agreements and {lines} action lines.")
        found = placement.drift(examples=examples)
        total = 0
        for kind, (count, ids) in found.items():
            total += count
            line = f"{LABELS[kind]}: {count} drifted"
            if ids:
                line += " (e.g. ids " + ", ".join(str(pk) for pk in ids) + ")"
            self.stdout.write(line)
        if total:
            raise CommandError(f"{total} rows disagree with their meeting → session → commission chain.")
        self.stdout.write(self.style.SUCCESS("Placement copies agree with the chain."))
