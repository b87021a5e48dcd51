"""The lock file covers pyproject.toml with hashes, and the audit step never passes silently."""

import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"


def _locked() -> dict[str, tuple[str, int]]:
    """Package name -> (version, number of hashes), from the lock file."""
    locked: dict[str, tuple[str, int]] = {}
    name = None
    for line in LOCK.read_text().splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            requirement = Requirement(line.rstrip(" \\"))
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", line
            name = canonicalize_name(requirement.name)
            locked[name] = (specifier.version, 0)
        elif line.strip().startswith("--hash=sha256:"):
            version, hashes = locked[name]
            locked[name] = (version, hashes + 1)
    return locked


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lines = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["dev"],
        *project["build-system"]["requires"],
    ]
    return [Requirement(line) for line in lines]


def test_every_package_pyproject_asks_for_is_locked_at_a_matching_version():
    locked = _locked()
    stale = [
        str(requirement)
        for requirement in _declared()
        if canonicalize_name(requirement.name) not in locked
        or not requirement.specifier.contains(locked[canonicalize_name(requirement.name)][0])
    ]
    assert stale == [], "pyproject.toml changed without `make lock`"


def test_every_locked_package_is_pinned_with_a_hash():
    locked = _locked()
    assert len(locked) > len(_declared())  # transitive packages too
    assert [name for name, (_version, hashes) in locked.items() if hashes == 0] == []


@pytest.fixture
def audit_module(monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "audit_dependencies", ROOT / "scripts" / "audit_dependencies.py"
    )
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "audit_dependencies", module)  # for its dataclass
    spec.loader.exec_module(module)
    return module


def test_audit_fails_on_a_known_vulnerability(audit_module):
    result = audit_module.Audit()
    result.add_report(
        {
            "dependencies": [
                {"name": "asgiref", "version": "3.13.0", "vulns": []},
                {
                    "name": "django",
                    "version": "5.2.19",
                    "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["5.2.20"]}],
                },
            ]
        },
        "pypi",
    )
    code, lines = audit_module.verdict(result, require_database=False)
    assert code == 1
    assert lines == ["pip-audit: VULNERABLE django==5.2.19: PYSEC-0000-1 (fixed in 5.2.20)"]


def test_audit_passes_when_every_package_was_checked_and_none_is_vulnerable(audit_module):
    result = audit_module.Audit()
    result.add_report(
        {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}]}, "osv"
    )
    assert audit_module.verdict(result, require_database=True) == (
        0,
        ["pip-audit: 1 locked packages, no known vulnerabilities"],
    )


def test_audit_says_not_checked_when_the_database_answers_for_no_package(audit_module):
    """pip-audit alone prints "No known vulnerabilities found" and exits 0 here."""
    result = audit_module.Audit()
    skipped = "Dependency not found on PyPI and could not be audited: django (5.2.19)"
    result.add_report({"dependencies": [{"name": "django", "skip_reason": skipped}]}, "pypi")
    result.add_unreachable({"django"}, "osv: ConnectionError: name not resolved")

    code, lines = audit_module.verdict(result, require_database=False)
    assert code == 0
    assert audit_module.UNREACHABLE in lines
    assert "    pypi: Dependency not found on PyPI and could not be audited" in lines
    assert "    osv: ConnectionError: name not resolved" in lines

    code, lines = audit_module.verdict(result, require_database=True)
    assert code == 2
    assert audit_module.UNREACHABLE in lines


def test_a_package_checked_by_the_second_service_counts_as_checked(audit_module):
    result = audit_module.Audit()
    skipped = "Dependency not found on PyPI and could not be audited: django (5.2.19)"
    result.add_report({"dependencies": [{"name": "django", "skip_reason": skipped}]}, "pypi")
    result.add_report(
        {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}]}, "osv"
    )
    assert result.not_checked == {}
    assert audit_module.verdict(result, require_database=True)[0] == 0
