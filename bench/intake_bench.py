"""Benchmark of report intake through the real HTTP stack, against a bare insert on the same server.

    python -m bench.intake_bench [--database sqlite|postgres|both] [--connections 4] [--requests 2000]
                                 [--seconds 30] [--rounds 2] [--threads 4] [--router-rows 3000] [--profile N]
                                 [--keep]

For each database it builds a fresh one (a temporary SQLite file with the production options, WAL; or
``layan_intake_<pid>`` on the PostgreSQL server of ``LAYAN_BENCH_POSTGRES``, default
``postgres://postgres@127.0.0.1:5432/postgres``; dropped afterwards unless ``--keep``), fills it as ``layan demo``
does (all Indonesian regions, the demo agencies, staff, categories, services and 320 reports), makes an API key
with ``report.intake`` for the Surabaya city government, trains the routing model on ``--router-rows`` of the
complaints (``layan router train --csv``, so the suggestion step runs as in a deployment), and starts waitress
(the WSGI server Layan ships; ``layan serve`` runs the same) as a subprocess on loopback with
``bench.bare.settings``: Layan's production settings plus one bare view.

Then ``--connections`` client processes, each on its own keep-alive connection, post varied reports (the real
complaints of ``/work/shared/data/surabaya-keluhan``, read at run time only, else generated text; with a district
or village of Surabaya, a category, a reporter with phone and e-mail for some) as JSON:

- ``layan``: ``POST /api/v1/reports/`` with the API key: the full intake (DRF validation, key authentication and
  throttles, ``reports.services.submit_report``: citizen, admin agency, report, verification clock, timeline entry,
  follower, audit, notification task queued, then ``layan.routing``: abuse screen, duplicates, suggestion) and the
  201 answer with the created report;
- ``bare``: ``POST /bench/bare/`` with the same bodies: a plain view that parses the JSON and inserts one row.

The two targets alternate in ``--rounds`` rounds on the same server, each round bounded by its share of
``--requests`` and ``--seconds``; a few requests per connection warm each round up and are not timed. Afterwards
it checks that every 201 stored exactly one row (count after the run = successful answers, no number twice).
Columns: requests answered 201, errors, reports per second, p50/p90/p99 latency in ms, and the ratio to the bare
insert (its reports per second over the target's, and p50 over p50). ``--profile N`` then times the steps of N
more intakes in-process (``bench.bare.prepare profile``): where the time goes, routing's share included.
"""

import argparse
import csv
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPLAINTS = ROOT.parent / "shared" / "data" / "surabaya-keluhan" / "keluhan_train.csv"
POSTGRES = os.environ.get("LAYAN_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
WARMUP_PER_CONNECTION = 5
# What every request carries: the reverse proxy's header that says the client came over HTTPS (production settings
# redirect plain HTTP; TLS ends at the proxy).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
UNLIMITED = "1000000/second"  # the API's throttles stay in the path, with a rate the benchmark never reaches


# --- databases -------------------------------------------------------------------------------------------------


@contextmanager
def fresh_database(engine: str, label: str, keep: bool = False):
    """Yields the DATABASE_URL of a new, empty database; removes it afterwards unless ``keep``."""
    if engine == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"layan-{label}-"))
        try:
            yield f"sqlite:///{folder / 'db.sqlite3'}"
        finally:
            if keep:
                print(f"  kept {folder}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    name = f"layan_{label}_{os.getpid()}"
    server, _slash, _db = POSTGRES.rpartition("/")
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        if keep:
            print(f"  kept database {name}")
        else:
            with psycopg.connect(POSTGRES, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_version() -> str:
    import psycopg

    with psycopg.connect(POSTGRES) as connection:
        return connection.execute("SHOW server_version").fetchone()[0].split()[0]


# --- servers ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A WSGI server subprocess on loopback; its output goes to ``log``."""

    command: list[str]
    env: dict
    cwd: Path
    log: Path
    port: int
    process: subprocess.Popen | None = None

    def __enter__(self):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not listen within 60 s:\n{self.tail()}")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def waitress(python: str, app: str, port: int, threads: int) -> list[str]:
    """waitress as ``layan serve`` runs it behind a reverse proxy on this machine: the proxy's X-Forwarded-Proto
    is believed (else waitress drops it, and the production settings redirect to HTTPS)."""
    proxy = ["--trusted-proxy=127.0.0.1", "--trusted-proxy-headers=x-forwarded-proto x-forwarded-for"]
    return [python, "-m", "waitress", f"--listen=127.0.0.1:{port}", f"--threads={threads}", *proxy, app]


# --- Layan ------------------------------------------------------------------------------------------------------


@dataclass
class Layan:
    """Layan with the bench settings on one fresh database: set up, served, tallied."""

    database_url: str
    workdir: Path
    threads: int
    port: int = field(default_factory=free_port)
    info: dict = field(default_factory=dict)

    @property
    def env(self) -> dict:
        data = self.workdir / "data"
        (data / "static").mkdir(parents=True, exist_ok=True)
        paths = [str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]
        return {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in paths if p),
            "DJANGO_SETTINGS_MODULE": "bench.bare.settings",
            "DATABASE_URL": self.database_url,
            "LAYAN_DATA_DIR": str(data),
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LAYAN_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            "API_THROTTLE_ANON": UNLIMITED,
            "API_THROTTLE_USER": UNLIMITED,
            "API_THROTTLE_CREATE": UNLIMITED,
        }

    @property
    def secret_key(self) -> str:
        path = self.workdir / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
        return path.read_text()

    def run(self, *args: str, stdin: str | None = None) -> str:
        log = self.workdir / "setup.log"
        result = subprocess.run(
            [sys.executable, *args],
            env=self.env,
            cwd=self.workdir,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        with open(log, "a") as f:
            f.write(result.stdout + result.stderr)
        if result.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def step(self, *args: str, stdin: str | None = None) -> dict:
        """One ``bench.bare.prepare`` step: its JSON answer (the line after ``bench-result: ``)."""
        output = self.run("-m", "bench.bare.prepare", *args, stdin=stdin)
        line = next(line for line in reversed(output.splitlines()) if line.startswith("bench-result: "))
        return json.loads(line.removeprefix("bench-result: "))

    def setup(self, router_rows: int = 0) -> dict:
        """The demo's data, an API key, and (``router_rows`` > 0, when the complaints are there) an active routing
        model trained on that many complaints, so the intake's suggestion step runs as in a deployment."""
        self.run("-m", "layan", "demo", "--no-serve")
        router = "none"
        if router_rows and COMPLAINTS.exists():
            self.train_router(router_rows)
            router = f"agency model trained on {router_rows} complaints"
        self.info = self.step("prepare")
        self.info["router"] = router
        return self.info

    def train_router(self, rows: int):
        """``layan router train --csv`` on the first ``rows`` complaints (a temporary copy in the work folder)."""
        with open(COMPLAINTS, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            subset = [next(reader)] + [row for _i, row in zip(range(rows), reader, strict=False)]
        path = self.workdir / "router-train.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(subset)
        self.run(
            "-m", "layan", "router", "train", "--csv", str(path), "--text-col", "keluhan", "--label-col", "instansi",
            "--location-cols", "kecamatan", "kelurahan", "--folds", "2",
        )  # fmt: skip

    def tally(self) -> dict:
        return self.step("tally")

    def profile(self, bodies: list[bytes]) -> dict:
        lines = [json.dumps({"key": self.info["key"]}), *(b.decode() for b in bodies)]
        return self.step("profile", str(len(bodies)), stdin="\n".join(lines))

    def server(self) -> Server:
        command = waitress(sys.executable, "layan.wsgi:application", self.port, self.threads)
        return Server(command, self.env, self.workdir, self.workdir / "server.log", self.port)

    def headers(self) -> dict:
        return {**PROXY_HEADERS, "Authorization": f"Api-Key {self.info['key']}", "Content-Type": "application/json"}


# --- what the clients send ---------------------------------------------------------------------------------------


def complaints(limit: int, seed: int = 7) -> list[dict]:
    """Real complaints (text, address, district, village) read at run time, or generated ones when the data set
    is not there (a clean clone elsewhere)."""
    rng = random.Random(seed)
    if COMPLAINTS.exists():
        with open(COMPLAINTS, newline="", encoding="utf-8") as f:
            rows = [row for row in csv.DictReader(f) if row["keluhan"].strip()]
        rng.shuffle(rows)
        return [
            {
                "text": row["keluhan"].replace("\\n", "\n").strip(),
                "address": " ".join(row["alamat"].replace("\\n", " ").split())[:300],
                "district": row["kecamatan"].strip().lower(),
                "village": row["kelurahan"].strip().lower(),
            }
            for row in rows[:limit]
        ]
    subjects = ["Jalan", "Saluran air", "Lampu jalan", "Sampah", "Trotoar", "Taman", "Pelayanan KTP", "Air PDAM"]
    states = ["rusak parah", "tidak menyala", "menumpuk", "berlubang", "tersumbat", "lambat sekali", "mati total"]
    asks = ["mohon segera diperbaiki", "mohon ditindaklanjuti", "warga sangat terganggu", "sudah lama dibiarkan"]
    return [
        {
            "text": " ".join(
                f"{rng.choice(subjects)} di RT {rng.randint(1, 12)} RW {rng.randint(1, 9)} {rng.choice(states)}, "
                f"{rng.choice(asks)}."
                for _ in range(rng.randint(1, 4))
            ),
            "address": f"Jl. Contoh {rng.randint(1, 200)}",
            "district": "",
            "village": "",
        }
        for _ in range(limit)
    ]


def title_of(text: str) -> str:
    words = re.sub(r"\s+", " ", text).split(" ")
    return " ".join(words[:10])[:200]


def report_bodies(n: int, info: dict, seed: int = 11) -> list[bytes]:
    """``n`` JSON bodies for ``POST /api/v1/reports/``: each a different complaint (cycling when ``n`` is larger
    than the data), the village's or district's region code when known, a category for half, a reporter with a
    name and phone for most, an e-mail for some; anonymous and confidential ones among them."""
    rng = random.Random(seed)
    pool = complaints(max(n, 1))
    districts, villages, categories = info.get("districts", {}), info.get("villages", {}), info.get("categories", [])
    bodies = []
    for i in range(n):
        c = pool[i % len(pool)]
        body = {"title": title_of(c["text"]), "description": c["text"][:20000], "address": c["address"]}
        region = villages.get(c["village"]) or districts.get(c["district"])
        if region:
            body["region"] = region
        if categories and rng.random() < 0.5:
            body["category"] = rng.choice(categories)
        roll = rng.random()
        body["privacy"] = "anonim" if roll < 0.1 else "rahasia" if roll < 0.15 else "publik"
        if rng.random() < 0.8:
            reporter = {"name": f"Warga {rng.randint(1, 10**6)}", "phone": f"+62812{rng.randint(10**7, 10**8 - 1)}"}
            if rng.random() < 0.4:
                reporter["email"] = f"warga{rng.randint(1, 10**6)}@contoh.id"
            body["reporter"] = reporter
        bodies.append(json.dumps(body, ensure_ascii=False).encode())
    return bodies


# --- the load ---------------------------------------------------------------------------------------------------


@dataclass
class Target:
    """One endpoint under load: where to post, with which headers, and how to read the created row's id."""

    name: str
    port: int
    path: str
    headers: dict
    id_field: str


@dataclass
class Load:
    """What one round against one target produced."""

    ok_ids: list = field(default_factory=list)  # every 201, warm-up included (for the count check)
    latencies: list = field(default_factory=list)  # seconds, timed requests only
    errors: Counter = field(default_factory=Counter)
    timed_ok: int = 0
    wall: float = 0.0

    def add(self, other: "Load"):
        self.ok_ids += other.ok_ids
        self.latencies += other.latencies
        self.errors.update(other.errors)
        self.timed_ok += other.timed_ok
        self.wall += other.wall


def _client(target: Target, bodies: list[bytes], warmup: int, seconds: float, barrier, results):
    """One client connection: ``warmup`` requests, then (all connections together) the rest until done or the
    time is up. Sends (latencies, ids, errors, start, end) back."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
    latencies, ids, errors = [], [], Counter()

    def post(body: bytes) -> float:
        nonlocal connection
        started = time.perf_counter()
        try:
            connection.request("POST", target.path, body=body, headers=target.headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors[type(exc).__name__] += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
            return -1.0
        elapsed = time.perf_counter() - started
        if response.status != 201:
            errors[str(response.status)] += 1
            return -1.0
        ids.append(json.loads(content)[target.id_field])
        return elapsed

    for body in bodies[:warmup]:
        post(body)
    barrier.wait()
    start = time.monotonic()
    deadline = start + seconds
    for body in bodies[warmup:]:
        if time.monotonic() > deadline:
            break
        elapsed = post(body)
        if elapsed >= 0:
            latencies.append(elapsed)
    end = time.monotonic()
    connection.close()
    results.put((latencies, ids, errors, start, end))


def run_load(target: Target, bodies: list[bytes], connections: int, seconds: float) -> Load:
    """Spread ``bodies`` over ``connections`` client processes (warm-up first) and run them together."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(connections), context.Queue()
    share = [bodies[i::connections] for i in range(connections)]
    workers = [
        context.Process(target=_client, args=(target, part, WARMUP_PER_CONNECTION, seconds, barrier, results))
        for part in share
    ]
    for worker in workers:
        worker.start()
    parts = [results.get(timeout=seconds + 600) for _ in workers]
    for worker in workers:
        worker.join()
    load = Load()
    for latencies, ids, errors, _start, _end in parts:
        load.latencies += latencies
        load.ok_ids += ids
        load.errors.update(errors)
        load.timed_ok += len(latencies)
    load.wall = max(p[4] for p in parts) - min(p[3] for p in parts)
    return load


def run_rounds(targets: list[Target], bodies: dict, args) -> dict[str, Load]:
    """Alternate the targets ``args.rounds`` times, each round with its share of requests and seconds, so a
    change in the machine's load during the run touches them alike."""
    totals = {t.name: Load() for t in targets}
    per_round = max(1, args.requests // args.rounds)
    seconds = args.seconds / args.rounds
    warmup = WARMUP_PER_CONNECTION * args.connections
    for r in range(args.rounds):
        for target in targets:
            start = r * (per_round + warmup)
            chunk = bodies[target.name][start : start + per_round + warmup]
            totals[target.name].add(run_load(target, chunk, args.connections, seconds))
    return totals


def bodies_needed(args) -> int:
    return (max(1, args.requests // args.rounds) + WARMUP_PER_CONNECTION * args.connections) * args.rounds


# --- figures ----------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


@dataclass
class Row:
    database: str
    target: str
    load: Load
    baseline: "Row | None" = None

    @property
    def rate(self) -> float:
        return self.load.timed_ok / self.load.wall if self.load.wall else 0.0

    def ms(self, q: float) -> float:
        return 1000 * percentile(self.load.latencies, q)

    def cells(self) -> list[str]:
        ratio = p50_ratio = "1.00" if self.baseline is None else ""
        if self.baseline is not None:
            ratio = f"{self.baseline.rate / self.rate:.2f}" if self.rate else "inf"
            p50_ratio = f"{self.ms(50) / self.baseline.ms(50):.2f}"
        errors = sum(self.load.errors.values())
        return [
            self.database,
            self.target,
            str(self.load.timed_ok),
            str(errors) + (f" {dict(self.load.errors)}" if errors else ""),
            f"{self.rate:.1f}",
            f"{self.ms(50):.1f}",
            f"{self.ms(90):.1f}",
            f"{self.ms(99):.1f}",
            ratio,
            p50_ratio,
        ]


HEADER = ["database", "target", "ok", "errors", "per s", "p50 ms", "p90 ms", "p99 ms", "cost ratio", "p50 ratio"]


def print_table(rows: list[list[str]], header=HEADER, left: int = 2):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for line in [header, *rows]:
        print(
            " | ".join(
                str(c).rjust(w) if k >= left else str(c).ljust(w)
                for k, (c, w) in enumerate(zip(line, widths, strict=True))
            )
        )
    sys.stdout.flush()


def check_stored(label: str, answered: list, stored: list, before: int = 0) -> list[str]:
    """Every 201 stored one row, and no row without its 201: returns what is wrong (empty when all is well)."""
    problems = [] if answered else [f"{label}: no request was answered 201 (see the server log)"]
    if len(set(answered)) != len(answered):
        problems.append(f"{label}: {len(answered) - len(set(answered))} ids answered twice")
    if len(stored) - before != len(answered):
        problems.append(f"{label}: {len(stored) - before} rows stored, {len(answered)} answered 201")
    missing = set(answered) - set(stored)
    if missing:
        problems.append(f"{label}: {len(missing)} answered but not stored, e.g. {sorted(missing)[:3]}")
    if len(set(stored)) != len(stored):
        problems.append(f"{label}: duplicate rows stored")
    return problems


def report_checks(engine: str, problems: list[str], stored: str) -> None:
    """Print what :func:`check_stored` found wrong, or that the check passed (``stored``: what each side stored)."""
    for problem in problems:
        print(f"  STORED CHECK FAILED: {problem}", file=sys.stderr)
    if not problems:
        print(f"  {engine}: stored check ok: {stored}, one row per 201, none twice", flush=True)


def print_profile(engine: str, profile: dict):
    """Where the time of one intake goes (in-process, no HTTP server): each step's milliseconds per report and
    share of the request (inclusive: indented steps are part of the one above)."""
    total = profile["ms_per_request"]
    print(
        f"\n{engine}: one intake through Django's test client, {profile['requests']} reports: {total:.2f} ms "
        f"({profile['cpu_ms_per_request']:.2f} ms CPU), {profile['queries_per_request']:.1f} queries per report"
    )
    rows = [[label, f"{ms:.2f}", f"{100 * ms / total:.0f}%"] for label, ms in profile["steps"]]
    print_table(rows, header=["step", "ms per report", "share"], left=1)
    print()


def machine() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load}"


# --- one database -----------------------------------------------------------------------------------------------


def run_database(engine: str, args) -> list[Row]:
    with fresh_database(engine, "intake", keep=args.keep) as url:
        workdir = Path(tempfile.mkdtemp(prefix="layan-intake-"))
        try:
            layan = Layan(url, workdir, args.threads)
            started = time.perf_counter()
            info = layan.setup(args.router_rows)
            print(
                f"  {engine}: database ready in {time.perf_counter() - started:.0f} s ({info['reports_before']} "
                f"reports; routing model: {info['router']}), server log {workdir / 'server.log'}",
                flush=True,
            )
            bodies = report_bodies(bodies_needed(args), info)
            targets = [
                Target("bare", layan.port, "/bench/bare/", {**PROXY_HEADERS, "Content-Type": "application/json"}, "id"),
                Target("layan", layan.port, "/api/v1/reports/", layan.headers(), "tracking_number"),
            ]
            with layan.server():
                totals = run_rounds(targets, {"bare": bodies, "layan": bodies}, args)
            tally = layan.tally()
            problems = check_stored("bare", totals["bare"].ok_ids, tally["bare_ids"])
            problems += check_stored(
                "layan", totals["layan"].ok_ids, tally["api_tracking_numbers"], info["api_reports_before"]
            )
            stored = f"{len(totals['bare'].ok_ids)} bare rows and {len(totals['layan'].ok_ids)} reports"
            report_checks(engine, problems, stored)
            bare = Row(engine, "bare insert", totals["bare"])
            rows = [bare, Row(engine, "layan intake", totals["layan"], baseline=bare)]
            if args.profile:
                print_profile(engine, layan.profile(report_bodies(args.profile, info, seed=13)))
            return rows
        finally:
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)


def add_common_arguments(parser):
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--connections", type=int, default=4, help="client connections (one process each)")
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per target, over all rounds")
    parser.add_argument("--seconds", type=float, default=30, help="time limit per target, over all rounds")
    parser.add_argument("--rounds", type=int, default=2, help="the targets alternate this many times")
    parser.add_argument("--threads", type=int, default=4, help="waitress worker threads")
    parser.add_argument("--keep", action="store_true", help="keep the databases and server logs")
    parser.add_argument(
        "--router-rows",
        type=int,
        default=3000,
        help="train the routing model on this many of the complaints first (0: no model, no suggestion step)",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="then time the steps of N intakes in-process"
    )


def engines(args) -> list[str]:
    return ["sqlite", "postgres"] if args.database == "both" else [args.database]


def describe_run(args) -> str:
    source = "Surabaya complaints" if COMPLAINTS.exists() else "generated complaints"
    return (
        f"waitress --threads={args.threads}, {args.connections} connections, up to {args.requests} timed requests "
        f"or {args.seconds:.0f} s per target in {args.rounds} rounds, bodies from the {source}; {machine()}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    print(describe_run(args), flush=True)
    rows = []
    for engine in engines(args):
        rows += run_database(engine, args)
    print_table([row.cells() for row in rows])
    print(f"after the run: {machine()}")


if __name__ == "__main__":
    main()
