"""No key file in the repository: the demo makes its key under the data directory, production takes it from the
environment (``test_production_refuses_to_start_without_secret_key`` in core's tests)."""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]


@pytest.mark.skipif(not (REPO / ".git").exists() or not shutil.which("git"), reason="not a git checkout")
def test_no_secret_key_file_is_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert not [name for name in tracked.splitlines() if Path(name).name in ("secret_key", ".env")]


@pytest.mark.skipif(not (REPO / ".git").exists() or not shutil.which("git"), reason="not a git checkout")
def test_a_key_made_under_the_package_would_be_ignored_by_git():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "src/layan/var/secret_key"], cwd=REPO, capture_output=True, check=False
    )
    assert ignored.returncode == 0
