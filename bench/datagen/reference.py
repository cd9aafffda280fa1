"""The reference data a province-wide deployment stands on: the real regions of one province down to its villages,
its governments (pemda) and their agencies, staff with one login per role, and the report categories.

Shape: Provinsi Jawa Timur (code 35, every kabupaten/kota, kecamatan and desa/kelurahan from the packaged
Kemendagri file). The province and each of its kabupaten/kota is a pemda with an admin desk; Kota Surabaya has
every OPD the complaints file names, its kecamatan offices and its kelurahan offices; every other kabupaten/kota
has the common OPD, its kecamatan offices, a land office (vertical) and its water company (BUMD); the province has
a few OPD of its own, PLN (BUMN), an inspectorate per government and the Ombudsman's representative.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify

from .shape import KECAMATAN_OFFICE, KELURAHAN_OFFICE, OPD, Shape
from .texts import theme_of

PROVINCE = "35"
SURABAYA = "35.78"
PASSWORD = "layan-bench"  # every generated login; the read benchmark logs in with it
OTHER_KABKOTA_OPD = 22  # the most frequent OPD of the file exist in every kabupaten/kota

# Reports outside the city's own agencies (our own round figures): the province's OPD, a vertical office, PLN and
# the regional water company; (topic, agency key, share of all reports)
OUTSIDE_TOPICS = [
    ("Jalan Provinsi", "prov:pu", 0.015),
    ("SMA dan SMK", "prov:pendidikan", 0.012),
    ("Pajak Kendaraan Bermotor", "prov:bapenda", 0.008),
    ("Bantuan Sosial Provinsi", "prov:sosial", 0.005),
    ("Sertifikat Tanah", "kab:pertanahan", 0.012),
    ("Gangguan Listrik PLN", "pln", 0.015),
    ("Air PDAM", "kab:pdam", 0.013),
]
PROVINCIAL_OPD = {
    "prov:pu": "Dinas Pekerjaan Umum Bina Marga",
    "prov:pendidikan": "Dinas Pendidikan",
    "prov:bapenda": "Badan Pendapatan Daerah",
    "prov:sosial": "Dinas Sosial",
    "prov:kominfo": "Dinas Komunikasi dan Informatika",
}


@dataclass
class World:
    """Ids and lookups the history generator needs, all in memory."""

    province_pemda: int = 0
    kabkota: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    villages: dict[str, list[str]] = field(default_factory=dict)  # kabkota code -> desa codes
    region_names: dict[str, str] = field(default_factory=dict)
    surabaya_places: dict[tuple[str, str], str] = field(default_factory=dict)  # (kecamatan, kelurahan) lower -> code
    surabaya_kecamatan: dict[str, str] = field(default_factory=dict)  # kecamatan name lower -> code
    pemda: dict[str, int] = field(default_factory=dict)  # kabkota code -> pemda id
    opd: dict[str, dict[str, int]] = field(default_factory=dict)  # kabkota code -> OPD name -> id
    kecamatan_office: dict[str, int] = field(default_factory=dict)  # kecamatan code -> id
    kelurahan_office: dict[str, int] = field(default_factory=dict)  # desa code -> id
    outside: dict[str, int] = field(default_factory=dict)  # "prov:pu", "pln" -> id; "kab:pdam:35.23" -> id
    agency_names: dict[int, str] = field(default_factory=dict)
    open_24_7: set[int] = field(default_factory=set)
    admin_user: dict[int, list[int]] = field(default_factory=dict)  # pemda id -> platform admin user ids
    call_centre_user: dict[int, int] = field(default_factory=dict)  # pemda id -> user id
    liaison_user: dict[int, int] = field(default_factory=dict)  # agency id -> penghubung user id
    categories: dict[str, int] = field(default_factory=dict)  # topic -> category id
    category_theme: dict[int, str] = field(default_factory=dict)
    outside_topics: list[tuple[int, str, float]] = field(default_factory=list)  # (category id, agency key, share)
    agency_count: int = 0
    user_count: int = 0


class _Agencies:
    """Collects agencies to create, with unique slugs, then writes them in one go."""

    def __init__(self):
        from layan.core.models import Agency

        self.Agency = Agency
        self.rows: list = []
        self.serves: list[tuple[int, str]] = []  # (row index, region code)
        self.parents: list[tuple[int, int]] = []  # (child index, parent index)
        self.oversees: list[tuple[int, int]] = []  # (body index, target index)
        self.slugs: Counter = Counter()

    def add(self, name, kind, level, home, *, short="", parent=None, serves=None, open_24_7=False) -> int:
        base = slugify(short or name)[:52].strip("-") or "instansi"
        self.slugs[base] += 1
        slug = base if self.slugs[base] == 1 else f"{base}-{self.slugs[base]}"
        index = len(self.rows)
        self.rows.append(
            self.Agency(
                name=name[:200],
                short_name=short[:40],
                slug=slug,
                kind=kind,
                level=level,
                home_region_id=home,
                open_24_7=open_24_7,
                email=f"{slug}@bench.layan.id",
            )
        )
        if parent is not None:
            self.parents.append((index, parent))
        for code in serves if serves is not None else [home]:
            self.serves.append((index, code))
        return index

    def save(self) -> list:
        created = self.Agency.objects.bulk_create(self.rows, batch_size=1000)
        for child, parent in self.parents:
            created[child].parent_id = created[parent].pk
        self.Agency.objects.bulk_update([created[c] for c, _p in self.parents], ["parent"], batch_size=1000)
        through = self.Agency.regions.through
        through.objects.bulk_create(
            [through(agency_id=created[i].pk, region_id=code) for i, code in self.serves], batch_size=2000
        )
        oversees = self.Agency.oversees.through
        oversees.objects.bulk_create(
            [oversees(from_agency_id=created[b].pk, to_agency_id=created[t].pk) for b, t in self.oversees],
            batch_size=2000,
        )
        return created


def _short(name: str) -> str:
    """A short name: the initials of a long agency name (``Dinas Sosial`` stays as it is)."""
    if len(name) <= 40:
        return name
    words = [w for w in re.split(r"\s+", name) if w[:1].isupper()]
    return "".join(w[0] for w in words)[:12]


def load_province_regions() -> None:
    from layan.core.models import Region
    from layan.core.services import load_regions

    if not Region.objects.filter(code__startswith=PROVINCE + ".").exists():
        load_regions(province=PROVINCE)


def _place_lookups(world: World) -> None:
    from layan.core.models import Region

    kecamatan_of: dict[str, str] = {}
    for code, name, level, parent in Region.objects.filter(code__startswith=PROVINCE).values_list(
        "code", "name", "level", "parent_id"
    ):
        world.region_names[code] = name
        if level == "kabkota":
            world.kabkota.append((code, name))
        elif level == "desa":
            world.villages.setdefault(code[:5], []).append(code)
            kecamatan_of[code] = parent
    world.kabkota.sort()
    for codes in world.villages.values():
        codes.sort()
    for code in world.villages.get(SURABAYA, []):
        kecamatan = world.region_names[kecamatan_of[code]].lower()
        world.surabaya_kecamatan[kecamatan] = kecamatan_of[code]
        world.surabaya_places[kecamatan, world.region_names[code].lower()] = code


def _kabkota_opd_names(shape: Shape) -> tuple[list[str], list[str]]:
    """(every OPD of the shape, for Surabaya; the most frequent ones, for every other kabupaten/kota)."""
    counts = shape.opd_counts()
    ordered = [name for name, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return ordered, ordered[:OTHER_KABKOTA_OPD]


@transaction.atomic
def build(shape: Shape) -> World:
    """Regions, agencies, staff and categories; returns the lookups of :class:`World`."""
    from layan.core.models import Agency

    K, L = Agency.Kind, Agency.Level
    load_province_regions()
    world = World()
    _place_lookups(world)
    province_name = world.region_names[PROVINCE]
    agencies = _Agencies()
    pemprov = agencies.add(f"Pemerintah Provinsi {province_name}", K.PEMDA, L.PROVINSI, PROVINCE, short="Pemprov")
    keys: dict[str, int] = {"pemprov": pemprov}
    for key, name in PROVINCIAL_OPD.items():
        keys[key] = agencies.add(f"{name} Provinsi {province_name}", K.OPD, L.PROVINSI, PROVINCE, parent=pemprov)
    keys["pln"] = agencies.add(f"PT PLN (Persero) UID {province_name}", K.BUMN, L.PROVINSI, PROVINCE, short="PLN")
    inspektorat = agencies.add(f"Inspektorat Provinsi {province_name}", K.INSPEKTORAT, L.PROVINSI, PROVINCE)
    agencies.oversees.append((inspektorat, pemprov))
    ombudsman = agencies.add(
        f"Ombudsman Republik Indonesia Perwakilan Provinsi {province_name}", K.OMBUDSMAN, L.NASIONAL, PROVINCE
    )
    agencies.oversees += [(ombudsman, pemprov), (ombudsman, keys["pln"])]

    surabaya_opd, common_opd = _kabkota_opd_names(shape)
    by_kabkota: dict[str, dict[str, int]] = {}
    kecamatan_index, kelurahan_index = {}, {}
    kecamatan_codes = defaultdict(set)
    for codes in world.villages.values():
        for code in codes:
            kecamatan_codes[code[:5]].add(code.rsplit(".", 1)[0])
    for code, name in world.kabkota:
        pemda = agencies.add(f"Pemerintah {name}", K.PEMDA, L.KABKOTA, code, short=f"Pemda {name}"[:40])
        keys[f"pemda:{code}"] = pemda
        body = agencies.add(f"Inspektorat {name}", K.INSPEKTORAT, L.KABKOTA, code)
        agencies.oversees += [(body, pemda), (ombudsman, pemda)]
        opd_names = surabaya_opd if code == SURABAYA else common_opd
        by_kabkota[code] = {
            opd: agencies.add(f"{opd} {name}", K.OPD, L.KABKOTA, code, short=_short(opd), parent=pemda)
            for opd in opd_names
        }
        keys[f"kab:pertanahan:{code}"] = agencies.add(f"Kantor Pertanahan {name}", K.VERTIKAL, L.KABKOTA, code)
        keys[f"kab:pdam:{code}"] = agencies.add(
            f"Perumda Air Minum {name}", K.BUMD, L.KABKOTA, code, short=f"PDAM {name}"[:40], open_24_7=True
        )
        agencies.oversees += [(ombudsman, keys[f"kab:pertanahan:{code}"]), (ombudsman, keys[f"kab:pdam:{code}"])]
        for kecamatan in sorted(kecamatan_codes[code]):
            kecamatan_index[kecamatan] = agencies.add(
                f"Kecamatan {world.region_names[kecamatan]} {name}", K.KECAMATAN, L.KECAMATAN, kecamatan, parent=pemda
            )
        if code == SURABAYA:
            for village in world.villages[code]:
                kelurahan_index[village] = agencies.add(
                    f"Kelurahan {world.region_names[village]}",
                    K.DESA,
                    L.DESA,
                    village,
                    parent=kecamatan_index[village.rsplit(".", 1)[0]],
                )
    created = agencies.save()
    ids = [a.pk for a in created]
    world.province_pemda = ids[pemprov]
    world.pemda = {code: ids[keys[f"pemda:{code}"]] for code, _name in world.kabkota}
    world.opd = {code: {opd: ids[i] for opd, i in names.items()} for code, names in by_kabkota.items()}
    world.kecamatan_office = {code: ids[i] for code, i in kecamatan_index.items()}
    world.kelurahan_office = {code: ids[i] for code, i in kelurahan_index.items()}
    world.outside = {key: ids[i] for key, i in keys.items() if not key.startswith("pemda:")}
    world.agency_names = {a.pk: a.name for a in created}
    world.open_24_7 = {a.pk for a in created if a.open_24_7}
    world.agency_count = len(created)
    _staff(world, created)
    _categories(world, shape, by_kabkota)
    return world


ROLE_PREFIX = {"platform_admin": "admin", "call_centre": "cc", "penghubung": "penghubung", "pimpinan": "pimpinan"}


def _staff(world: World, agencies: list) -> None:
    """One login per role: platform admins (two) and a call-centre officer at each pemda, a liaison officer and a
    head at every other agency, an overseer at each oversight body, and a system administrator."""
    from layan.core.models import Agency, Membership, User

    R = Membership.Role
    password = make_password(PASSWORD)  # hashed once: every generated login has the same password
    users, roles = [], []

    def person(username: str, agency, role: str):
        users.append(User(username=username, password=password, email=f"{username}@bench.layan.id"))
        roles.append((agency, role))

    for agency in agencies:
        if agency.kind == Agency.Kind.PEMDA:
            person(f"admin.{agency.slug}", agency, R.PLATFORM_ADMIN)
            person(f"admin2.{agency.slug}", agency, R.PLATFORM_ADMIN)
            person(f"cc.{agency.slug}", agency, R.CALL_CENTRE)
            person(f"pimpinan.{agency.slug}", agency, R.PIMPINAN)
        elif agency.kind in Agency.OVERSIGHT_KINDS:
            person(f"pengawas.{agency.slug}", agency, R.OVERSIGHT)
        else:
            person(f"penghubung.{agency.slug}", agency, R.PENGHUBUNG)
            person(f"pimpinan.{agency.slug}", agency, R.PIMPINAN)
    users.append(User(username="sysadmin", password=password, email="sysadmin@bench.layan.id", is_staff=True))
    roles.append((agencies[0], R.SYSADMIN))
    created = User.objects.bulk_create(users, batch_size=1000)
    Membership.objects.bulk_create(
        [Membership(user=u, agency=a, role=r) for u, (a, r) in zip(created, roles, strict=True)], batch_size=1000
    )
    for user, (agency, role) in zip(created, roles, strict=True):
        if role == R.PLATFORM_ADMIN:
            world.admin_user.setdefault(agency.pk, []).append(user.pk)
        elif role == R.CALL_CENTRE:
            world.call_centre_user[agency.pk] = user.pk
        elif role == R.PENGHUBUNG:
            world.liaison_user[agency.pk] = user.pk
    world.user_count = len(created)


def _categories(world: World, shape: Shape, by_kabkota: dict) -> None:
    """One category per topic of the shape (and of the reports outside the city's agencies), each with the
    Surabaya agency that handles it most often as its default agency."""
    from layan.reports.models import Category

    topics = [topic for topic, _n in sorted(shape.topic_counts().items(), key=lambda item: (-item[1], item[0]))]
    topics += [topic for topic, _key, _share in OUTSIDE_TOPICS if topic not in topics]
    slugs: Counter = Counter()
    rows = []
    for topic in topics:
        base = slugify(topic)[:72].strip("-") or "kategori"
        slugs[base] += 1
        rows.append(Category(name=topic[:120], slug=base if slugs[base] == 1 else f"{base}-{slugs[base]}"))
    created = Category.objects.bulk_create(rows)
    world.categories = {topic: c.pk for topic, c in zip(topics, created, strict=True)}
    world.category_theme = {c.pk: theme_of(topic) for topic, c in zip(topics, created, strict=True)}
    through = Category.default_agencies.through
    links = []
    for topic, category in zip(topics, created, strict=True):
        agency = world.opd.get(SURABAYA, {}).get(shape.topic_agency.get(topic, ""))
        if agency:
            links.append(through(category_id=category.pk, agency_id=agency))
    through.objects.bulk_create(links)
    world.outside_topics = [(world.categories[topic], key, share) for topic, key, share in OUTSIDE_TOPICS]


def office_for(world: World, agency_class: str, village: str | None) -> int | None:
    """The kecamatan or kelurahan office of the place ``village`` (a kelurahan office only in Surabaya)."""
    if village is None:
        return None
    if agency_class == KELURAHAN_OFFICE and village in world.kelurahan_office:
        return world.kelurahan_office[village]
    if agency_class in (KELURAHAN_OFFICE, KECAMATAN_OFFICE):
        return world.kecamatan_office.get(village.rsplit(".", 1)[0])
    return None


__all__ = ["World", "build", "office_for", "OPD", "PASSWORD"]
