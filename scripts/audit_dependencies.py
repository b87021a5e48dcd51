"""Audit the locked Python packages for known vulnerabilities with pip-audit.

    python scripts/audit_dependencies.py requirements.lock

pip-audit on its own passes silently when it cannot reach a vulnerability database: every
package it could not look up is "skipped" and it still prints "No known vulnerabilities
found". This wrapper asks PyPI's advisory data first and OSV for whatever PyPI could not
answer, then says which of three things happened (docs/decisions/0018):

- a locked package has a known vulnerability: the packages and advisories are listed, exit 1;
- every package was checked and none is known to be vulnerable: exit 0;
- the database could not be reached for some or all packages: a loud "NOT CHECKED" with the
  packages and the reason, exit 0, or exit 2 when REQUIRE_VULNERABILITY_DATABASE=true (set
  it wherever the database is reachable, so that losing it fails the build).
"""

from __future__ import annotations

import json
import os
import re
import subprocess  # nosec B404  # runs pip-audit only
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

UNREACHABLE = "pip-audit: vulnerability database unreachable – NOT CHECKED"
# What pip-audit prints when a service cannot be reached at all (it then writes no report).
NETWORK_ERRORS = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "Timeout")


@dataclass
class Audit:
    """What one or more pip-audit runs found, by package name."""

    vulnerable: dict[str, list[dict]] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)
    not_checked: dict[str, list[str]] = field(default_factory=dict)  # name -> why, by service

    def add_report(self, report: dict, service: str) -> None:
        """Merge a pip-audit JSON report: a package checked by any service counts as checked."""
        for dependency in report.get("dependencies", []):
            name = dependency["name"]
            if "skip_reason" in dependency:
                if name not in self.checked:
                    # "… could not be audited: django (5.2.19)": the reason without the package.
                    reason = re.sub(r": [^:]+ \([^)]*\)$", "", dependency["skip_reason"])
                    self.not_checked.setdefault(name, []).append(f"{service}: {reason}")
                continue
            self.checked.add(name)
            self.not_checked.pop(name, None)
            if dependency.get("vulns"):
                label = f"{name}=={dependency.get('version', '?')}"
                self.vulnerable[label] = dependency["vulns"]

    def add_unreachable(self, names: set[str], reason: str) -> None:
        for name in names - self.checked:
            self.not_checked.setdefault(name, []).append(reason)


def run_pip_audit(lock: Path, service: str) -> tuple[dict | None, str]:
    """One pip-audit run against the lock: its JSON report, or None and the error it gave."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(lock),
            "--require-hashes",
            # The lock is complete and pinned: no resolver run, no temporary virtualenv.
            "--disable-pip",
            "--vulnerability-service",
            service,
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(output),
        ]
        # A fixed command: this interpreter running pip-audit on the lock.
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
        if output.exists() and output.stat().st_size:
            return json.loads(output.read_text()), result.stderr
        return None, (result.stderr or result.stdout).strip()


def locked_names(lock: Path) -> set[str]:
    """The lock's packages for this interpreter and platform (as pip-audit reads them)."""
    names = set()
    for line in lock.read_text().splitlines():
        if line and not line[0].isspace() and not line.startswith("#") and "==" in line:
            requirement = Requirement(line.rstrip(" \\"))
            if requirement.marker is None or requirement.marker.evaluate():
                names.add(canonicalize_name(requirement.name))
    return names


def audit(lock: Path) -> Audit:
    result = Audit()
    names = locked_names(lock)
    for service in ("pypi", "osv"):
        report, error = run_pip_audit(lock, service)
        if report is not None:
            result.add_report(report, service)
        elif any(marker in error for marker in NETWORK_ERRORS):
            result.add_unreachable(names, f"{service}: {error.splitlines()[-1]}")
        else:
            raise RuntimeError(f"pip-audit failed with the {service} service:\n{error}")
        if not result.not_checked:
            break
    return result


def verdict(result: Audit, *, require_database: bool) -> tuple[int, list[str]]:
    """The exit code and the lines to print for an audit's result."""
    lines: list[str] = []
    code = 0
    for package, vulns in sorted(result.vulnerable.items()):
        for vuln in vulns:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
            lines.append(f"pip-audit: VULNERABLE {package}: {vuln['id']} (fixed in {fixes})")
        code = 1
    if result.not_checked:
        lines.append("")
        lines.append("*" * len(UNREACHABLE))
        lines.append(UNREACHABLE)
        lines.append("*" * len(UNREACHABLE))
        lines.append(
            f"{len(result.not_checked)} of {len(result.checked) + len(result.not_checked)} "
            "locked packages could not be looked up:"
        )
        groups: dict[tuple[str, ...], list[str]] = {}
        for name, why in sorted(result.not_checked.items()):
            groups.setdefault(tuple(why), []).append(name)
        for why, packages in groups.items():
            shown = ", ".join(packages[:8]) + (", …" if len(packages) > 8 else "")
            lines.append(f"  {shown}")
            lines.extend(f"    {reason}" for reason in why)
        if require_database:
            lines.append("REQUIRE_VULNERABILITY_DATABASE is set: failing.")
            code = code or 2
        else:
            lines.append(
                "Not failing the build (docs/decisions/0018); set "
                "REQUIRE_VULNERABILITY_DATABASE=true where the database is reachable."
            )
    elif not result.vulnerable:
        lines.append(f"pip-audit: {len(result.checked)} locked packages, no known vulnerabilities")
    return code, lines


def main() -> int:
    lock = Path(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock")
    require = os.environ.get("REQUIRE_VULNERABILITY_DATABASE", "").lower() in {"1", "true", "yes"}
    code, lines = verdict(audit(lock), require_database=require)
    print("\n".join(lines), file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
