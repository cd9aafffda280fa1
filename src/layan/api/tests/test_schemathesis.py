"""schemathesis against the running server's own OpenAPI schema (issue 15): generated requests, valid and invalid,
to every operation of the REST API v1, anonymously and with API keys (so the endpoints behind permissions are
exercised too). Zero 5xx, and every response must be one the schema describes (status code, content type, body).

Bounded so it fits the default suite: ``LAYAN_SCHEMATHESIS_EXAMPLES`` cases per operation and per phase (default
25) and ``LAYAN_SCHEMATHESIS_SECONDS`` per run (default 40; three runs: about two and a half minutes). The runs'
JUnit reports go to ``$LAYAN_TEST_ARTIFACTS`` when that is set (CI keeps it). A failure prints schemathesis' own
account: each problem with the curl command that reproduces it.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from layan.api.models import ApiKey
from layan.core.models import Agency, Region
from layan.reports.models import Category, Report
from layan.reports.services import NewReport, ReporterInfo, submit_report

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    ]
)


@pytest.fixture
def layan_server_env():
    # the generated requests come fast from one address: the throttles are tested elsewhere (their 429 is in the
    # schema), here they would only cut the run short
    return {
        "API_THROTTLE_ANON": "100000/minute",
        "API_THROTTLE_USER": "100000/minute",
        "API_THROTTLE_CREATE": "100000/minute",
    }


def seed():
    """Reports in each privacy, a category, and keys: one of the handling government with every permission a key
    may hold, one of an unrelated agency with read permissions only."""
    Category.objects.get_or_create(slug="jalan-drainase", defaults={"name": "Jalan dan Drainase"})
    region = Region.objects.get(code="35.78.05.1001")
    for privacy in Report.Privacy.values:
        submit_report(
            NewReport(
                title=f"Jalan berlubang ({privacy})",
                description="Lubang besar di tengah jalan sudah dua minggu.",
                region=region,
                privacy=privacy,
            ),
            reporter=ReporterInfo(name="Siti Aminah", phone="+6281234567890"),
        )
    from layan.api.models import KEY_PERMISSIONS

    _key, full = ApiKey.objects.create_key(
        name="schemathesis", agency=Agency.objects.get(slug="surabaya"), permissions=sorted(KEY_PERMISSIONS)
    )
    _key, other = ApiKey.objects.create_key(
        name="schemathesis lain", agency=Agency.objects.get(slug="tuban"), permissions=["report.view", "stats.view"]
    )
    return full, other


def run_schemathesis(base_url: str, name: str, headers: list[str], report_dir: Path) -> subprocess.CompletedProcess:
    examples = os.environ.get("LAYAN_SCHEMATHESIS_EXAMPLES", "25")
    seconds = os.environ.get("LAYAN_SCHEMATHESIS_SECONDS", "40")
    executable = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    command = [
        executable,
        "run",
        f"{base_url}/api/schema/?format=json",
        "--checks",
        CHECKS,
        "--max-examples",
        examples,
        "--max-time",
        seconds,
        "--seed",
        "15",
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--report",
        "junit",
        "--report-junit-path",
        str(report_dir / f"schemathesis-{name}.xml"),
        "--no-color",
    ]
    for header in headers:
        command += ["-H", header]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "layan.api.tests.schemathesis_hooks",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(Path(__file__).resolve().parents[3]), os.environ.get("PYTHONPATH")])
        ),
        "NO_COLOR": "1",
    }
    return subprocess.run(  # in its own directory: schemathesis keeps a cache (.schemathesis/) where it runs
        command, capture_output=True, text=True, timeout=int(seconds) * 3 + 120, env=env, cwd=report_dir.parent
    )


def test_the_api_answers_generated_requests_as_its_schema_says(demo_agencies, layan_server, tmp_path):
    full, other = seed()
    artifacts = Path(os.environ.get("LAYAN_TEST_ARTIFACTS") or tmp_path) / "schemathesis"
    artifacts.mkdir(parents=True, exist_ok=True)
    failures = []
    for name, headers in (
        ("anonymous", []),
        ("key-handling", [f"Authorization: Api-Key {full}"]),
        ("key-other", [f"Authorization: Api-Key {other}"]),
    ):
        result = run_schemathesis(layan_server, name, headers, artifacts)
        print(f"--- schemathesis ({name}) ---\n{result.stdout}\n{result.stderr[-2000:]}")
        if result.returncode != 0:
            failures.append(f"{name}:\n{result.stdout[-12000:]}\n{result.stderr[-3000:]}")
    assert not failures, "\n\n".join(failures)
