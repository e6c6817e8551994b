"""CPU time per request of the staff pages, in-process, with DEBUG off, and a cProfile of each.

Where `make bench-pages` measures requests per second through gunicorn, this says where a page's Python
time goes. Run it against the benchmark database (it writes only a viewer account and its session):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commission_bench \
        .venv/bin/python bench/profile_pages.py [--only agreements] [--repeat 30] [--profile 10] [--top 25]

TREE=/path/to/another/checkout runs the same pages from another copy of the code, for a before/after
in the same conditions; --per-page N changes the lists' page size, to check that their queries do not grow.

Pages are rendered on every request, the dashboard's figures read afresh (--cached measures the page cache
instead). CPU time is this process's (time.process_time): the Python of middleware, view and templates, plus the
database driver's share; PostgreSQL's own work runs in another process and is not counted.
"""

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] if (Path(__file__).resolve().parents[1] / "manage.py").exists() else None
ROOT = Path(os.environ.get("TREE", ROOT or "/work/main"))
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commission.settings")
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from agreements import roles  # noqa: E402
from agreements.models import ActionLine, Agreement, Commission, Person, Sector  # noqa: E402

VIEWER = "profile-viewer"


def viewer():
    """A viewer responsible for some action lines, as the benchmark's own account is."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=VIEWER)
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.set([Group.objects.get(name=roles.VIEWER)])
    if not Person.objects.filter(user=user).exists():
        candidates = ActionLine.objects.order_by("pk").values_list("responsible_person", flat=True)[1500:1600]
        for pk in candidates:
            if Person.objects.filter(pk=pk, user__isnull=True).update(user=user):
                break
    return user


def pages(user):
    sector = Sector.objects.order_by("pk").first()
    commission = Commission.objects.order_by("pk").first()
    last = Agreement.objects.order_by("-pk").values_list("pk", flat=True).first()
    agreement = (
        Agreement.objects.visible_to(user).filter(pk__gte=last // 2, action_lines__isnull=False).order_by("pk").first()
    )
    line = agreement.action_lines.order_by("pk").first()
    return [
        ("dashboard", "/"),
        ("agreements", "/agreements/"),
        ("agreements text", "/agreements/?q=transporte"),
        ("agreements sector+status", f"/agreements/?sector={sector.pk}&status=in_implementation"),
        ("action lines", "/action-lines/"),
        ("action lines status+sector", f"/action-lines/?status=in_progress&sector={sector.pk}"),
        ("action lines overdue", "/action-lines/?overdue=yes"),
        ("action lines text", "/action-lines/?q=repuestos"),
        ("action lines page 200", "/action-lines/?page=200"),
        ("my items", reverse("agreements:my_action_lines")),
        ("agreement page", agreement.get_absolute_url()),
        ("action line page", line.get_absolute_url()),
        ("commissions", reverse("agreements:commission_list")),
        ("commission page", commission.get_absolute_url()),
    ]


RENDER = {"depth": 0, "cpu": 0.0}


def timed(render):
    """Adds the CPU time of the outermost template render to RENDER["cpu"]."""

    def wrapper(*args, **kwargs):
        RENDER["depth"] += 1
        started = time.process_time()
        try:
            return render(*args, **kwargs)
        finally:
            RENDER["depth"] -= 1
            if not RENDER["depth"]:
                RENDER["cpu"] += time.process_time() - started

    return wrapper


def instrument_templates():
    from django.template.backends import django as django_backend

    django_backend.Template.render = timed(django_backend.Template.render)
    try:
        from django.template.backends import jinja2 as jinja2_backend
    except ImportError:
        return
    jinja2_backend.Template.render = timed(jinja2_backend.Template.render)


def fetch(client, path):
    response = client.get(path, secure=True)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return response


def measure(client, path, repeat):
    cpu, wall, render = [], [], []
    for _ in range(repeat):
        RENDER["cpu"] = 0.0
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        fetch(client, path)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
        render.append(RENDER["cpu"] * 1000)
    return statistics.median(cpu), statistics.median(wall), statistics.median(render), min(cpu)


def profile(client, path, repeat, top, dump=""):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        fetch(client, path)
    profiler.disable()
    if dump:
        profiler.dump_stats(dump)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    out.write("---- by own time ----\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def render_afresh():
    """Every request rendered, its figures read afresh: what the bench's "rendered afresh" rows measure."""
    from django.core.cache.backends.dummy import DummyCache

    try:
        from agreements import page_cache
    except ImportError:  # a checkout from before the page cache (TREE=…)
        page_cache = None
    from agreements.views import figures

    figures.cache = DummyCache("profile", {})
    if page_cache is not None:
        page_cache.cache = figures.cache


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", type=int, default=10, help="requests under cProfile (0: none)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", default="", help="file for the profiles (default: stdout)")
    parser.add_argument("--dump", default="", help="directory for one .prof file per page")
    parser.add_argument("--per-page", type=int, default=0, help="rows per list page (default: the views' own)")
    parser.add_argument(
        "--cached", action="store_true", help="serve pages from the page cache (default: render every request afresh)"
    )
    args = parser.parse_args()
    if not args.cached:
        render_afresh()

    # DEBUG off serves static files through the manifest; collect them into a private directory.
    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="profile-static-")
    call_command("collectstatic", "--noinput", "--verbosity", "0")

    # Django empties the query log when a request starts; the count must span the whole request.
    request_started.disconnect(reset_queries)
    instrument_templates()
    if args.per_page:
        from agreements.views import lists

        lists.PER_PAGE = args.per_page
    user = viewer()
    client = Client()
    client.force_login(user)
    targets = [(label, path) for label, path in pages(user) if args.only in label or args.only in path]
    report = io.StringIO()
    rows = []
    for label, path in targets:
        for _ in range(3):
            fetch(client, path)
        with CaptureQueriesContext(connection) as queries:
            fetch(client, path)
        count = len(queries)
        cpu, wall, render, fastest = measure(client, path, args.repeat)
        rows.append((label, path, cpu, wall, count))
        print(
            f"{label:28} cpu {cpu:6.1f} ms (min {fastest:5.1f})  templates {render:5.1f} ms  wall {wall:6.1f} ms  "
            f"queries {count:3}  {path}",
            flush=True,
        )
        if args.profile:
            report.write(f"\n======== {label}  {path}  ({args.profile} requests) ========\n")
            dump = str(Path(args.dump) / (label.replace(" ", "_").replace("+", "_") + ".prof")) if args.dump else ""
            report.write(profile(client, path, args.profile, args.top, dump))
    if args.out:
        Path(args.out).write_text(report.getvalue())
    elif args.profile:
        print(report.getvalue())


if __name__ == "__main__":
    main()
