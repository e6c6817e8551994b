"""Settings come from the environment: a bad value stops start-up with one clear line; nothing set suits a laptop."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_SOURCE = (BASE_DIR / "commission" / "settings.py").read_text()
# Every variable settings.py reads, so that none leaks in from the shell that runs the tests.
VARIABLES = set(re.findall(r'(?:environ\.get|env_\w+)\(\s*"([A-Z_]+)"', SETTINGS_SOURCE))


def clean_environment(**variables):
    env = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # The browser tests allow Django's ORM in Playwright's event loop for the whole test process; a subprocess
    # standing for a real deployment must not inherit that.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env | variables


def run(args, **variables):
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_variables_are_found():
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "EMAIL_HOST", "EMAIL_PORT"} <= VARIABLES


@pytest.mark.parametrize(
    "variables, named",
    [
        ({"DATABASE_URL": "postgres://user@host:notaport/commission"}, "DATABASE_URL"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://127.0.0.1:5432"}, "DATABASE_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"EMAIL_PORT": "abc"}, "EMAIL_PORT"),
    ],
)
def test_bad_setting_stops_check_with_one_line_naming_it(variables, named):
    result = run(["manage.py", "check"], **variables)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_nothing_set_gives_console_email_sqlite_under_var_and_eager_tasks():
    script = (
        "import json, django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'commission.settings';"
        "django.setup();"
        "from django.conf import settings as s;"
        "print(json.dumps({'email': s.EMAIL_BACKEND, 'engine': s.DATABASES['default']['ENGINE'],"
        " 'name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'debug': s.DEBUG,"
        " 'time_zone': s.TIME_ZONE}))"
    )
    result = run(["-c", script])
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["email"] == "django.core.mail.backends.console.EmailBackend"
    assert found["engine"] == "django.db.backends.sqlite3"
    assert Path(found["name"]) == BASE_DIR / "var" / "db.sqlite3"
    assert found["eager"] is True
    assert found["debug"] is True
    assert found["time_zone"] == "America/Caracas"


def test_email_host_switches_to_smtp():
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'commission.settings'; django.setup();"
        "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_PORT, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = run(["-c", script], EMAIL_HOST="smtp.example.org", EMAIL_PORT="587", REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "587", "False"]
