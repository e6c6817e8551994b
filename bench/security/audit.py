"""pip-audit over requirements.txt: known vulnerabilities, or a plain "not checked" when no database answers.

pip-audit says "No known vulnerabilities found" and exits 0 even when it could look up none of the pins
(each is then "skipped"), so the verdict is read from its JSON report, never from its exit status alone.
"""

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

CLEAN = "no known vulnerabilities"
VULNERABLE = "VULNERABLE"
NOT_CHECKED = "NOT CHECKED"


@dataclass
class Audit:
    verdict: str
    lines: list = field(default_factory=list)


def run(pip_audit, requirements, report_path, timeout=600):
    """Audits the pinned requirements as written (no resolution), through PyPI's JSON API."""
    if not Path(pip_audit).exists():
        return Audit(NOT_CHECKED, [f"pip-audit is not installed at {pip_audit} (make security-scan installs it)"])
    report_path.unlink(missing_ok=True)
    try:
        completed = subprocess.run(
            [str(pip_audit), "--requirement", str(requirements), "--no-deps", "--disable-pip",
             "--vulnerability-service", "pypi", "--timeout", "30", "--progress-spinner", "off",
             "--format", "json", "--output", str(report_path)],
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return Audit(NOT_CHECKED, [f"vulnerability database unreachable: no answer within {timeout} s"])
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    return interpret(report, completed.stderr)


def interpret(report, stderr=""):
    """The verdict from pip-audit's JSON report, or from its error output when it wrote none."""
    if report is None:
        errors = [line for line in stderr.strip().splitlines() if line.strip()]
        return Audit(NOT_CHECKED, [f"vulnerability database unreachable: {errors[-1] if errors else 'no report'}"])
    dependencies = report.get("dependencies", [])
    skipped = [dependency for dependency in dependencies if "skip_reason" in dependency]
    found = [
        f"{dependency['name']} {dependency['version']}: {vuln['id']} "
        f"(fixed in {', '.join(vuln.get('fix_versions') or []) or 'no release yet'})"
        for dependency in dependencies
        for vuln in dependency.get("vulns") or []
    ]
    lines = list(found)
    if skipped:
        lines.append(
            f"vulnerability database unreachable for {len(skipped)} of {len(dependencies)} pins: "
            f"{skipped[0]['skip_reason']}"
        )
    if found:
        return Audit(VULNERABLE, lines)
    if skipped:
        return Audit(NOT_CHECKED, lines)
    return Audit(CLEAN, [f"{len(dependencies)} pins checked"])
