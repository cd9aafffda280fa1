"""Benchmark of a routing suggestion at intake, end to end (``layan.routing.suggest.suggest_for``).

    python -m bench.suggest_bench [--csv PATH] [--n 500] [--train 9000] [--keep]

Builds a fresh database next to the configured one (``DATABASE_URL``: a temporary SQLite file, or
``<name>_suggestbench`` on the same PostgreSQL server; dropped afterwards unless ``--keep``) with the regions of
province 35 and the demo agencies, trains an agency model and a category model on the first ``--train`` examples
of the CSV (default: the Surabaya complaints in ../shared/data, read at run time, never copied), read and labelled
as ``layan router train --csv`` reads them (place-relative labels, labels mapped to the demo agencies), and stores
them as active versions (without the cross-validation, to save time). Then it stores the file's last ``--n``
complaints as reports (placed in their kelurahan) and times ``suggest_for`` on each, one at a time on one thread,
inside a transaction as at intake (the commit is the intake's, not counted here): the whole call (the active-version
check, the three agencies with their explaining words, the three categories, the stored Suggestion) and, apart,
the models' own ``predict`` and ``explain`` (the rest: the whole minus these, i.e. queries and bookkeeping).
Columns: p50/p95/p99/max milliseconds; also database queries per suggestion and the first call (models loaded
from storage).
"""

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layan.settings.demo")

import django  # noqa: E402

from bench.db import setup_database, teardown_database  # noqa: E402

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "surabaya-keluhan" / "keluhan_train.csv"


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": statistics.median(ordered), "p95": pick(0.95), "p99": pick(0.99), "max": ordered[-1]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--n", type=int, default=500, help="reports timed")
    parser.add_argument("--train", type=int, default=9000, help="rows the models are trained on")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--profile", action="store_true", help="also print where the time of suggest_for goes")
    args = parser.parse_args(argv)
    django.setup()

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from layan.core.demo import seed_reference_data
    from layan.core.models import Region
    from layan.core.services import load_regions
    from layan.reports.demo import seed_categories
    from layan.reports.models import Report
    from layan.routing import places, store, suggest, training
    from layan.routing.learn import train

    rows = list(csv.DictReader(args.csv.open(encoding="utf-8-sig")))
    if args.train + args.n > len(rows):
        parser.error(f"--train + --n must not exceed the {len(rows)} rows of the file")
    probe = rows[-args.n :]
    old_name = setup_database("suggestbench")
    try:
        started = time.perf_counter()
        load_regions(province="35")
        agencies = seed_reference_data()
        seed_categories()
        kelurahan = {r.name.lower(): r for r in Region.objects.filter(code__startswith="35.78.", level="desa")}
        setup_s = time.perf_counter() - started

        trained = {}
        for target, label_col in (("agency", "instansi"), ("category", "topik")):
            started = time.perf_counter()
            dataset = training.csv_dataset(
                args.csv,
                target=target,
                text_col="keluhan",
                label_col=label_col,
                location_cols=("kecamatan", "kelurahan"),
            )
            examples = dataset.examples[: args.train]  # the rows timed below are the file's last ones
            router = train(examples)
            store.save_version(target, router, source="bench", evaluation={}, label_map=dataset.label_map)
            trained[target] = (time.perf_counter() - started, len(examples), len(router.labels))
        store.forget()  # the first suggestion loads the models from storage, as a fresh web process would

        admin = agencies["surabaya"]
        reports = [
            Report.objects.create(
                title=r["keluhan"][:80] or "-",
                description=r["keluhan"] or "-",
                region=kelurahan.get(r["kelurahan"].strip().lower()),
                admin_agency=admin,
            )
            for r in probe
        ]
        whole, queries, first = [], [], None
        for report in reports:
            # inside a transaction, as at intake: the commit is the intake's, not the suggestion's
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                suggest.suggest_for(report)
                elapsed = (time.perf_counter() - started) * 1000
            if first is None:
                first = elapsed
                continue
            whole.append(elapsed)
            queries.append(len(captured))

        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            for report in reports[1:]:
                with transaction.atomic():
                    profiler.runcall(suggest.suggest_for, report)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)

        active = store.active()
        predict_ms, explain_ms, category_ms = [], [], []
        for report in reports[1:]:
            text = training.report_text(report.title, report.description)
            where = places.place_names(report.region_id)
            started = time.perf_counter()
            top = active["agency"].router.predict(text, where, k=4)
            predict_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            for label, _p in top[:3]:
                active["agency"].router.explain(text, where, label, n=5)
            explain_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            active["category"].router.predict(text, where, k=3)
            category_ms.append((time.perf_counter() - started) * 1000)
        own = [w - p - e - c for w, p, e, c in zip(whole, predict_ms, explain_ms, category_ms, strict=True)]

        print(f"database: {connection.vendor}; setup {setup_s:.1f} s; {len(whole)} reports timed, one at a time")
        for target, (seconds, n, labels) in trained.items():
            print(f"  {target} model: trained on {n} rows, {labels} labels, {seconds:.1f} s")
        print(f"  first suggestion (models loaded from storage): {first:.1f} ms")
        print(f"  {'ms per report':<34} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")
        for name, values in (
            ("suggest_for (whole, stored)", whole),
            ("agency predict (top 4)", predict_ms),
            ("agency explain (3 labels)", explain_ms),
            ("category predict (top 3)", category_ms),
            ("the rest (queries, storing)", own),
        ):
            p = percentiles(values)
            print(f"  {name:<34} {p['p50']:>7.2f} {p['p95']:>7.2f} {p['p99']:>7.2f} {p['max']:>7.2f}")
        print(f"  database queries per suggestion: {statistics.median(queries):.0f} (max {max(queries)})")
    finally:
        teardown_database(old_name, args.keep)


if __name__ == "__main__":
    main()
