"""The benchmark's database: created and filled if missing, its sign-in accounts, and the URLs to measure."""

import secrets

import psycopg2
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from agreements import roles
from agreements.models import ActionLine, Agreement, Commission, Person, Sector

VIEWER = "bench"
ADMINISTRATOR = "benchadmin"


def ensure_database(log):
    database = settings.DATABASES["default"]
    server = psycopg2.connect(
        dbname="postgres",
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"] or 5432,
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{database["NAME"]}"')
            log(f"Created database {database['NAME']}")
    server.close()


def ensure_data(action_lines, stdout):
    """Generates the data only when the database holds fewer action lines than asked (it takes minutes)."""
    have = ActionLine.objects.count()
    if have < action_lines:
        stdout.write(f"Generating {action_lines - have:,} action lines …")
        call_command("generate_bench_data", action_lines=action_lines - have, stdout=stdout)
    return ActionLine.objects.count()


def accounts():
    """{username: password} for a viewer linked to a person with action lines, and a superuser.

    New passwords on every run: the accounts exist only for the benchmark.
    """
    User = get_user_model()
    passwords = {VIEWER: secrets.token_urlsafe(16), ADMINISTRATOR: secrets.token_urlsafe(16)}
    viewer, _ = User.objects.get_or_create(username=VIEWER)
    viewer.set_password(passwords[VIEWER])
    viewer.save()
    viewer.groups.set([Group.objects.get(name=roles.VIEWER)])
    if not Person.objects.filter(user=viewer).exists():
        # Someone responsible for lines, so that the dashboard shows "my action lines" as for real staff.
        middle = ActionLine.objects.order_by("pk").values_list("responsible_person", flat=True)[500]
        Person.objects.filter(pk=middle, user__isnull=True).update(user=viewer)
    admin, _ = User.objects.get_or_create(username=ADMINISTRATOR)
    admin.is_staff = admin.is_superuser = True
    admin.set_password(passwords[ADMINISTRATOR])
    admin.save()
    return passwords


def sample():
    """A sector, a commission, an agreement in the middle of the table and one of its action lines."""
    sector = Sector.objects.order_by("pk").first()
    last = Agreement.objects.order_by("-pk").values_list("pk", flat=True).first()
    viewer = get_user_model().objects.get(username=VIEWER)
    agreement = (
        Agreement.objects.visible_to(viewer)
        .filter(pk__gte=last // 2, action_lines__isnull=False)
        .order_by("pk")
        .first()
    )
    line = agreement.action_lines.order_by("pk").first()
    return sector, Commission.objects.order_by("pk").first(), agreement, line


def targets():
    """(label, path, username) of every page measured; the admin as the superuser, the rest as a viewer."""
    sector, commission, agreement, line = sample()
    staff = [
        ("dashboard", "/"),
        ("agreements", "/agreements/"),
        ("agreements, text (no match)", "/agreements/?q=tractores"),
        ("agreements, text", "/agreements/?q=transporte"),
        ("agreements, sector + status", f"/agreements/?sector={sector.pk}&status=in_implementation"),
        ("action lines", "/action-lines/"),
        ("action lines, status + sector", f"/action-lines/?status=in_progress&sector={sector.pk}"),
        ("action lines, overdue", "/action-lines/?overdue=yes"),
        ("action lines, text", "/action-lines/?q=repuestos"),
        ("action lines, page 200", "/action-lines/?page=200"),
        ("my action lines", reverse("agreements:my_action_lines")),
        ("agreement page", agreement.get_absolute_url()),
        ("action line page", line.get_absolute_url()),
        ("commissions", reverse("agreements:commission_list")),
        ("commission page", commission.get_absolute_url()),
    ]
    admin = [
        ("admin action lines", reverse("admin:agreements_actionline_changelist")),
        ("admin agreements", reverse("admin:agreements_agreement_changelist")),
        ("admin action lines, blocked", reverse("admin:agreements_actionline_changelist") + "?status__exact=blocked"),
    ]
    return [(label, path, VIEWER) for label, path in staff] + [(label, path, ADMINISTRATOR) for label, path in admin]
