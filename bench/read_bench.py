"""Read side at scale: the staff inbox, the report pages and every public page and dashboard, timed over real HTTP
on a generated database of N reports (``bench/generate.py``).

    python -m bench.read_bench --n 10000 100000 [--database-url URL] [--reuse] [--keep] [--requests 50]

For each N: a database next to the configured one (``--database-url`` or ``DATABASE_URL``: PostgreSQL
``<name>_10k`` on the same server, or a SQLite file ``layan_scale_10k.sqlite3`` in ``--data-dir``) is generated
(``--reuse``: an existing one of N reports is used as it is); Layan is served as in production (``layan serve``:
waitress, ``layan.settings.production``, static files collected) on a loopback port; staff log in through the
login form; the sysadmin publishes last quarter's non-responders report through its form (the one publication
the public pages show). Then each page is requested ``--warmup`` times and timed ``--requests`` times (one client,
keep-alive, one request at a time): p50/p95/p99 in ms. Then the peak memory (VmHWM) of the web process, and of a
``layan worker --batch`` process that runs the deadline sweep and a batch of notification tasks on the same data.

Settings the benchmark changes for the server (and why): SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE and
CSRF_COOKIE_SECURE off (plain HTTP on loopback, no TLS proxy), API throttles raised (a benchmark client is one IP
asking hundreds of times a minute), mail to a dummy backend.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 200


def label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def database_url(base: str, n: int, data_dir: Path) -> str:
    """The benchmark database of N reports beside the configured one."""
    if base.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(base)
        name = parts.path.lstrip("/") or "layan"
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}_{label(n)}", parts.query, ""))
    return f"sqlite:///{data_dir / f'layan_scale_{label(n)}.sqlite3'}"


def child_env(url: str, data_dir: Path, **extra) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])),
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "layan.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(32),
        "LAYAN_DATA_DIR": str(data_dir),
        "STATIC_ROOT": str(data_dir / "static"),
        "MEDIA_ROOT": str(data_dir / "media"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
    }
    env.update(extra)
    return env


def run_child(mode: str, url: str, data_dir: Path, *args) -> dict:
    """Run one of this module's Django-side helpers in its own process; it prints JSON as its last line."""
    command = [sys.executable, "-m", "bench.read_bench", "--child", mode, "--database-url", url, *args]
    out = subprocess.run(command, env=child_env(url, data_dir), cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{mode} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the database --------------------------------------------------------------------------------------------------


def ensure_database(url: str, n: int, args, data_dir: Path) -> float | None:
    """Generate the database of N reports unless ``--reuse`` finds it; returns the seconds the generation took."""
    if args.reuse:
        try:
            found = run_child("count", url, data_dir)["reports"]
        except RuntimeError:
            found = None
        if found == n:
            print(f"  reusing {url} ({n:,} reports)", flush=True)
            return None
        print(f"  {url} holds {found} reports, not {n:,}: generating it again", flush=True)
    drop_database(url)
    started = time.perf_counter()
    command = [sys.executable, "-m", "bench.generate", "--n", str(n), "--database-url", url, "--seed", str(args.seed)]
    env = child_env(url, data_dir, DJANGO_SETTINGS_MODULE="layan.settings.demo")
    subprocess.run(command, env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def drop_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") - 1 :] if url.startswith("sqlite:////") else url[len("sqlite:///") :]
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    server = urlunsplit(("postgres", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path[1:])))


# --- the server ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``layan serve`` in its own process (production settings), as a deployment runs it."""

    def __init__(self, url: str, data_dir: Path, threads: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(data_dir / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "layan", "serve", "--port", str(self.port), "--threads", str(threads)]
        self.process = subprocess.Popen(
            command, env=child_env(url, data_dir), cwd=ROOT, stdout=self.log, stderr=self.log
        )
        self._wait()

    def _wait(self, timeout: float = 60):
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {Path(self.log.name).read_text()[-3000:]}")
            try:
                requests.get(self.base + "/masuk/", timeout=5)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("server did not answer")

    def memory(self) -> dict:
        """Resident memory now and at its peak (VmRSS, VmHWM from /proc), in MB."""
        return proc_memory(self.process.pid)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def proc_memory(pid: int) -> dict:
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _sep, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values


def login(base: str, username: str, password: str):
    import requests

    session = requests.Session()
    page = session.get(base + "/masuk/", timeout=30)
    token = session.cookies.get("csrftoken") or ""
    marker = 'name="csrfmiddlewaretoken" value="'
    if marker in page.text:
        token = page.text.split(marker, 1)[1].split('"', 1)[0]
    answer = session.post(
        base + "/masuk/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/masuk/"},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"login of {username} failed: {answer.status_code}")
    return session


def publish(session, base: str, period: str) -> float:
    """The sysadmin publishes the platform's non-responders report of ``period`` through the staff page's form."""
    page = session.get(base + "/staf/kinerja/", params={"periode": period}, timeout=600)
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    started = time.perf_counter()
    answer = session.post(
        base + "/staf/kinerja/terbitkan/",
        data={"periode": period, "agency": "", "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/staf/kinerja/"},
        allow_redirects=False,
        timeout=600,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"publishing {period} failed: {answer.status_code}")
    return time.perf_counter() - started


# --- the pages -----------------------------------------------------------------------------------------------------


def pages(info: dict) -> list[tuple[str, str | None, list[str]]]:
    """(name, login or None for the public, URLs cycled through) of every page measured."""
    numbers, staff_numbers = info["public_numbers"], info["staff_numbers"]
    city, kec, category = info["city_region"], info["kecamatan"], info["category_slug"]
    admin, liaison, overseer = info["admin"], info["liaison"], info["overseer"]

    def listing(path: str, *queries: dict) -> list[str]:
        return [f"{path}?{urlencode(query)}" if query else path for query in queries or ({},)]

    public = [
        ("home /", None, ["/"]),
        ("public list /laporan/", None, ["/laporan/"]),
        ("public list, pages 2-40", None, listing("/laporan/", *({"page": p} for p in (2, 10, 20, 40)))),
        ("public list, by status", None, listing("/laporan/", *({"status": s} for s in ("diproses", "selesai")))),
        ("public list, by category", None, listing("/laporan/", {"kategori": category})),
        ("public list, by kabupaten/kota", None, listing("/laporan/", {"wilayah": city})),
        ("public list, by channel + type", None, listing("/laporan/", {"kanal": "whatsapp", "type": "aspirasi"})),
        ("public list, text search", None, listing("/laporan/", {"q": "jalan berlubang"}, {"q": "sampah"})),
        ("public report /laporan/<nomor>/", None, [f"/laporan/{n}/" for n in numbers]),
        ("track /lacak/?nomor=", None, listing("/lacak/", *({"nomor": n} for n in numbers[:10]))),
        ("published reports /kinerja/", None, ["/kinerja/"]),
        ("service catalogue /layanan/", None, ["/layanan/"]),
        ("API statistics (published)", None, listing("/api/v1/statistics/", {"period": info["last_quarter"]})),
        ("API statistics (this quarter)", None, ["/api/v1/statistics/"]),
        ("API reports list", None, listing("/api/v1/reports/", {}, {"region": city})),
        (
            "API reports, by state + category",
            None,
            listing("/api/v1/reports/", {"state": "diproses", "category": category}),
        ),
        ("API report /api/v1/reports/<nomor>/", None, [f"/api/v1/reports/{n}/" for n in numbers]),
        (
            "API agencies, regions, categories",
            None,
            ["/api/v1/agencies/", f"/api/v1/regions/?parent={city}", "/api/v1/categories/"],
        ),
        ("Open311 services.json", None, ["/open311/v2/services.json"]),
        ("Open311 requests.json (up to 1000)", None, ["/open311/v2/requests.json"]),
    ]
    if info.get("published"):
        public[11:11] = [
            ("published report /kinerja/<pk>/", None, [f"/kinerja/{info['published']}/"]),
            ("published report as CSV", None, [f"/kinerja/{info['published']}/unduh.csv"]),
        ]
    inbox = "/staf/laporan/"
    everything = {"lingkup": "semua"}
    staff = [
        ("inbox (admin, waiting for me)", admin, [inbox]),
        ("inbox (admin, all), pages 1-20", admin, listing(inbox, *({**everything, "page": p} for p in (1, 2, 5, 20)))),
        (
            "inbox (admin) by state",
            admin,
            listing(inbox, *({**everything, "status": s} for s in ("diproses", "selesai"))),
        ),
        ("inbox (admin) by agency", admin, listing(inbox, {**everything, "agency": info["agency_id"]})),
        ("inbox (admin) overdue only", admin, listing(inbox, {**everything, "overdue": "on"})),
        (
            "inbox (admin) by kecamatan + category",
            admin,
            listing(inbox, {**everything, "region": kec, "category": info["category_id"]}),
        ),
        (
            "inbox (admin) text search",
            admin,
            listing(inbox, {**everything, "q": "jalan berlubang"}, {**everything, "q": "sampah"}),
        ),
        ("inbox (admin) tracking number", admin, listing(inbox, *({**everything, "q": n} for n in staff_numbers[:10]))),
        ("inbox (liaison officer)", liaison, listing(inbox, {}, {**everything, "page": 3})),
        ("inbox (oversight: whole province)", overseer, listing(inbox, {}, {"page": 10}, {"status": "diproses"})),
        ("inbox (sysadmin), all", "sysadmin", listing(inbox, everything, {**everything, "overdue": "on"})),
        ("staff report page", admin, [f"/staf/laporan/{n}/" for n in staff_numbers]),
        ("staff non-responders /staf/kinerja/", admin, ["/staf/kinerja/"]),
        ("API statistics (staff, live)", admin, ["/api/v1/statistics/"]),
    ]
    return public + staff


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    position = p * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def measure(session, base: str, urls: list[str], requests_: int, warmup: int, budget: float) -> dict:
    for k in range(warmup):
        session.get(base + urls[k % len(urls)], allow_redirects=False, timeout=300)
    times, size, started = [], 0, time.monotonic()
    for k in range(requests_):
        url = urls[k % len(urls)]
        t0 = time.perf_counter()
        answer = session.get(base + url, allow_redirects=False, timeout=300)
        times.append(1000 * (time.perf_counter() - t0))
        if answer.status_code not in (200, 302):
            raise RuntimeError(f"{url}: HTTP {answer.status_code}")
        size += len(answer.content)
        if time.monotonic() - started > budget and len(times) >= 5:
            break
    return {
        "requests": len(times),
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": max(times),
        "kb": size / len(times) / 1024,
    }


def run(n: int, args, data_dir: Path) -> dict:
    import requests

    url = database_url(args.database_url, n, data_dir)
    print(f"\n== {label(n)} reports: {url.split('@')[-1]} (load average {os.getloadavg()[0]:.1f})", flush=True)
    generated = ensure_database(url, n, args, data_dir)
    run_child("collectstatic", url, data_dir)
    info = run_child("discover", url, data_dir)
    server = Server(url, data_dir, args.threads)
    results = {"n": n, "database": url.split(":")[0], "generate_seconds": generated, "pages": []}
    try:
        sessions = {None: requests.Session()}
        for username in {info["admin"], info["liaison"], info["overseer"], "sysadmin"}:
            sessions[username] = login(server.base, username, info["password"])
        results["publish_seconds"] = publish(sessions["sysadmin"], server.base, info["last_quarter"])
        info["published"] = run_child("discover", url, data_dir)["published"]
        print(f"  published {info['last_quarter']} in {results['publish_seconds']:.1f} s", flush=True)
        print(f"  {'page':<40} {'user':<34} {'n':>4} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'KB':>6}")
        for name, user, urls in pages(info):
            row = measure(sessions[user], server.base, urls, args.requests, args.warmup, args.budget)
            flag = " *" if row["p95"] > TARGET_P95_MS else ""
            print(
                f"  {name:<40} {user or 'public':<34} {row['requests']:>4} {row['p50']:>8.1f} {row['p95']:>8.1f} "
                f"{row['p99']:>8.1f} {row['max']:>8.1f} {row['kb']:>6.0f}{flag}",
                flush=True,
            )
            results["pages"].append({"page": name, "user": user, **row})
        results["web_memory_mb"] = server.memory()
    finally:
        server.stop()
    results["load_average"] = os.getloadavg()[0]
    print(f"  load average after the pages: {results['load_average']:.1f} (2 cores; other work on the machine counts)")
    results["worker"] = run_child("worker", url, data_dir, "--tasks", str(args.tasks))
    web, worker = results["web_memory_mb"], results["worker"]
    print(
        f"  web process ({args.threads} threads): peak {web['VmHWM']:.0f} MB, now {web['VmRSS']:.0f} MB; worker "
        f"(sweep + {worker['tasks']} notification tasks, {worker['seconds']:.1f} s): peak {worker['peak_mb']:.0f} MB; "
        f"sweep: {worker['sweep']}",
        flush=True,
    )
    if not args.keep:
        drop_database(url)
    return results


# --- Django-side helpers, each run in a child process with the benchmark database's settings ----------------------


def child_main(mode: str, args) -> None:
    import django

    django.setup()
    result = {"count": child_count, "discover": child_discover, "collectstatic": child_collectstatic}.get(mode)
    if mode == "worker":
        result = child_worker(args.tasks)
    else:
        result = result()
    print(json.dumps(result, default=str))


def child_count() -> dict:
    from layan.reports.models import Report

    return {"reports": Report.objects.count()}


def child_collectstatic() -> dict:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    return {"ok": True}


def child_discover() -> dict:
    """Logins and values for the pages: the biggest city's admin desk, its busiest agency's liaison officer, the
    Ombudsman's overseer; sample report numbers; last quarter (the published period)."""
    import random

    from django.db.models import Count
    from django.utils import timezone

    from bench.datagen.reference import PASSWORD, SURABAYA
    from layan.core.models import Agency, Region
    from layan.deadlines.models import PublishedPeriodReport
    from layan.deadlines.stats import Period
    from layan.reports import services
    from layan.reports.models import Category, Disposition, Report

    city = Agency.objects.get(kind=Agency.Kind.PEMDA, home_region_id=SURABAYA)
    busiest = (
        Disposition.objects.filter(agency__parent=city)
        .values("agency")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("agency", flat=True)[:1]
    )
    agency = Agency.objects.get(pk=busiest[0])
    ombudsman = Agency.objects.get(kind=Agency.Kind.OMBUDSMAN)
    category = Category.objects.annotate(n=Count("reports")).order_by("-n").first()
    kecamatan = Region.objects.filter(parent_id=SURABAYA).order_by("code").first()
    top = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    rng = random.Random(7)
    sample = sorted(rng.randint(1, top) for _ in range(400))
    public = list(services.public_reports().filter(pk__in=sample).values_list("tracking_number", flat=True)[:50])
    staff = list(Report.objects.filter(pk__in=sample, admin_agency=city).values_list("tracking_number", flat=True)[:50])
    this_quarter = Period.containing(timezone.localdate())
    last = this_quarter.previous()
    published = PublishedPeriodReport.objects.filter(
        period_kind=last.kind, period_start=last.start, agency=None
    ).first()
    return {
        "password": PASSWORD,
        "admin": f"admin.{city.slug}",
        "liaison": f"penghubung.{agency.slug}",
        "overseer": f"pengawas.{ombudsman.slug}",
        "agency_id": agency.pk,
        "category_slug": category.slug,
        "category_id": category.pk,
        "city_region": SURABAYA,
        "kecamatan": kecamatan.code,
        "public_numbers": public,
        "staff_numbers": staff,
        "last_quarter": last.code,
        "published": published.pk if published else None,
    }


def child_worker(tasks: int) -> dict:
    """Queue the deadline sweep and ``tasks`` notification tasks (the latest public updates of followed reports),
    run ``layan worker --batch`` over them and report its peak memory (from the kernel's accounting of the
    finished child) and the sweep's result."""
    from layan.deadlines.tasks import sla_sweep
    from layan.notifications.tasks import notify_event
    from layan.reports.models import ReportEvent

    sweep = sla_sweep.enqueue()
    events = (
        ReportEvent.objects.filter(is_public=True, report__followers__confirmed=True)
        .order_by("-pk")
        .values_list("pk", flat=True)[:tasks]
    )
    for event_id in events:
        notify_event.enqueue(event_id)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "layan", "worker", "--batch"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"worker exited with {status}: {process.stderr.read()[-2000:]}")
    sweep.refresh()
    return {
        "tasks": len(events),
        "seconds": seconds,
        "peak_mb": usage.ru_maxrss / 1024,
        "sweep": sweep.return_value,
    }


# --- the command ---------------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000], help="reports (one database each)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""), help="beside which to work")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "layan-bench")
    parser.add_argument("--reuse", action="store_true", help="use an existing database of N reports as it is")
    parser.add_argument("--keep", action="store_true", help="keep the databases after the run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--budget", type=float, default=60, help="seconds at most per page (then fewer requests)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (layan serve's default)")
    parser.add_argument("--tasks", type=int, default=500, help="notification tasks for the worker")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: still stop the server (finally blocks)
    if args.child:
        child_main(args.child, args)
        return
    args.data_dir.mkdir(parents=True, exist_ok=True)
    print(f"read benchmark: {args.requests} requests per page after {args.warmup} warm-up, target p95 < "
          f"{TARGET_P95_MS} ms (* = over)", flush=True)  # fmt: skip
    all_results = [run(n, args, args.data_dir) for n in args.n]
    if args.json:
        args.json.write_text(json.dumps(all_results, indent=1, default=str))
    shutil.rmtree(args.data_dir / "media", ignore_errors=True)


if __name__ == "__main__":
    main()
