"""Fill a database with a realistic history of N reports (10k to 1M), for the benchmarks.

    python -m bench.generate --n 1000000 [--database-url URL] [--seed S] [--now 2026-11-23T12:00:00+07:00]

The database (``--database-url``, else ``DATABASE_URL``, else the demo's SQLite file) is created if it does not
exist (PostgreSQL) and migrated; it must hold no reports yet. It gets: the real regions of Provinsi Jawa Timur
down to its villages, the province's and every kabupaten/kota's government with their agencies (OPD, kecamatan
and kelurahan offices, a land office, the water company, PLN, inspectorates, the Ombudsman), one login per role
(password ``layan-bench``, e.g. ``admin.pemerintah-kota-surabaya``, ``sysadmin``), one category per topic, and N
reports spread over ``--years`` (default 3) up to ``--now``, each with the history it would have had by then
(see ``bench/datagen/history.py``): most closed, some archived, recent ones open with running clocks, some
overdue and escalated.

Distributions of agencies, topics, places, hours of the week and first-answer delays come from the Surabaya
complaints file, read at run time (``--complaints``; a built-in shape of the same kind when it is absent).
Everything else is drawn from one random stream: the same ``--seed``, ``--now`` and N give the same rows.

Also importable: ``generate(n, seed=..., now=...)`` fills the database Django is connected to.
"""

import argparse
import bisect
import datetime as dt
import math
import os
import random
import sys
import time

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layan.settings.demo")

CHUNK = 5000
BIG_TABLES = [
    "core_citizen",
    "reports_report",
    "reports_disposition",
    "deadlines_clock",
    "reports_reportevent",
    "reports_support",
    "reports_follower",
]


def arrival_times(n: int, rng: random.Random, now: dt.datetime, years: float, hour_of_week_cum: list[float]):
    """N arrival instants (UTC, sorted) over ``years`` up to ``now``: use grows over the years (twice as many
    reports a week at the end as at the start), the hour of the week follows the complaints file."""
    weeks = max(1, round(years * 52.1775))
    monday = (now - dt.timedelta(weeks=weeks)).replace(hour=0, minute=0, second=0, microsecond=0)
    start = monday - dt.timedelta(days=monday.weekday())
    low, high = 1.0, 2.0  # density of the week index grows linearly from low to high
    total = hour_of_week_cum[-1]
    times = []
    while len(times) < n:
        u = rng.random()
        # inverse of the CDF of a linear density on [0, 1]
        x = (-low + math.sqrt(low * low + u * (high * high - low * low))) / (high - low)
        week = min(int(x * (weeks + 1)), weeks)
        hour = bisect.bisect_right(hour_of_week_cum, rng.random() * total)
        moment = start + dt.timedelta(weeks=week, hours=hour, seconds=rng.random() * 3600)
        if moment < now:
            times.append(moment)
    times.sort()
    return times


def generate(
    n: int,
    *,
    seed: int = 1,
    now: dt.datetime | None = None,
    years: float = 3.0,
    complaints: str | None = None,
    chunk: int = CHUNK,
    progress=print,
) -> dict:
    """Fill the connected (migrated, report-free) database; returns a summary (counts per table and state)."""
    from django.utils import timezone

    from bench.datagen import reference, shape, writer
    from bench.datagen.history import Rows, Simulator
    from layan.reports.models import Report

    if Report.objects.exists():
        raise SystemExit("This database already holds reports: give the generator a fresh one.")
    now = (now or timezone.now()).astimezone(dt.UTC)
    rng = random.Random(seed)
    started = time.perf_counter()
    data_shape = shape.load(complaints)
    progress(f"shape: {data_shape.source}")
    world = reference.build(data_shape)
    progress(
        f"reference data: {len(world.region_names)} regions, {world.agency_count} agencies, "
        f"{world.user_count} staff logins, {len(world.categories)} categories ({time.perf_counter() - started:.1f} s)"
    )
    simulator = Simulator(world, data_shape, rng, now, seed)
    times = arrival_times(n, rng, now, years, data_shape.cum_hour_of_week)
    table_writers = writer.writers()
    totals = dict.fromkeys(writer.ORDER, 0)
    fill_started = time.perf_counter()
    with writer.bulk_load(BIG_TABLES, progress):
        for begin in range(0, n, chunk):
            simulator.rows = Rows()
            for index in range(begin, min(begin + chunk, n)):
                simulator.report(index + 1, times[index])
            writer.write_chunk(table_writers, simulator.rows)
            for name in writer.ORDER:
                totals[name] += len(getattr(simulator.rows, name))
            done, seconds = min(begin + chunk, n), time.perf_counter() - fill_started
            if done == n or (done // chunk) % max(1, 50_000 // chunk) == 0:
                progress(
                    f"  {done:,} / {n:,} reports, {sum(totals.values()):,} rows, {seconds:.0f} s, "
                    f"{done / seconds:,.0f} reports/s"
                )
        fill_seconds = time.perf_counter() - fill_started
    index_seconds = time.perf_counter() - fill_started - fill_seconds
    writer.reset_sequences([tw.model for tw in table_writers.values()])
    writer.analyze()
    summary = {
        "n": n,
        "seed": seed,
        "now": now.isoformat(),
        "shape": data_shape.source,
        "rows": totals,
        "states": dict(sorted(simulator.counts["states"].items())),
        "open": simulator.counts["open"],
        "agencies": world.agency_count,
        "staff": world.user_count,
        "fill_seconds": round(fill_seconds, 1),
        "index_seconds": round(index_seconds, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }
    progress(
        f"done: {n:,} reports ({summary['open']:,} open), {sum(totals.values()):,} rows in {summary['seconds']} s "
        f"(fill {summary['fill_seconds']} s, indexes and constraints {summary['index_seconds']} s)"
    )
    return summary


def prepare_database(url: str | None) -> None:
    """Point Django at ``url`` (creating the PostgreSQL database if it is missing), then set up and migrate."""
    if url:
        os.environ["DATABASE_URL"] = url
        if url.startswith(("postgres://", "postgresql://")):
            create_postgres_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def create_postgres_database(url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit((parts.scheme.replace("postgresql", "postgres"), parts.netloc, "/postgres", "", ""))
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="reports to generate")
    parser.add_argument("--database-url", help="default: DATABASE_URL, else the demo's SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", type=dt.datetime.fromisoformat, help="the present of the history (default: now)")
    parser.add_argument("--years", type=float, default=3.0, help="span of the history")
    parser.add_argument("--complaints", help="the complaints CSV the distributions come from")
    parser.add_argument("--chunk", type=int, default=CHUNK, help="reports per transaction")
    args = parser.parse_args(argv)
    if args.now is not None and args.now.tzinfo is None:
        parser.error("--now needs a time zone, e.g. 2026-11-23T12:00:00+07:00")
    prepare_database(args.database_url)
    generate(args.n, seed=args.seed, now=args.now, years=args.years, complaints=args.complaints, chunk=args.chunk)


if __name__ == "__main__":
    main()
