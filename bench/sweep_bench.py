"""Benchmark of the deadline sweep (``layan sla-sweep``) over many open reports.

    python -m bench.sweep_bench --n 10000 100000 [--due-fraction 0.01] [--batch-size 500]

For each N it creates a fresh database next to the configured one (``DATABASE_URL``: a temporary SQLite file,
or ``<name>_sweepbench`` on the same PostgreSQL server; dropped afterwards unless ``--keep``), fills it fast
with ``bulk_create`` (N open reports with two running clocks each, a minimal set of agencies and staff), makes
a fraction of the reports due for one ladder step (a third each: reminder, escalation to the head, escalation
to the supervising level), then times one sweep (which acts on every due clock: timeline entries, staff
notifications, delivery queued) and a second one (nothing left: the idle cost of a sweep). Columns: N open
reports, running clocks, clocks due, seconds of the sweep, microseconds per due clock and per open report,
notifications created, milliseconds of the first idle sweep (on PostgreSQL it meets the index entries of the
rows just updated once, until vacuum) and of the next one, seconds to fill the database.
"""

import argparse
import datetime as dt
import os
import sys
import time

if __package__ in (None, ""):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layan.settings.demo")

import django  # noqa: E402

from bench.db import setup_database, teardown_database  # noqa: E402

CHUNK = 5000


def reference_data():
    """One province and city, a city government (admin desk), one OPD under it, its inspectorate, four staff."""
    from layan.core.models import Agency, Membership, Region, User

    province = Region.objects.create(code="35", name="Jawa Timur", level="provinsi")
    city = Region.objects.create(code="35.78", name="Kota Surabaya", level="kabkota", parent=province)
    pemda = Agency.objects.create(name="Pemkot Bench", slug="bench", kind="pemda", level="kabkota", home_region=city)
    opd = Agency.objects.create(
        name="Dinas Bench", slug="dinas-bench", kind="opd", level="kabkota", parent=pemda, home_region=city
    )
    inspectorate = Agency.objects.create(
        name="Inspektorat Bench", slug="insp-bench", kind="inspektorat", level="kabkota", home_region=city
    )
    inspectorate.oversees.add(pemda)
    for username, agency, role in (
        ("admin", pemda, Membership.Role.PLATFORM_ADMIN),
        ("penghubung", opd, Membership.Role.PENGHUBUNG),
        ("pimpinan", opd, Membership.Role.PIMPINAN),
        ("pengawas", inspectorate, Membership.Role.OVERSIGHT),
    ):
        user = User.objects.create(username=username, email=f"{username}@bench.layan.id")
        Membership.objects.create(user=user, agency=agency, role=role)
    return city, pemda, opd


class FastInsert:
    """Rows of one model written with ``executemany`` (``COPY`` on PostgreSQL): the column values of a template
    instance prepared once by Django (defaults, adaptation), only the varying columns replaced per row. Many
    times faster than ``bulk_create`` for the million-row fills; primary keys are given (the database is fresh)."""

    def __init__(self, template, varying: list[str]):
        from django.db import connection

        self.connection = connection
        self.fields = [f for f in template._meta.concrete_fields]
        self.base = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in self.fields]
        self.index = {f.attname: k for k, f in enumerate(self.fields)}
        self.varying = [(self.index[name], self._adapter(name)) for name in varying]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(template._meta.db_table)} ({columns}) VALUES ({marks})"
        self.copy_sql = f"COPY {quote(template._meta.db_table)} ({columns}) FROM STDIN"
        self.model = type(template)

    def _adapter(self, attname):
        field = next(f for f in self.fields if f.attname == attname)
        if field.get_internal_type() == "DateTimeField":
            return self.connection.ops.adapt_datetimefield_value
        if field.get_internal_type() == "DecimalField":
            ops, digits, places = self.connection.ops, field.max_digits, field.decimal_places
            return lambda value: ops.adapt_decimalfield_value(value, digits, places)
        return None

    def rows(self, values_list):
        for values in values_list:
            row = list(self.base)
            for (position, adapt), value in zip(self.varying, values, strict=True):
                row[position] = adapt(value) if adapt else value
            yield row

    def insert(self, values_list):
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":  # COPY: one stream instead of a round trip per row
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows(values_list):
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, list(self.rows(values_list)))

    def reset_sequence(self):
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(sql)


def clock_times(i: int, stride: int, now: dt.datetime):
    """(started, due, remind, next check, level) of report i's first-response clock. Reports arrive one every
    few seconds over the last hours (as in life: no two clocks share an instant)."""
    hour = dt.timedelta(hours=1)
    now = now - dt.timedelta(milliseconds=(i * 7919) % 3_600_000)  # spread over the hour before
    if i % stride:
        return now - hour, now + 23 * hour, now + 17 * hour, now + 17 * hour, 0  # not due
    kind = (i // stride) % 3
    if kind == 0:  # 18 h of 24 used: reminder
        return now - 20 * hour, now + 4 * hour, now - 2 * hour, now - 2 * hour, 0
    if kind == 1:  # deadline passed an hour ago: escalation to the head
        return now - 25 * hour, now - hour, now - 7 * hour, now - hour, 1
    return now - 50 * hour, now - 26 * hour, now - 32 * hour, now - 2 * hour, 2  # deadline + 24 h: supervisor


def fill(n: int, due_fraction: float, now: dt.datetime) -> int:
    """N open reports, each with a running first-response and resolution clock. Returns the clocks due."""
    from django.db import transaction

    from layan.deadlines.models import Clock, Step, Unit
    from layan.reports.models import Report

    city, pemda, opd = reference_data()
    stride = max(1, round(1 / due_fraction)) if due_fraction > 0 else n + 1
    report_template = Report(
        pk=1,
        tracking_number="B",
        title="Laporan uji",
        description="Isi laporan uji beban.",
        region=city,
        admin_agency=pemda,
        state=Report.State.TERDISPOSISI,
    )
    reports = FastInsert(report_template, ["id", "tracking_number", "title"])
    clock_template = Clock(
        pk=1, report_id=1, agency=opd, status=Clock.Status.RUNNING, started_at=now, due_at=now, amount=1, unit="x"
    )
    varying = ["id", "report_id", "step", "amount", "unit", "supervisor_after", "started_at", "due_at"]
    clocks = FastInsert(clock_template, [*varying, "remind_at", "next_check_at", "escalation_level"])
    day = dt.timedelta(days=1)
    resolution = (Step.RESOLUTION, 5, Unit.WORKING_DAYS, 1, now - day / 24, now + 7 * day, now + 5 * day, now + 5 * day)
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        with transaction.atomic():
            reports.insert((i + 1, f"B{i:08d}", f"Laporan uji {i}") for i in range(start, stop))
            rows = []
            for i in range(start, stop):
                started, due_at, remind, next_check, level = clock_times(i, stride, now)
                first = (Step.FIRST_RESPONSE, 24, Unit.CALENDAR_HOURS, 24, started, due_at, remind, next_check, level)
                rows.append((2 * i + 1, i + 1, *first))
                rows.append((2 * i + 2, i + 1, *resolution, 0))
            clocks.insert(rows)
    reports.reset_sequence()
    clocks.reset_sequence()
    return sum(1 for i in range(n) if i % stride == 0)


def analyze():
    """Planner statistics, and on PostgreSQL the visibility map and hint bits a live database has from
    autovacuum (without it the first reads of freshly copied pages write them, which a real sweep never pays)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")  # the fill's dirty pages written now, not during the timed sweep
        else:
            cursor.execute("ANALYZE")


def run(n: int, args) -> dict:
    from django.utils import timezone

    from layan.deadlines.sweep import sweep

    old_name = setup_database("sweepbench", n)
    try:
        now = timezone.now()
        started = time.perf_counter()
        due = fill(n, args.due_fraction, now)
        analyze()
        fill_seconds = time.perf_counter() - started
        result = sweep(batch_size=args.batch_size)
        idle = sweep(batch_size=args.batch_size)
        idle_again = sweep(batch_size=args.batch_size)
        if result.acted != due or result.errors:
            print(f"  warning: {due} due, {result.acted} acted, {result.errors} errors", file=sys.stderr)
        return {
            "n": n,
            "clocks": 2 * n,
            "due": due,
            "seconds": result.seconds,
            "us_per_due": 1e6 * result.seconds / max(due, 1),
            "us_per_report": 1e6 * result.seconds / n,
            "events": result.events,
            "notifications": result.notifications,
            "idle_ms": 1000 * idle.seconds,
            "idle_again_ms": 1000 * idle_again.seconds,
            "fill_seconds": fill_seconds,
        }
    finally:
        teardown_database(old_name, args.keep)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000], help="open reports")
    parser.add_argument("--due-fraction", type=float, default=0.01, help="share of reports with a step due")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    args = parser.parse_args(argv)
    django.setup()
    from django.conf import settings
    from django.db import connection

    backend = settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1]
    from django.urls import reverse

    reverse("home")  # a worker's URLconf is loaded once per process (~0.15 s): not the sweep's cost
    print(f"database: {connection.vendor}, due fraction {args.due_fraction}, batch {args.batch_size}, tasks {backend}")
    header = ["N", "clocks", "due", "seconds", "us/due clock", "us/open report", "notifications"]
    print(" | ".join([*header, "idle ms", "idle again ms", "fill s"]))
    for n in args.n:
        row = run(n, args)
        print(
            f"{row['n']} | {row['clocks']} | {row['due']} | {row['seconds']:.2f} | {row['us_per_due']:.0f} | "
            f"{row['us_per_report']:.2f} | {row['notifications']} | {row['idle_ms']:.1f} | "
            f"{row['idle_again_ms']:.1f} | {row['fill_seconds']:.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
