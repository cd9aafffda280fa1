"""Benchmark of the duplicate check (``layan.routing.duplicates``) among many open reports.

    python -m bench.duplicates_bench --n 10000 100000 300000 [--probes 300] [--days 30] [--keep]

For each N it creates a fresh database next to the configured one (``DATABASE_URL``: a temporary SQLite file, or
``<name>_dupbench`` on the same PostgreSQL server; dropped afterwards unless ``--keep``) and fills it with N open
reports spread over the last ``--days`` days (30: all inside the duplicate window, the worst case) and their
TextKeys, with bulk inserts (COPY on PostgreSQL). The texts are generated over a province shaped like Jawa Timur
(38 kabupaten/kota, 684 kecamatan, 8,208 villages with 8 streets and 6 landmarks each, made-up names that repeat
across towns): 30 complaint topics (Zipf-weighted), varied wording, and 2-12 words drawn from a Zipf vocabulary of
20,000 made-up words (names, numbers, everything else people write), so common words are common and rare ones
rare. The words kept in the index are chosen as at intake (the rarest by document frequency capped
at the postings cap), and each report's village is indexed too.

Then it times, per N, ``index_and_find`` for ``--probes`` new reports (inside the intake's transaction, as at
intake; half re-tell an existing report in other words at the same place, half are about a street nobody reported
yet), and the citizen's hint (``similar_public``) for the same texts. Columns: N open reports, TextKey rows,
index_and_find p50/p99 ms, hint p50/p99 ms, share of re-told reports whose original was suggested (found), share of
new problems that got any suggestion (false alarms), seconds to fill.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time

if __package__ in (None, ""):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layan.settings.demo")

import django  # noqa: E402

from bench.db import setup_database, teardown_database  # noqa: E402

CHUNK = 5000
# a province shaped like Jawa Timur: 38 kabupaten/kota, 684 kecamatan, 8,208 desa/kelurahan, 8 streets each
KABKOTA, KECAMATAN_PER_KABKOTA, DESA_PER_KECAMATAN, STREETS_PER_DESA, LANDMARKS_PER_DESA = 38, 18, 12, 8, 6

TOPICS = [  # (title, words of the problem, what people add)
    ("Lampu PJU mati", "lampu penerangan jalan mati padam gelap", "rawan begal malam"),
    ("Jalan berlubang", "jalan aspal berlubang rusak lubang", "pengendara motor jatuh"),
    ("Saluran tersumbat", "saluran got tersumbat mampet air meluap", "bau tidak sedap"),
    ("Sampah menumpuk", "sampah menumpuk tidak diangkut tps", "bau lalat"),
    ("Banjir", "banjir genangan air setinggi lutut", "rumah kemasukan air"),
    ("Pohon tumbang", "pohon tumbang dahan patah menutup jalan", "membahayakan pengendara"),
    ("Parkir liar", "parkir liar mobil trotoar macet", "jukir minta uang"),
    ("PKL di trotoar", "pedagang kaki lima trotoar berjualan", "pejalan kaki turun ke jalan"),
    ("Air PDAM mati", "air pdam mati tidak mengalir kran", "warga beli air galon"),
    ("Air keruh", "air pdam keruh kotor berbau", "tidak bisa dipakai mandi"),
    ("Kebisingan", "bising suara musik keras tengah malam", "warga tidak bisa tidur"),
    ("Anjing liar", "anjing liar berkeliaran menggonggong menggigit", "anak takut lewat"),
    ("KTP belum jadi", "ktp elektronik belum jadi dukcapil antre", "sudah berbulan bulan"),
    ("BPJS ditolak", "bpjs kesehatan ditolak rumah sakit pasien", "disuruh bayar umum"),
    ("Bansos tidak cair", "bantuan sosial bansos tidak cair dtks", "warga miskin tidak terdata"),
    ("Pungli sekolah", "pungutan sekolah biaya seragam buku", "orang tua keberatan"),
    ("Antrean puskesmas", "puskesmas antre lama dokter pelayanan", "lansia menunggu berjam jam"),
    ("Kabel menjuntai", "kabel menjuntai rendah tiang listrik telkom", "tersangkut truk"),
    ("Trotoar rusak", "trotoar rusak paving lepas amblas", "pejalan kaki tersandung"),
    ("Lampu lalu lintas mati", "lampu lalu lintas traffic light mati perempatan", "kendaraan semrawut"),
    ("Bau limbah pabrik", "limbah pabrik bau busuk sungai tercemar", "ikan mati"),
    ("Pembakaran sampah", "asap pembakaran sampah dibakar", "sesak napas"),
    ("Bangunan liar", "bangunan liar berdiri di atas saluran sempadan", "tanpa izin"),
    ("Reklame roboh", "papan reklame miring roboh baliho", "bahaya tertimpa"),
    ("Angkot ngetem", "angkot ngetem sembarangan macet", "sopir tidak tertib"),
    ("Jembatan rusak", "jembatan rusak papan lapuk pegangan patah", "anak sekolah melintas"),
    ("Taman tidak terawat", "taman kota rumput tinggi tidak terawat", "banyak nyamuk"),
    ("Fogging DBD", "demam berdarah nyamuk fogging jentik", "warga terkena dbd"),
    ("Pungli parkir", "tarif parkir pungli karcis mahal", "tidak ada karcis resmi"),
    ("Genangan setelah hujan", "genangan air hujan drainase tidak berfungsi", "jalan licin"),
]
OPENINGS = [
    "Mohon perhatian,",
    "Saya warga setempat ingin melaporkan",
    "Tolong segera ditindaklanjuti,",
    "Kepada dinas terkait,",
    "Sudah beberapa hari",
    "Assalamualaikum, mau lapor",
    "",
]
SYLLABLES = (
    "ka ke ku ma mu ra ri ro sa si so ta ti to ba bu da di do ga gu ja jo la li lo na ni no pa pe pu wa wi ya "
    "kedung pandan rungkut tegal wonor manyar kenjer gubeng ngagel darmo simo bendul keputran"
).split()


def made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


class World:
    """The generated city: villages, their streets and landmarks, a vocabulary with Zipf-distributed use."""

    def __init__(self, seed: int = 7):
        rng = self.rng = random.Random(seed)
        self.kabkota = [f"35.{k:02d}" for k in range(1, KABKOTA + 1)]
        self.kecamatan = [f"{kab}.{k:02d}" for kab in self.kabkota for k in range(1, KECAMATAN_PER_KABKOTA + 1)]
        self.desa = [f"{kec}.{1000 + d}" for kec in self.kecamatan for d in range(1, DESA_PER_KECAMATAN + 1)]
        self.streets = {
            code: [f"Jl. {made_up_word(rng).title()}" for _ in range(STREETS_PER_DESA)] for code in self.desa
        }
        where = ["depan", "dekat", "samping", "belakang"]
        self.landmarks = {
            code: [f"{rng.choice(where)} {made_up_word(rng)}" for _ in range(LANDMARKS_PER_DESA)] for code in self.desa
        }
        self.vocabulary = [made_up_word(rng) for _ in range(20_000)]
        self.vocab_weights = [1 / (rank + 1) for rank in range(len(self.vocabulary))]
        self.topic_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(TOPICS))]
        self.fresh = 0

    def report(self, place=None, topic=None, street=None, landmark=None) -> dict:
        rng = self.rng
        desa = place or rng.choice(self.desa)
        topic = topic if topic is not None else rng.choices(range(len(TOPICS)), self.topic_weights)[0]
        street = street or rng.choice(self.streets[desa])
        landmark = landmark or rng.choice(self.landmarks[desa])
        title, problem, extra = TOPICS[topic]
        problem_words = problem.split()
        rng.shuffle(problem_words)
        fillers = rng.choices(self.vocabulary, self.vocab_weights, k=rng.randint(2, 12))
        description = " ".join(
            [
                rng.choice(OPENINGS),
                " ".join(problem_words[: rng.randint(3, len(problem_words))]),
                "di",
                street,
                landmark,
            ]
            + [extra if rng.random() < 0.6 else ""]
            + fillers
            + ["mohon segera diperbaiki" if rng.random() < 0.5 else "terima kasih"]
        )
        return {
            "title": f"{title} di {street}" if rng.random() < 0.7 else title,
            "description": " ".join(description.split()),
            "region_id": desa,
            "topic": topic,
            "street": street,
            "landmark": landmark,
        }

    def retold(self, original: dict) -> dict:
        """The same problem told again by someone else: same place, other words."""
        return self.report(original["region_id"], original["topic"], original["street"], original["landmark"])

    def new_problem(self) -> dict:
        """A problem on a street nobody reported yet."""
        self.fresh += 1
        desa = self.rng.choice(self.desa)
        return self.report(desa, street=f"Jl. {made_up_word(self.rng).title()} Baru {self.fresh}")


# --- database ---------------------------------------------------------------------------------------------------


def reference_data(world: World):
    from layan.core.models import Agency, Region

    province = Region.objects.create(code="35", name="Jawa Timur", level="provinsi")
    for level, codes in (("kabkota", world.kabkota), ("kecamatan", world.kecamatan), ("desa", world.desa)):
        Region.objects.bulk_create(
            [Region(code=code, name=f"{level} {code}", level=level, parent_id=code.rsplit(".", 1)[0]) for code in codes]
        )
    pemda = Agency.objects.create(
        name="Pemprov Bench", slug="bench", kind="pemda", level="provinsi", home_region=province
    )
    pemda.regions.set([province])
    return pemda


def fill(n: int, days: int, now: dt.datetime, world: World) -> tuple[list[dict], int]:
    """N open reports over the last ``days`` days and their index. Returns the reports' facts and TextKey rows."""
    from collections import Counter

    from django.db import transaction

    from bench.sweep_bench import FastInsert
    from layan.reports.models import Report
    from layan.routing import duplicates
    from layan.routing.models import TextKey

    pemda = reference_data(world)
    span = dt.timedelta(days=days).total_seconds()
    facts = []
    for i in range(n):
        facts.append(world.report())
        facts[-1]["created_at"] = now - dt.timedelta(seconds=span * (n - i) / n)  # oldest first
    words = [duplicates.content_words(f["title"], "", f["description"]) for f in facts]
    document_frequency = Counter(word for report_words in words for word in report_words)
    template = Report(pk=1, tracking_number="B", title="t", description="d", admin_agency=pemda, created_at=now)
    reports = FastInsert(template, ["id", "tracking_number", "title", "description", "region_id", "created_at"])
    keys = FastInsert(TextKey(pk=1, report_id=1, key=1, created_at=now), ["id", "report_id", "key", "created_at"])
    key_id = 0
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        rows, key_rows = [], []
        for i in range(start, stop):
            f = facts[i]
            rows.append((i + 1, f"B{i:08d}", f["title"], f["description"], f["region_id"], f["created_at"]))
            order = {w: k for k, w in enumerate(words[i])}
            chosen = sorted(words[i], key=lambda w: (min(document_frequency[w], duplicates.POSTINGS_CAP), order[w]))
            chosen_keys = [duplicates.word_key(w) for w in chosen[: duplicates.INDEX_WORDS]]
            for word in dict.fromkeys([*chosen_keys, duplicates.place_key(f["region_id"])]):
                key_id += 1
                key_rows.append((key_id, i + 1, word, f["created_at"]))
        with transaction.atomic():
            reports.insert(rows)
            keys.insert(key_rows)
    reports.reset_sequence()
    keys.reset_sequence()
    return facts, key_id


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def probe(n: int, probes: int, facts: list[dict], world: World, now: dt.datetime) -> dict:
    """Time index_and_find and the hint for new reports: half re-told (recent originals), half new problems."""
    from django.db import transaction

    from layan.core.models import Agency, Region
    from layan.reports.models import Report
    from layan.routing import duplicates
    from layan.routing.models import DuplicateCandidate

    rng = random.Random(11)
    pemda = Agency.objects.get(slug="bench")
    regions = {r.code: r for r in Region.objects.filter(level="desa")}
    recent = [i for i, f in enumerate(facts) if now - f["created_at"] < dt.timedelta(days=20)]
    cases = []
    for k in range(probes):
        if k % 2 == 0:
            original = rng.choice(recent)
            cases.append((world.retold(facts[original]), original + 1))
        else:
            cases.append((world.new_problem(), None))
    for text in ("lampu mati", "jalan berlubang rusak"):  # warm the stemmer's cache and the connection
        duplicates.content_words(text)
    find_ms, find_cpu_ms, hint_ms, found, retold, alarms, fresh = [], [], [], 0, 0, 0, 0
    retold_scores, fresh_best = [], []  # for the trade-off at other thresholds (not timed)
    open_reports = Report.objects.filter(state__in=Report.OPEN_STATES).exclude(tracking_number__startswith="P")

    def query_of(report, at):
        query = duplicates._query_for(report, at)
        query.exclude_id = report.pk
        return query

    for k, (case, original) in enumerate(cases):
        report = Report.objects.create(
            tracking_number=f"P{k:08d}",
            title=case["title"],
            description=case["description"],
            region=regions[case["region_id"]],
            admin_agency=pemda,
            created_at=now,
        )
        with transaction.atomic():  # timed inside the intake's transaction: its commit is the intake's
            started, cpu = time.perf_counter(), time.process_time()
            duplicates.index_and_find(report, at=now)
            find_ms.append(1000 * (time.perf_counter() - started))
            find_cpu_ms.append(1000 * (time.process_time() - cpu))
        started = time.perf_counter()
        duplicates.similar_public(case["title"], case["description"], case["region_id"])
        hint_ms.append(1000 * (time.perf_counter() - started))
        suggested = set(DuplicateCandidate.objects.filter(report=report).values_list("candidate_id", flat=True))
        scores = {
            m.report_id: m.score
            for m in duplicates.find(query_of(report, now), days=30, reports=open_reports, minimum=0)
        }
        if original is None:
            fresh += 1
            alarms += bool(suggested)
            fresh_best.append(max(scores.values(), default=0))
        else:
            retold += 1
            found += original in suggested
            retold_scores.append(scores.get(original, 0))
    return {
        "n": n,
        "find_p50": percentile(find_ms, 0.5),
        "find_p99": percentile(find_ms, 0.99),
        "find_cpu": statistics.fmean(find_cpu_ms),
        "load": os.getloadavg()[0],
        "hint_p50": percentile(hint_ms, 0.5),
        "hint_p99": percentile(hint_ms, 0.99),
        "found": found / max(retold, 1),
        "alarms": alarms / max(fresh, 1),
        "tradeoff": {
            threshold: (
                sum(score >= threshold for score in retold_scores) / max(len(retold_scores), 1),
                sum(score >= threshold for score in fresh_best) / max(len(fresh_best), 1),
            )
            for threshold in (0.18, 0.20, 0.22, 0.25, 0.30, 0.40)
        },
    }


def run(n: int, args) -> dict:
    from django.utils import timezone

    old_name = setup_database("dupbench", n)
    try:
        now = timezone.now()
        world = World()
        started = time.perf_counter()
        facts, key_rows = fill(n, args.days, now, world)
        analyze()
        fill_seconds = time.perf_counter() - started
        result = probe(n, args.probes, facts, world, now)
        return {**result, "keys": key_rows, "fill_seconds": fill_seconds}
    finally:
        teardown_database(old_name, args.keep)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000, 300_000], help="open reports")
    parser.add_argument("--probes", type=int, default=300, help="new reports timed per N")
    parser.add_argument("--days", type=int, default=30, help="the open reports arrived over this many days")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    args = parser.parse_args(argv)
    django.setup()
    from django.db import connection

    from layan.routing import duplicates

    print(
        f"database: {connection.vendor}, window {duplicates.window_days()} days, reports over {args.days} days, "
        f"{args.probes} probes, threshold {duplicates.threshold()}"
    )
    print(
        "N | TextKey rows | find p50 ms | find p99 ms | find CPU ms (mean, this process) | hint p50 ms | hint p99 ms"
        " | found | false alarms | fill s | load"
    )
    for n in args.n:
        row = run(n, args)
        print(
            f"{row['n']} | {row['keys']} | {row['find_p50']:.2f} | {row['find_p99']:.2f} | {row['find_cpu']:.2f} | "
            f"{row['hint_p50']:.2f} | {row['hint_p99']:.2f} | {row['found']:.0%} | {row['alarms']:.0%} | "
            f"{row['fill_seconds']:.0f} | {row['load']:.1f}",
            flush=True,
        )
        tradeoff = ", ".join(f"{t:.2f}: {f:.0%}/{a:.0%}" for t, (f, a) in row["tradeoff"].items())
        print(f"  if the threshold were: found / false alarms {tradeoff}", flush=True)


if __name__ == "__main__":
    main()
