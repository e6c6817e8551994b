"""The benchmark's database: created and filled if missing, its sign-in accounts, and the URLs to measure."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from agreements import roles
from agreements.models import ActionLine, Agreement, Commission, Person, Sector

from .postgres import maintenance

VIEWER = "bench"
ADMINISTRATOR = "benchadmin"


def ensure_database(log):
    name = settings.DATABASES["default"]["NAME"]
    with maintenance() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
            log(f"Created database {name}")


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


@dataclass(frozen=True)
class Target:
    """One page to measure: who asks for it, what kind of page it is (for its target) and any extra headers."""

    label: str
    path: str
    username: str
    kind: str
    headers: tuple = ()


# A request with this header is rendered afresh, its caches bypassed (bench/middleware.py).
MISS_HEADER = "X-Bench-Cache"
RENDERED = "rendered afresh"

# The stock changelist every page is compared with, on the same filter as the action lines' status + sector.
STOCK = "stock admin action lines, status + sector"


def targets():
    """Every page measured: the staff pages as a viewer, the admin and the stock baseline as the superuser."""
    sector, commission, agreement, line = sample()
    status_sector = f"status=in_progress&sector={sector.pk}"
    staff = [
        ("dashboard", "/", "dashboard"),
        ("agreements", "/agreements/", "list"),
        ("agreements, text (no match)", "/agreements/?q=tractores", "search"),
        ("agreements, text", "/agreements/?q=transporte", "search"),
        ("agreements, sector + status", f"/agreements/?sector={sector.pk}&status=in_implementation", "list"),
        ("action lines", "/action-lines/", "list"),
        ("action lines, status + sector", f"/action-lines/?{status_sector}", "list"),
        ("action lines, overdue", "/action-lines/?overdue=yes", "list"),
        ("action lines, text", "/action-lines/?q=repuestos", "search"),
        ("action lines, page 200", "/action-lines/?page=200", "list"),
        ("my action lines", reverse("agreements:my_action_lines"), "list"),
        ("agreement page", agreement.get_absolute_url(), "detail"),
        ("action line page", line.get_absolute_url(), "detail"),
        ("commissions", reverse("agreements:commission_list"), "list"),
        ("commission page", commission.get_absolute_url(), "detail"),
    ]
    changelist = reverse("admin:agreements_actionline_changelist")
    stock = reverse("bench_admin:agreements_actionline_changelist")
    admin = [
        ("admin action lines", changelist, "admin"),
        ("admin agreements", reverse("admin:agreements_agreement_changelist"), "admin"),
        ("admin action lines, blocked", changelist + "?status__exact=blocked", "admin"),
        ("admin action lines, status + sector", f"{changelist}?status__exact=in_progress&sector__id__exact={sector.pk}",
         "admin"),
        (STOCK, f"{stock}?status__exact=in_progress&sector__id__exact={sector.pk}", "stock"),
        ("stock admin action lines", stock, "stock"),
    ]  # fmt: skip
    pages = []
    for label, path, kind in staff:
        # Each page as kept by the page cache, then rendered on every request with the dashboard's figures
        # computed afresh (bench/middleware.py): the path of the first reader after any write.
        pages.append(Target(label, path, VIEWER, kind))
        pages.append(Target(f"{label}, {RENDERED}", path, VIEWER, kind, ((MISS_HEADER, "miss"),)))
    return [*pages, *(Target(label, path, ADMINISTRATOR, kind) for label, path, kind in admin)]


def export_query(rows=100_000):
    """The action-line list's filter for about `rows` lines the viewer may see: every status, a deadline range."""
    dates = ActionLine.objects.order_by("due_date", "id").values_list("due_date", flat=True)
    middle = ActionLine.objects.count() // 2
    # A few more than asked: the viewer is not cleared for the restricted agreements' lines.
    first, last = dates[middle], dates[middle + rows * 21 // 20]
    return f"status=all&due_after={first.isoformat()}&due_before={last.isoformat()}"
