"""SQL injection probes of every list filter with sqlmap, then pip-audit of requirements.txt.

Not a test, and not shipped: a command of the development-only bench app, which `make security-scan` runs with
bench.settings against SECURITY_DATABASE_URL, a throwaway PostgreSQL database that it creates, fills with the
demo data and drops afterwards. gunicorn (bench/server.py, DEBUG on, the shipped settings) serves the app on a
free port of 127.0.0.1 (the only address ever probed); a focal point signs in through the form and sqlmap probes each
parameter of each list and export with that session, one parameter per run. Exits non-zero when sqlmap
finds an injection or does not finish a probe, and when pip-audit finds a vulnerability or could check nothing.
"""

import secrets
import shutil
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from bench import server
from bench.security import audit, parameters, site, sqlmap

# A focal point: the least privileged role with rows on every list, "my action items" included.
USERNAME = "focal"


class Command(BaseCommand):
    help = "Probe every list filter for SQL injection with sqlmap and audit requirements.txt with pip-audit."
    # The database may not exist yet: nothing may touch it before handle() creates it.
    requires_system_checks = []

    def add_arguments(self, parser):
        # Level 1 keeps the whole scan near 2 minutes on two cores; level 2 triples it (ORDER BY payloads and more).
        parser.add_argument("--level", type=int, default=1, help="sqlmap --level (1-5): how many payloads.")
        parser.add_argument("--risk", type=int, default=1, help="sqlmap --risk (1-3); above 1 payloads may write.")
        parser.add_argument("--jobs", type=int, default=4, help="sqlmap runs at once.")
        parser.add_argument("--timeout", type=int, default=900, help="Seconds before one probe counts as unfinished.")
        parser.add_argument("--only", default="", help="Probe only the parameters whose URL or name contains this.")
        parser.add_argument("--output", default=str(settings.BASE_DIR / "var" / "security-scan"))
        parser.add_argument("--pip-audit", default=str(settings.BASE_DIR / "var" / "audit-venv" / "bin" / "pip-audit"))

    def handle(self, *args, level, risk, jobs, timeout, only, output, pip_audit, **options):
        sqlmap.require_sqlmap()
        name = site.database_name()
        output = Path(output)
        shutil.rmtree(output, ignore_errors=True)
        output.mkdir(parents=True)
        # `kill` and Ctrl-C alike go through the `finally` blocks: the server stops and the database is dropped.
        signal.signal(signal.SIGTERM, interrupt)
        started = time.monotonic()
        try:
            password = self.prepare(name)
            probes = [probe for probe in parameters.probes() if only in probe.path or only in probe.parameter]
            if not probes:
                raise CommandError(f"No parameter matches --only {only!r}")
            findings = self.probe(probes, password, output, level=level, risk=risk, jobs=jobs, timeout=timeout)
        finally:
            site.drop_database(name)
            self.stdout.write(f"Dropped database {name}")
        minutes, seconds = divmod(round(time.monotonic() - started), 60)
        self.stdout.write(f"\nsqlmap {sqlmap_version()}, level {level}, risk {risk}, {jobs} at a time: "
                          f"{len(findings)} parameters in {minutes} min {seconds} s")  # fmt: skip
        self.report(findings)
        self.stdout.write("\npip-audit of requirements.txt:")
        result = audit.run(pip_audit, settings.BASE_DIR / "requirements.txt", output / "pip-audit.json")
        for line in result.lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"pip-audit: {result.verdict}")
        self.conclude(findings, result)

    def prepare(self, name):
        """A fresh database with the schema and the demo data; returns the demo accounts' one-off password."""
        site.create_database(name)
        self.stdout.write(f"Created database {name}")
        password = secrets.token_urlsafe(24)
        env = site.app_environment(DEMO_PASSWORD=password)
        server.manage("migrate", "--noinput", "--verbosity", "0", env=env)
        server.manage("load_demo", "--verbosity", "0", env=env)
        return password

    def probe(self, probes, password, output, *, level, risk, jobs, timeout):
        paths = sorted({probe.path for probe in probes})
        # The workers open their own connections; this one must not hold the database meanwhile.
        connections.close_all()
        with site.serve(output / "gunicorn.log") as scanned:
            cookie = scanned.sign_in(USERNAME, password)
            site.check_session(scanned, cookie, paths)
            self.stdout.write(
                f"gunicorn on {scanned.base_url}, signed in as {USERNAME}; "
                f"{len(probes)} parameters on {len(paths)} URLs, logs in {output}"
            )
            runner = sqlmap.Runner(scanned.base_url, cookie, output / "sqlmap", level=level, risk=risk, timeout=timeout)
            findings = []
            with ThreadPoolExecutor(jobs) as pool:
                try:
                    for done in as_completed([pool.submit(runner.run, probe) for probe in probes]):
                        finding = done.result()
                        findings.append(finding)
                        self.stdout.write(
                            f"  [{len(findings):>3}/{len(probes)}] {finding.path} {finding.parameter}: "
                            f"{finding.verdict} ({finding.seconds:.0f} s)"
                        )
                finally:
                    pool.shutdown(wait=False, cancel_futures=True)
                    runner.stop()
        return findings

    def report(self, findings):
        """Per URL, each parameter's verdict, then one line: clean, or which parameters are not."""
        for path in sorted({finding.path for finding in findings}):
            mine = [finding for finding in findings if finding.path == path]
            self.stdout.write(f"\n{path}")
            for finding in sorted(mine, key=lambda finding: finding.parameter):
                errors = f", {finding.server_errors} × HTTP 500" if finding.server_errors else ""
                self.stdout.write(f"  {finding.parameter:<16} {finding.verdict}{errors}")
            bad = [finding for finding in mine if finding.verdict != sqlmap.NOT_INJECTABLE]
            if not bad:
                self.stdout.write(f"  → all {len(mine)} parameters appear not injectable")
            for finding in bad:
                self.stdout.write(f"  → {finding.parameter}: {finding.verdict.upper()}, see {finding.log_path}")

    def conclude(self, findings, result):
        injectable = [f"{f.path} {f.parameter}" for f in findings if f.verdict == sqlmap.INJECTABLE]
        unfinished = [f"{f.path} {f.parameter}" for f in findings if f.verdict == sqlmap.NOT_FINISHED]
        problems = []
        if injectable:
            problems.append(f"sqlmap found injectable parameters: {', '.join(injectable)}")
        if unfinished:
            problems.append(f"sqlmap did not finish: {', '.join(unfinished)}")
        if result.verdict != audit.CLEAN:
            problems.append(f"pip-audit: {result.verdict}")
        if problems:
            raise CommandError("; ".join(problems))
        self.stdout.write("\nSecurity scan passed: no injectable parameter, no known vulnerability.")


def interrupt(signum, frame):
    raise SystemExit(128 + signum)


def sqlmap_version():
    return subprocess.run(["sqlmap", "--version"], capture_output=True, text=True).stdout.split("#")[0].strip()
