"""`make security-scan`: which parameters it probes, and how it reads sqlmap's and pip-audit's verdicts.

sqlmap itself never runs here: a full scan takes minutes (`make security-scan`).
"""

import django_filters
import pytest
from django.core.management.base import CommandError
from django.urls import reverse

from agreements.filters import ActionLineFilter, AgreementFilter, MyActionLineFilter
from agreements.models import Agreement
from bench import server
from bench.security import audit, parameters, site, sqlmap

LISTS = {
    reverse("agreements:agreement_list"): AgreementFilter,
    reverse("agreements:agreement_export_csv"): AgreementFilter,
    reverse("agreements:agreement_export_xlsx"): AgreementFilter,
    reverse("agreements:action_line_list"): ActionLineFilter,
    reverse("agreements:action_line_export_csv"): ActionLineFilter,
    reverse("agreements:action_line_export_xlsx"): ActionLineFilter,
    reverse("agreements:my_action_lines"): MyActionLineFilter,
}
PAGES = {reverse(f"agreements:{name}") for name in ("agreement_list", "action_line_list", "my_action_lines")}

INJECTABLE_LOG = """\
[10:02:11] [INFO] testing 'PostgreSQL AND boolean-based blind - WHERE or HAVING clause (CAST)'
[10:02:12] [INFO] GET parameter 'q' appears to be 'AND boolean-based blind - WHERE or HAVING clause' injectable
GET parameter 'q' is vulnerable. Do you want to keep testing the others (if any)? [y/N] N
sqlmap identified the following injection point(s) with a total of 52 HTTP(s) requests:
---
Parameter: q (GET)
    Type: boolean-based blind
    Payload: q=de' AND 7587=7587 AND 'xYzA'='xYzA
---
[10:02:13] [INFO] the back-end DBMS is PostgreSQL
"""

CLEAN_LOG = """\
[10:03:40] [INFO] testing 'Generic UNION query (NULL) - 1 to 10 columns'
[10:03:41] [WARNING] GET parameter 'page' does not seem to be injectable
[10:03:41] [ERROR] all tested parameters do not appear to be injectable. Try to increase values for '--level'
[10:03:41] [WARNING] HTTP error codes detected during run:
500 (Internal Server Error) - 3 times
"""

UNFINISHED_LOG = """\
[10:04:00] [INFO] testing connection to the target URL
[10:04:00] [CRITICAL] unable to connect to the target URL ('Connection refused')
"""


def test_every_filter_of_both_lists_and_their_exports_is_probed():
    targets = dict(parameters.targets())
    assert set(targets) == set(LISTS)
    for path, filterset_class in LISTS.items():
        assert set(filterset_class.base_filters) <= set(targets[path]), path
        assert "sort" in targets[path]
        assert ("page" in targets[path]) == (path in PAGES)


def test_a_new_filter_is_probed_without_changing_the_scan():
    class WithReference(AgreementFilter):
        reference = django_filters.CharFilter(label="Reference")
        signed = django_filters.DateFromToRangeFilter(label="Signed", field_name="signed_date")

    probed = parameters.list_parameters(WithReference, Agreement, paginated=False)

    assert {"reference", "signed_after", "signed_before"} <= set(probed)
    assert "page" not in probed


@pytest.mark.django_db
def test_each_probe_starts_from_a_value_that_leaves_rows(make):
    make.agreement(status=Agreement.Status.SIGNED)
    filterset = parameters.filterset_for(AgreementFilter, Agreement)

    assert parameters.sample_value(filterset, "status") == Agreement.Status.SIGNED
    assert parameters.sample_value(filterset, "sort") in AgreementFilter.sorts
    assert parameters.sample_value(filterset, "page") == "1"


def test_a_confirmed_injection_is_flagged():
    assert sqlmap.verdict(INJECTABLE_LOG) == sqlmap.INJECTABLE


def test_a_clean_parameter_passes_and_its_server_errors_are_counted():
    assert sqlmap.verdict(CLEAN_LOG) == sqlmap.NOT_INJECTABLE
    assert sqlmap.server_errors(CLEAN_LOG) == 3


def test_a_probe_that_never_got_going_is_not_a_pass():
    assert sqlmap.verdict(UNFINISHED_LOG) == sqlmap.NOT_FINISHED
    assert sqlmap.verdict("") == sqlmap.NOT_FINISHED


def test_sqlmap_probes_one_parameter_of_a_local_url_with_the_session():
    probe = parameters.Probe("/agreements/", "q", "de")

    command = sqlmap.command("http://127.0.0.1:8123", probe, "sessionid=abc", "/tmp/out", level=2, risk=1)

    assert command[command.index("--url") + 1] == "http://127.0.0.1:8123/agreements/?q=de"
    assert command[command.index("-p") + 1] == "q"
    assert command[command.index("--cookie") + 1] == "sessionid=abc"
    assert {"--batch", "--flush-session"} <= set(command)


def test_signing_in_sends_the_form_as_it_is_and_leaves_remember_me_unticked():
    form = server.LoginForm()
    form.feed("""
        <form method="post" action="/language/"><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>
        <form method="post">
          <input type="hidden" name="csrfmiddlewaretoken" value="token">
          <input type="text" name="username"> <input type="password" name="password">
          <input type="checkbox" name="remember_me" value="on"> <input type="hidden" name="next" value="/">
          <button type="submit">Sign in</button>
        </form>""")

    action, data = form.fields("focal", "secret")

    assert action == ""
    assert data == {"csrfmiddlewaretoken": "token", "username": "focal", "password": "secret", "next": "/"}


def test_the_scanned_site_runs_the_shipped_settings_with_debug_on_and_no_redis_or_smtp(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/commission_x_security")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "bench.settings")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")

    scanned = site.serve("/tmp/gunicorn.log")
    benchmark = server.Server("postgres://postgres@127.0.0.1:5432/commission_bench", "/tmp/gunicorn.log")

    assert scanned.env["DEBUG"] == "true" and scanned.env["DJANGO_SETTINGS_MODULE"] == "commission.settings"
    assert "REDIS_URL" not in scanned.env and "EMAIL_HOST" not in scanned.env
    assert scanned.env["DATABASE_URL"].endswith("_security")
    # The benchmark's gunicorn is the same class, run as in production.
    assert type(scanned) is type(benchmark)
    assert benchmark.env["DEBUG"] == "false" and benchmark.env["DJANGO_SETTINGS_MODULE"] == "bench.settings"
    assert benchmark.env["REDIS_URL"] and benchmark.env["SECRET_KEY"]


def test_the_scan_creates_and_drops_only_a_database_named_as_throwaway(monkeypatch):
    statements = []

    class Cursor:
        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            pass

        def execute(self, statement):
            statements.append(statement)

    monkeypatch.setattr(site, "maintenance", Cursor)

    for name in ("commission_bench", "commission", "security_commission"):
        with pytest.raises(CommandError, match="_security"):
            site.drop_database(name)
        with pytest.raises(CommandError, match="_security"):
            site.create_database(name)
    assert statements == []
    site.create_database("commission_x_security")
    assert statements == [
        'DROP DATABASE IF EXISTS "commission_x_security" WITH (FORCE)',
        'CREATE DATABASE "commission_x_security"',
    ]


def test_pip_audit_that_could_look_nothing_up_does_not_pass():
    report = {
        "dependencies": [
            {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2)"},
            {"name": "celery", "skip_reason": "Dependency not found on PyPI and could not be audited: celery (5.7)"},
        ]
    }

    result = audit.interpret(report)

    assert result.verdict == audit.NOT_CHECKED
    assert result.lines[0].startswith("vulnerability database unreachable for 2 of 2 pins")


def test_pip_audit_without_a_report_says_the_database_was_unreachable():
    result = audit.interpret(None, "Traceback …\nConnectionError: Failed to resolve 'api.osv.dev'\n")

    assert result.verdict == audit.NOT_CHECKED
    assert result.lines == ["vulnerability database unreachable: ConnectionError: Failed to resolve 'api.osv.dev'"]


def test_pip_audit_lists_each_known_vulnerability():
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2", "vulns": [{"id": "PYSEC-2026-1", "fix_versions": ["5.2.1"]}]},
            {"name": "celery", "version": "5.7.0", "vulns": []},
        ]
    }

    result = audit.interpret(report)

    assert result.verdict == audit.VULNERABLE
    assert result.lines == ["django 5.2: PYSEC-2026-1 (fixed in 5.2.1)"]
    assert audit.interpret({"dependencies": [report["dependencies"][1]]}).verdict == audit.CLEAN
