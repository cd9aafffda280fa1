"""Shared fixtures of the routing tests: a small dispatch history the tests make themselves.

``routed_history`` submits reports through the one intake and has the Surabaya admin verify and dispatch each one
through the workflow, as a deployment's own history grows. Each agency's reports use words of its own (drawn at
random, so no two reports read alike and none looks like a duplicate of another) among common filler words.
"""

import random
from dataclasses import dataclass

import pytest

# Agency slug -> (category slug, its own words). Invented for the tests, not taken from any data set.
TOPICS = {
    "dsdabm-sby": (
        "jalan-saluran",
        "jalan aspal berlubang retak ambles paving gorong saluran tersumbat genangan banjir drainase trotoar "
        "tambal galian kubangan kerikil makadam box culvert",
    ),
    "dlh-sby": (
        "sampah",
        "sampah tumpukan bau busuk pengangkutan gerobak tps kontainer pembakaran asap limbah kotor lalat "
        "pemilahan truk sampah menumpuk sungai tercemar",
    ),
    "dispendukcapil-sby": (
        "adminduk",
        "ktp elektronik kartu keluarga akta kelahiran kematian blanko cetak nik pindah datang domisili "
        "perekaman biometrik dukcapil antrean berkas",
    ),
    "pdam-sby": (
        "air-bersih",
        "air pdam mati keruh kran meteran tagihan pipa bocor tekanan kecil mengalir berwarna sambungan "
        "pelanggan tangki debit",
    ),
    "pln-sby": (
        "listrik",
        "listrik padam pemadaman token kwh meter gardu trafo kabel menjuntai tiang tegangan voltase "
        "korsleting jaringan pelanggan",
    ),
}
FILLER = (
    "mohon segera ditindaklanjuti sudah lama warga sekitar kami rumah dekat depan gang rt rw pak bu tolong "
    "dibantu terima kasih setiap hari sejak minggu lalu belum ada kejelasan sangat mengganggu"
).split()
REGION = "35.78.05.1001"  # Tegalsari, Kota Surabaya (served by kec-tegalsari)

# one street light out, told twice (the duplicate check's and the similar-reports hint's example)
LAMPU = (
    "Lampu PJU mati di Jl. Kedungdoro depan masjid",
    "Lampu penerangan jalan umum di Jalan Kedungdoro depan masjid Al Falah mati sejak seminggu. Malam hari gelap "
    "sekali dan rawan begal, mohon segera diperbaiki.",
)
LAMPU_AGAIN = (
    "PJU Kedungdoro padam",
    "Sudah lima hari lampu jalan di Kedungdoro dekat masjid Al Falah padam, gelap dan rawan begal.",
)


def words_of(slug: str) -> list[str]:
    return TOPICS[slug][1].split()


def complaint(rng: random.Random, slug: str, *, extra=(), own: int = 6, filler: int = 8) -> tuple[str, str]:
    """(title, description) of an invented complaint for ``slug``'s agency."""
    own_words = rng.sample(words_of(slug), own) + list(extra)
    body = own_words + rng.sample(FILLER, filler)
    rng.shuffle(body)
    return " ".join(own_words[:3]).capitalize(), " ".join(body) + "."


@dataclass
class History:
    agencies: dict
    categories: dict
    admin: object
    reports: list

    def submit(self, title, description, *, region=REGION, category=None):
        from layan.core.models import Region
        from layan.reports.services import NewReport, submit_report

        new = NewReport(title=title, description=description, region=Region.objects.get(code=region))
        if category:
            new.category = self.categories[category]
        return submit_report(new)

    def dispatch(self, report, slug, *, category=None):
        """The admin verifies (when new) and dispatches ``report`` to ``slug``'s agency."""
        from layan.reports import workflow

        report.refresh_from_db()
        action = "verify" if report.state == "baru" else "dispatch"
        data = {"agencies": [self.agencies[slug]]}
        if category and action == "verify":
            data["category"] = self.categories[category]
        workflow.perform(report, action, workflow.Actor(user=self.admin), **data)
        return report


@pytest.fixture
def categories(demo_agencies):
    from layan.reports.demo import seed_categories

    return seed_categories()


@pytest.fixture
def history_maker(demo_agencies, categories, staff):
    from layan.routing import store

    store.forget()
    return History(agencies=demo_agencies, categories=categories, admin=staff("admin.surabaya"), reports=[])


@pytest.fixture
def routed_history(history_maker):
    """60 reports (12 per agency) verified with their category and dispatched by the Surabaya admin."""
    rng = random.Random(8)
    for _i in range(12):
        for slug, (category, _words) in TOPICS.items():
            title, description = complaint(rng, slug)
            report = history_maker.submit(title, description)
            history_maker.dispatch(report, slug, category=category)
            history_maker.reports.append(report)
    return history_maker
