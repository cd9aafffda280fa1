"""The intake benchmark's steps inside Django, run as subprocesses with the benchmark server's settings and
database (``python -m bench.bare.prepare prepare|tally|profile``); each prints one JSON object on a line of its
own, after ``bench-result: ``. The benchmark process
itself never loads Django, so one run can measure SQLite and then PostgreSQL.

- ``prepare``: an API key of the Surabaya city government with ``report.intake`` (as an integrator gets one from
  a system administrator), the region codes of Surabaya by district and village name, the category slugs, and
  the reports already there (the demo's).
- ``tally``: the tracking numbers of every report that came in through the API, and the ids of the bare rows,
  so the benchmark can check that each successful answer stored exactly one row.
- ``profile``: where the time of one intake goes. Reads report bodies (JSON lines) on stdin and posts them through
  Django's test client (the same middleware, DRF view and intake as over HTTP, without the server and the
  socket), timing the steps with wrappers (wall clock, inclusive: routing is inside submit_report) and counting
  queries.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bare.settings")

import django  # noqa: E402

RESULT = "bench-result: "  # the prefix of the one line the benchmark reads
CITY = "35.78"  # Kota Surabaya, where the demo's city government serves
AGENCY = "surabaya"


def prepare() -> dict:
    from layan.api.models import ApiKey
    from layan.core.models import Agency, Region
    from layan.reports.models import Category, Report

    _key, raw = ApiKey.objects.create_key(
        name="intake benchmark", agency=Agency.objects.get(slug=AGENCY), permissions=["report.intake"]
    )
    places = {}
    for code, name, level in Region.objects.filter(code__startswith=f"{CITY}.").values_list("code", "name", "level"):
        places.setdefault(level, {})[name.lower()] = code
    return {
        "key": raw,
        "districts": places.get("kecamatan", {}),
        "villages": places.get("kelurahan", places.get("desa", {})),
        "categories": sorted(Category.objects.filter(is_active=True).values_list("slug", flat=True)),
        "reports_before": Report.objects.count(),
        "api_reports_before": Report.objects.filter(channel=Report.Channel.API).count(),
    }


def tally() -> dict:
    from bench.bare.models import BareReport
    from layan.reports.models import Report

    return {
        "reports": Report.objects.count(),
        "api_tracking_numbers": list(
            Report.objects.filter(channel=Report.Channel.API).values_list("tracking_number", flat=True)
        ),
        "bare_ids": list(BareReport.objects.values_list("pk", flat=True)),
    }


# The steps timed by ``profile``: (label, module, attribute path). Each is looked up where its caller looks it up
# at call time, so a wrapper there sees every call.
STEPS = [
    ("authentication (API key)", "layan.api.authentication", "ApiKeyAuthentication.authenticate"),
    ("validation (serializer)", "layan.api.serializers", "ReportCreateSerializer.is_valid"),
    ("submit_report", "layan.reports.services", "submit_report"),
    ("  citizen", "layan.reports.services", "citizen_for_report"),
    ("  admin agency", "layan.reports.services", "admin_agency_for"),
    ("  audit log entries", "auditlog.receivers", "_create_log_entry"),
    ("  verification clock", "layan.deadlines.services", "start_clock"),
    ("  notifications queued", "layan.reports.notifications", "queue_notifications"),
    ("  routing (abuse, duplicates, suggestion)", "layan.routing.services", "on_report_submitted"),
    ("    abuse screen", "layan.routing.abuse", "screen"),
    ("    duplicate index and check", "layan.routing.duplicates", "index_and_find"),
    ("    suggestion", "layan.routing.suggest", "suggest_for"),
    ("    auto-dispatch", "layan.routing.suggest", "maybe_auto_dispatch"),
    ("answer: report read again", "layan.api.views", "_reread"),
    ("answer: serialized", "layan.api.serializers", "CreatedReportSerializer.to_representation"),
]


def _wrap(owner, name: str, totals: list):
    import functools
    import time

    original = getattr(owner, name)
    depth = [0]  # a recursive or nested call of the same step is counted once

    @functools.wraps(original)
    def timed(*args, **kwargs):
        depth[0] += 1
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                totals[0] += time.perf_counter() - started

    setattr(owner, name, timed)


def profile(count: str = "300") -> dict:
    import importlib
    import time

    from django.db import connection
    from django.test import Client

    from layan.api.models import ApiKey

    bodies = [line.encode() for line in sys.stdin.read().splitlines() if line.strip()][: int(count)]
    key = json.loads(bodies.pop(0))["key"]  # the first line carries the API key
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert ApiKey.objects.get_from_key(key)

    def post(body):
        response = client.post("/api/v1/reports/", body, content_type="application/json")
        if response.status_code != 201:
            raise RuntimeError(f"{response.status_code}: {response.content[:500]!r}")

    warm = max(1, len(bodies) // 10)
    for body in bodies[:warm]:
        post(body)
    timed = bodies[warm:]
    totals = {}
    for label, module, path in STEPS:
        owner = importlib.import_module(module)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        totals[label] = [0.0]
        if hasattr(owner, name):  # a step another version of the code does not have stays at 0
            _wrap(owner, name, totals[label])
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    cpu = time.process_time()
    with connection.execute_wrapper(count):
        for body in timed:
            post(body)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    n = len(timed)
    return {
        "requests": n,
        "ms_per_request": 1000 * wall / n,
        "cpu_ms_per_request": 1000 * cpu / n,
        "queries_per_request": queries[0] / n,
        "steps": [(label, 1000 * totals[label][0] / n) for label, _module, _path in STEPS],
    }


def main(argv: list[str]) -> int:
    django.setup()
    steps = {"prepare": prepare, "tally": tally, "profile": profile}
    if not argv or argv[0] not in steps:
        print(f"usage: python -m bench.bare.prepare {'|'.join(steps)} [count]", file=sys.stderr)
        return 2
    result = steps[argv[0]](*argv[1:])
    print(RESULT + json.dumps(result))  # on its own line: the production settings log JSON lines to stdout too
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
