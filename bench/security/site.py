"""The scanned site: a throwaway PostgreSQL database with the demo data, served by bench/server.py with DEBUG on."""

import os

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections

from bench import server
from bench.postgres import maintenance

# The database is dropped afterwards: only a name that says it is throwaway is accepted.
THROWAWAY_SUFFIX = "_security"
# DEBUG on: demo accounts, and database errors shown in the page for sqlmap to read; no Redis or SMTP needed.
# The shipped settings, not bench.settings (which the Makefile sets for the command): the site probed is the real one.
SITE = {"debug": True, "DJANGO_SETTINGS_MODULE": "commission.settings"}


def database_name():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("The scan runs on PostgreSQL: set DATABASE_URL (the Makefile uses SECURITY_DATABASE_URL).")
    return throwaway(database["NAME"])


def throwaway(name):
    if not name.endswith(THROWAWAY_SUFFIX):
        raise CommandError(f"The scan drops its database afterwards: its name must end in {THROWAWAY_SUFFIX}.")
    return name


def create_database(name):
    # A run that was killed leaves its database behind: start from an empty one.
    drop_database(name)
    with maintenance() as cursor:
        cursor.execute(f'CREATE DATABASE "{throwaway(name)}"')


def drop_database(name):
    connections.close_all()
    with maintenance() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{throwaway(name)}" WITH (FORCE)')


def app_environment(**extra):
    """The environment of the scanned site's manage.py and gunicorn (see SITE)."""
    return server.environment(os.environ["DATABASE_URL"], **SITE, **extra)


def serve(log_path):
    """gunicorn on a free port of 127.0.0.1, the only address the scan probes."""
    return server.Server(os.environ["DATABASE_URL"], log_path, **SITE)


def check_session(site, cookie, paths):
    """Every scanned URL must answer 200 to the session: a scan of the sign-in page would prove nothing."""
    for path in paths:
        status = site.request("GET", path, headers={"Cookie": cookie})[0]
        if status != 200:
            raise CommandError(f"{path} answered {status} to the signed-in session")
