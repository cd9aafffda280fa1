"""CI's dependency audit: ``pip-audit`` against the installed environment, read as JSON.

A known vulnerability in an installed package fails (exit 1); not reaching the vulnerability service (no network,
or an index mirror that answers none of the packages) is only a warning (exit 0), so an offline CI run still
tests the code. Run it with the environment's own Python: ``$venv/bin/python scripts/audit_dependencies.py``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path


def main() -> int:
    audit = os.environ.get("LAYAN_PIP_AUDIT") or str(Path(sys.executable).with_name("pip-audit"))
    command = [str(audit), "--skip-editable", "--progress-spinner", "off", "--format", "json"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"warning: pip-audit could not run: {exc}")
        return 0
    try:
        report = json.loads(result.stdout or "null")
    except json.JSONDecodeError:
        report = None
    if not isinstance(report, dict):
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"warning: the vulnerability service could not be reached, dependencies not audited ({last})")
        return 0
    dependencies = report.get("dependencies", [])
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix released"
            print(f"error: {dep['name']} {dep.get('version', '')}: {vuln['id']} (fixed in: {fixed})")
    if vulnerable:
        return 1
    if not audited:
        print(f"warning: none of the {len(dependencies)} installed packages could be audited (index unreachable?)")
        return 0
    skipped = len(dependencies) - len(audited)
    print(f"pip-audit: {len(audited)} packages audited, no known vulnerability ({skipped} skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
