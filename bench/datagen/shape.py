"""The shape of real complaints, read at run time: which agencies (instansi) get how many reports on which topics,
where (kecamatan, kelurahan), at which hours of the week, and how long the first answer takes.

The source is the Surabaya media centre's complaints (``/work/shared/data/surabaya-keluhan/keluhan_train.csv``,
about 10,000 rows of 2022-2023). Only counts and delays are taken from it, at run time; no text and no row is
kept. Without the file a built-in shape of the same kind is used (our own round figures, not the data's).
"""

import csv
import datetime as dt
import itertools
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist

DEFAULT_CSV = Path(__file__).resolve().parents[3] / "shared" / "data" / "surabaya-keluhan" / "keluhan_train.csv"

OPD, KECAMATAN_OFFICE, KELURAHAN_OFFICE = "opd", "kecamatan", "kelurahan"


@dataclass(frozen=True)
class Profile:
    """One kind of report: its topic, the agency that handled it, and where (kecamatan/kelurahan names of
    Surabaya; empty when unknown). ``agency`` is an OPD's name, or empty for the office of the report's own
    kecamatan or kelurahan (``agency_class``)."""

    topic: str
    agency_class: str
    agency: str
    kecamatan: str = ""
    kelurahan: str = ""


@dataclass
class Shape:
    profiles: list[Profile]
    profile_weights: list[int]
    hour_of_week: list[float]  # 168 weights, Monday 00:00 UTC first
    first_answer_hours: list[float]  # sorted sample of delays to the first answer
    source: str
    topic_agency: dict[str, str] = field(default_factory=dict)  # topic -> the OPD that handles it most often

    @property
    def cum_profile_weights(self) -> list[int]:
        return list(itertools.accumulate(self.profile_weights))

    @property
    def cum_hour_of_week(self) -> list[float]:
        return list(itertools.accumulate(self.hour_of_week))

    def opd_counts(self) -> Counter:
        counts = Counter()
        for profile, weight in zip(self.profiles, self.profile_weights, strict=True):
            if profile.agency_class == OPD:
                counts[profile.agency] += weight
        return counts

    def topic_counts(self) -> Counter:
        counts = Counter()
        for profile, weight in zip(self.profiles, self.profile_weights, strict=True):
            counts[profile.topic] += weight
        return counts


def _agency_class(name: str) -> tuple[str, str]:
    lowered = name.lower()
    if lowered.startswith("kecamatan "):
        return KECAMATAN_OFFICE, ""
    if lowered.startswith("kelurahan "):
        return KELURAHAN_OFFICE, ""
    return OPD, name


def _parse_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def from_csv(path: Path) -> Shape:
    """Counts of (topic, agency, kecamatan, kelurahan), the hour of the week of each complaint (the file's times
    are UTC: its busiest hours are 01-04, i.e. 08-11 WIB) and the delays to the first answer."""
    profiles: Counter = Counter()
    hours = [0.0] * 168
    delays = []
    topic_agencies: dict[str, Counter] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            topic, agency = (row.get("topik") or "").strip(), (row.get("instansi") or "").strip()
            if not topic or not agency:
                continue
            agency_class, name = _agency_class(agency)
            kecamatan, kelurahan = (row.get("kecamatan") or "").strip(), (row.get("kelurahan") or "").strip()
            profiles[Profile(topic, agency_class, name, kecamatan, kelurahan)] += 1
            if agency_class == OPD:
                topic_agencies.setdefault(topic, Counter())[name] += 1
            sent, answered = _parse_time(row.get("tanggal_keluhan", "")), _parse_time(row.get("tanggal_ditanggapi", ""))
            if sent is not None:
                hours[sent.weekday() * 24 + sent.hour] += 1
                if answered is not None and answered > sent:
                    delays.append((answered - sent).total_seconds() / 3600)
    if len(profiles) < 10 or len(delays) < 100:
        raise ValueError(f"{path}: too few usable rows")
    ordered = sorted(profiles.items(), key=lambda item: (-item[1], item[0].topic, item[0].agency, item[0].kelurahan))
    return Shape(
        profiles=[p for p, _n in ordered],
        profile_weights=[n for _p, n in ordered],
        hour_of_week=[h + 0.5 for h in hours],  # no hour of the week is impossible
        first_answer_hours=sorted(delays),
        source=f"{path} ({sum(profiles.values())} complaints)",
        topic_agency={topic: counts.most_common(1)[0][0] for topic, counts in topic_agencies.items()},
    )


# --- the built-in shape: round figures of our own, used when the file is absent ----------------------------------

BUILT_IN = [  # (topic, agency, weight); an empty agency is the office of the report's own kelurahan/kecamatan
    ("Jalan Rusak", "Dinas Pekerjaan Umum Bina Marga", 18),
    ("Saluran dan Banjir", "Dinas Pekerjaan Umum Bina Marga", 8),
    ("Sampah dan Kebersihan", "Dinas Lingkungan Hidup", 10),
    ("Pohon dan Taman", "Dinas Lingkungan Hidup", 7),
    ("Bantuan Sosial", "Dinas Sosial", 12),
    ("Lampu Penerangan Jalan", "Dinas Perhubungan", 6),
    ("Parkir dan Lalu Lintas", "Dinas Perhubungan", 6),
    ("Dokumen Kependudukan", "Dinas Kependudukan dan Pencatatan Sipil", 6),
    ("Sekolah dan PPDB", "Dinas Pendidikan", 5),
    ("Layanan Kesehatan", "Dinas Kesehatan", 4),
    ("Ketertiban Umum", "Satuan Polisi Pamong Praja", 4),
    ("Air Bersih", "Bagian Perekonomian", 3),
    ("Perumahan", "Dinas Perumahan Rakyat dan Kawasan Permukiman", 2),
    ("Lowongan Kerja", "Dinas Tenaga Kerja", 2),
    ("Permasalahan Kelurahan", "", 6),
    ("Permasalahan Kecamatan", "", 2),
]


def built_in() -> Shape:
    profiles, weights = [], []
    for topic, agency, weight in BUILT_IN:
        if agency:
            profiles.append(Profile(topic, OPD, agency))
        else:
            office = KELURAHAN_OFFICE if "Kelurahan" in topic else KECAMATAN_OFFICE
            profiles.append(Profile(topic, office, ""))
        weights.append(weight * 100)
    # office hours in WIB (UTC+7) busiest, weekends quieter; times stored in UTC
    hours = []
    for day in range(7):
        for hour in range(24):
            local = (hour + 7) % 24
            level = 6.0 if 7 <= local < 16 else (2.5 if 16 <= local < 22 else 0.6)
            hours.append(level * (0.6 if day >= 5 else 1.0))
    # first answers: log-normal, median 8 hours, 90% within about 27 hours
    delays = sorted(math.exp(math.log(8) + 0.95 * NormalDist().inv_cdf((k + 0.5) / 1000)) for k in range(1000))
    return Shape(
        profiles=profiles,
        profile_weights=weights,
        hour_of_week=hours,
        first_answer_hours=delays,
        source="built-in shape (no complaints file)",
        topic_agency={topic: agency for topic, agency, _w in BUILT_IN if agency},
    )


def load(path: str | os.PathLike | None = None) -> Shape:
    """The shape from ``path`` (default: the Surabaya complaints, or ``$LAYAN_BENCH_COMPLAINTS``), else built-in."""
    candidate = Path(path or os.environ.get("LAYAN_BENCH_COMPLAINTS") or DEFAULT_CSV)
    if candidate.is_file():
        try:
            return from_csv(candidate)
        except (OSError, ValueError, csv.Error) as exc:
            print(f"  complaints file not usable ({exc}); using the built-in shape")
    return built_in()
