"""CI's dependency audit (scripts/audit_dependencies.py) reads pip-audit's answer right: a known vulnerability
fails the run, an unreachable vulnerability service only warns. pip-audit is replaced by a script answering as it
does (LAYAN_PIP_AUDIT), since the real service's answer cannot be chosen."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "audit_dependencies.py"

VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}]},
        {"name": "requests", "version": "2.32.3", "vulns": []},
    ],
    "fixes": [],
}
CLEAN = {"dependencies": [{"name": "requests", "version": "2.32.3", "vulns": []}], "fixes": []}
ALL_SKIPPED = {"dependencies": [{"name": "requests", "skip_reason": "Dependency not found on PyPI"}], "fixes": []}


def run(tmp_path, stdout: str, returncode: int, stderr: str = ""):
    fake = tmp_path / "pip-audit"
    fake.write_text(
        f"#!{sys.executable}\nimport sys\nsys.stdout.write({stdout!r})\nsys.stderr.write({stderr!r})\n"
        f"sys.exit({returncode})\n"
    )
    fake.chmod(0o755)
    env = {**os.environ, "LAYAN_PIP_AUDIT": str(fake)}
    return subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not SCRIPT.exists(), reason="not a source checkout")
def test_a_known_vulnerability_fails(tmp_path):
    result = run(tmp_path, json.dumps(VULNERABLE), 1)
    assert result.returncode == 1
    assert "error: django 5.2.0: PYSEC-2025-1 (fixed in: 5.2.1)" in result.stdout


@pytest.mark.skipif(not SCRIPT.exists(), reason="not a source checkout")
@pytest.mark.parametrize(
    ("stdout", "code", "stderr"),
    [
        ("", 1, "requests.exceptions.ConnectionError: Failed to resolve 'pypi.org'"),
        (json.dumps(ALL_SKIPPED), 0, ""),
    ],
)
def test_an_unreachable_service_only_warns(tmp_path, stdout, code, stderr):
    result = run(tmp_path, stdout, code, stderr)
    assert result.returncode == 0 and result.stdout.startswith("warning:")


@pytest.mark.skipif(not SCRIPT.exists(), reason="not a source checkout")
def test_a_clean_audit_passes(tmp_path):
    result = run(tmp_path, json.dumps(CLEAN), 0)
    assert result.returncode == 0 and "1 packages audited, no known vulnerability" in result.stdout
