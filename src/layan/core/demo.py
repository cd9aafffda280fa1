"""Demo reference data: Provinsi Jawa Timur with Kota Surabaya and Kabupaten Tuban, their agencies and one
staff login per role per agency. Idempotent: running it again updates the same rows."""

from dataclasses import dataclass, field

from django.db import transaction

from .models import Agency, Membership, Region, User

DEMO_PASSWORD = "layan-demo"

K, L, R = Agency.Kind, Agency.Level, Membership.Role


@dataclass
class DemoAgency:
    slug: str
    name: str
    short: str
    kind: str
    level: str
    region: str
    parent: str | None = None
    serves: list[str] = field(default_factory=list)  # default: the home region
    email: str = ""
    phone: str = ""
    address: str = ""
    open_24_7: bool = False
    oversees: list[str] = field(default_factory=list)
    roles: tuple[str, ...] = (R.PENGHUBUNG, R.PIMPINAN)


AGENCIES = [
    # Provinsi Jawa Timur
    DemoAgency(
        "jatim",
        "Pemerintah Provinsi Jawa Timur",
        "Pemprov Jatim",
        K.PEMDA,
        L.PROVINSI,
        "35",
        email="humas@jatimprov.go.id",
        phone="+62318295700",
        address="Jl. Pahlawan No. 110, Surabaya",
        roles=(R.PLATFORM_ADMIN, R.PIMPINAN),
    ),
    DemoAgency(
        "kominfo-jatim",
        "Dinas Komunikasi dan Informatika Provinsi Jawa Timur",
        "Diskominfo Jatim",
        K.OPD,
        L.PROVINSI,
        "35",
        parent="jatim",
        email="lapor@kominfo.jatimprov.go.id",
        phone="+62318294608",
        address="Jl. A. Yani No. 242-244, Surabaya",
    ),
    DemoAgency(
        "inspektorat-jatim",
        "Inspektorat Provinsi Jawa Timur",
        "Inspektorat Jatim",
        K.INSPEKTORAT,
        L.PROVINSI,
        "35",
        email="inspektorat@jatimprov.go.id",
        phone="+62318280840",
        address="Jl. Raya Bandara Juanda No. 8, Sidoarjo",
        oversees=["jatim"],
        roles=(R.OVERSIGHT,),
    ),
    DemoAgency(
        "ombudsman-jatim",
        "Ombudsman Republik Indonesia Perwakilan Provinsi Jawa Timur",
        "Ombudsman Jatim",
        K.OMBUDSMAN,
        L.NASIONAL,
        "35",
        email="jatim@ombudsman.go.id",
        phone="+62317343880",
        address="Jl. Ngagel Timur No. 56, Surabaya",
        oversees=["jatim", "surabaya", "tuban", "samsat-sby-utara", "bpn-tuban", "pln-sby", "pdam-sby"],
        roles=(R.OVERSIGHT,),
    ),
    DemoAgency(
        "samsat-sby-utara",
        "Kantor Bersama Samsat Surabaya Utara",
        "Samsat Surabaya Utara",
        K.VERTIKAL,
        L.PROVINSI,
        "35.78",
        serves=["35.78.12", "35.78.13", "35.78.15", "35.78.16", "35.78.17"],
        phone="+62313294477",
        address="Jl. Kenjeran No. 3, Surabaya",
    ),
    # Kota Surabaya
    DemoAgency(
        "surabaya",
        "Pemerintah Kota Surabaya",
        "Pemkot Surabaya",
        K.PEMDA,
        L.KABKOTA,
        "35.78",
        email="humas@surabaya.go.id",
        phone="+62315312144",
        address="Jl. Taman Surya No. 1, Surabaya",
        roles=(R.PLATFORM_ADMIN, R.CALL_CENTRE, R.PIMPINAN),
    ),
    DemoAgency(
        "kominfo-sby",
        "Dinas Komunikasi dan Informatika Kota Surabaya (Media Center)",
        "Diskominfo Surabaya",
        K.OPD,
        L.KABKOTA,
        "35.78",
        parent="surabaya",
        email="mediacenter@surabaya.go.id",
        phone="+62315312144",
        address="Jl. Jimerto No. 25-27, Surabaya",
    ),
    DemoAgency(
        "dsdabm-sby",
        "Dinas Sumber Daya Air dan Bina Marga Kota Surabaya",
        "DSDABM Surabaya",
        K.OPD,
        L.KABKOTA,
        "35.78",
        parent="surabaya",
        email="dsdabm@surabaya.go.id",
        phone="+62315312144",
        address="Jl. Jimerto No. 25-27, Surabaya",
    ),
    DemoAgency(
        "dlh-sby",
        "Dinas Lingkungan Hidup Kota Surabaya",
        "DLH Surabaya",
        K.OPD,
        L.KABKOTA,
        "35.78",
        parent="surabaya",
        email="dlh@surabaya.go.id",
        phone="+62315312144",
        address="Jl. Raya Menur No. 31-A, Surabaya",
    ),
    DemoAgency(
        "dispendukcapil-sby",
        "Dinas Kependudukan dan Pencatatan Sipil Kota Surabaya",
        "Dispendukcapil Surabaya",
        K.OPD,
        L.KABKOTA,
        "35.78",
        parent="surabaya",
        email="dispendukcapil@surabaya.go.id",
        phone="+62315312144",
        address="Jl. Tunjungan No. 1-3, Surabaya",
    ),
    DemoAgency(
        "dinsos-sby",
        "Dinas Sosial Kota Surabaya",
        "Dinsos Surabaya",
        K.OPD,
        L.KABKOTA,
        "35.78",
        parent="surabaya",
        email="dinsos@surabaya.go.id",
        phone="+62315312144",
        address="Jl. Arief Rahman Hakim No. 131-133, Surabaya",
    ),
    DemoAgency(
        "kec-tegalsari",
        "Kecamatan Tegalsari Kota Surabaya",
        "Kec. Tegalsari",
        K.KECAMATAN,
        L.KECAMATAN,
        "35.78.05",
        parent="surabaya",
        email="kec.tegalsari@surabaya.go.id",
        phone="+62315343014",
        address="Jl. Tegalsari No. 15, Surabaya",
    ),
    DemoAgency(
        "pdam-sby",
        "Perumda Air Minum Surya Sembada Kota Surabaya",
        "PDAM Surya Sembada",
        K.BUMD,
        L.KABKOTA,
        "35.78",
        email="cs@pdam-sby.go.id",
        phone="+62315039373",
        address="Jl. Mayjen Prof. Dr. Moestopo No. 2, Surabaya",
        open_24_7=True,
    ),
    DemoAgency(
        "pln-sby",
        "PT PLN (Persero) UP3 Surabaya Utara",
        "PLN UP3 Surabaya Utara",
        K.BUMN,
        L.KABKOTA,
        "35.78",
        phone="+62313534281",
        address="Jl. Gemblongan No. 64, Surabaya",
        open_24_7=True,
    ),
    DemoAgency(
        "inspektorat-sby",
        "Inspektorat Kota Surabaya",
        "Inspektorat Surabaya",
        K.INSPEKTORAT,
        L.KABKOTA,
        "35.78",
        email="inspektorat@surabaya.go.id",
        phone="+62315312144",
        address="Jl. Sedap Malam No. 7-9, Surabaya",
        oversees=["surabaya"],
        roles=(R.OVERSIGHT,),
    ),
    # Kabupaten Tuban
    DemoAgency(
        "tuban",
        "Pemerintah Kabupaten Tuban",
        "Pemkab Tuban",
        K.PEMDA,
        L.KABKOTA,
        "35.23",
        email="humas@tubankab.go.id",
        phone="+62356321001",
        address="Jl. Kartini No. 3, Tuban",
        roles=(R.PLATFORM_ADMIN, R.CALL_CENTRE, R.PIMPINAN),
    ),
    DemoAgency(
        "kominfo-tuban",
        "Dinas Komunikasi, Informatika, Statistik dan Persandian Kabupaten Tuban",
        "Diskominfo Tuban",
        K.OPD,
        L.KABKOTA,
        "35.23",
        parent="tuban",
        email="diskominfo@tubankab.go.id",
        phone="+62356322181",
        address="Jl. Mastrip No. 5, Tuban",
    ),
    DemoAgency(
        "pupr-tuban",
        "Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Tuban",
        "DPUPR Tuban",
        K.OPD,
        L.KABKOTA,
        "35.23",
        parent="tuban",
        email="dpupr@tubankab.go.id",
        phone="+62356321330",
        address="Jl. Mastrip No. 12, Tuban",
    ),
    DemoAgency(
        "dinkes-tuban",
        "Dinas Kesehatan, Pengendalian Penduduk dan Keluarga Berencana Kabupaten Tuban",
        "Dinkes P2KB Tuban",
        K.OPD,
        L.KABKOTA,
        "35.23",
        parent="tuban",
        email="dinkes@tubankab.go.id",
        phone="+62356321485",
        address="Jl. Brawijaya No. 3, Tuban",
    ),
    DemoAgency(
        "rsud-koesma",
        "RSUD dr. R. Koesma Kabupaten Tuban",
        "RSUD dr. R. Koesma",
        K.UNIT,
        L.KABKOTA,
        "35.23",
        parent="dinkes-tuban",
        email="rsud@tubankab.go.id",
        phone="+62356321010",
        address="Jl. Dr. Wahidin Sudirohusodo No. 800, Tuban",
        open_24_7=True,
    ),
    DemoAgency(
        "desa-bektiharjo",
        "Pemerintah Desa Bektiharjo, Kecamatan Semanding",
        "Desa Bektiharjo",
        K.DESA,
        L.DESA,
        "35.23.15.2009",
        parent="tuban",
        phone="+6281234500021",
        address="Jl. Raya Bektiharjo, Semanding, Tuban",
    ),
    DemoAgency(
        "bpn-tuban",
        "Kantor Pertanahan Kabupaten Tuban",
        "Kantah Tuban",
        K.VERTIKAL,
        L.NASIONAL,
        "35.23",
        email="kab-tuban@atrbpn.go.id",
        phone="+62356322035",
        address="Jl. Teuku Umar No. 11, Tuban",
    ),
    DemoAgency(
        "setda-tuban",
        "Sekretariat Daerah Kabupaten Tuban (Kantor Bupati)",
        "Setda Tuban",
        K.KEPALA_DAERAH,
        L.KABKOTA,
        "35.23",
        parent="tuban",
        email="setda@tubankab.go.id",
        phone="+62356321001",
        address="Jl. Kartini No. 3, Tuban",
        oversees=["tuban"],
        roles=(R.OVERSIGHT,),
    ),
]

ROLE_PREFIX = {
    R.PLATFORM_ADMIN: "admin",
    R.PENGHUBUNG: "penghubung",
    R.PIMPINAN: "pimpinan",
    R.OVERSIGHT: "pengawas",
    R.CALL_CENTRE: "callcenter",
    R.SYSADMIN: "sysadmin",
}

PERSON_NAMES = [
    "Siti Rahmawati",
    "Budi Santoso",
    "Dewi Lestari",
    "Agus Setiawan",
    "Rina Wulandari",
    "Hendra Gunawan",
    "Fitri Handayani",
    "Joko Prasetyo",
    "Nur Aini",
    "Bambang Susilo",
    "Ratna Sari",
    "Eko Wahyudi",
    "Lina Marlina",
    "Rudi Hartono",
    "Yuliana Putri",
    "Slamet Riyadi",
    "Wahyu Hidayat",
    "Indah Permatasari",
    "Teguh Prakoso",
    "Sri Mulyani",
    "Arif Rahman",
    "Anik Suryani",
    "Dimas Saputra",
    "Endang Kusumawati",
    "Fajar Nugroho",
    "Heni Puspitasari",
    "Imam Syafi'i",
    "Kartika Dewi",
    "Lukman Hakim",
    "Maya Anggraini",
    "Nanang Kosim",
    "Okta Ramadhani",
    "Purnomo Adi",
    "Rahayu Ningsih",
    "Sugeng Riyanto",
    "Tri Wahyuningsih",
    "Umi Kulsum",
    "Vivi Oktaviani",
    "Yusuf Maulana",
    "Zainal Abidin",
    "Ahmad Fauzi",
    "Bayu Firmansyah",
]


def username_for(role: str, slug: str) -> str:
    return f"{ROLE_PREFIX[role]}.{slug}"


@transaction.atomic
def seed_reference_data() -> dict[str, Agency]:
    """Create or update the demo agencies and staff logins. Needs the regions of province 35 loaded."""
    agencies: dict[str, Agency] = {}
    for spec in AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            slug=spec.slug,
            defaults=dict(
                name=spec.name,
                short_name=spec.short,
                kind=spec.kind,
                level=spec.level,
                home_region=Region.objects.get(code=spec.region),
                email=spec.email,
                phone=spec.phone,
                address=spec.address,
                open_24_7=spec.open_24_7,
            ),
        )
        agencies[spec.slug] = agency
    names = iter(PERSON_NAMES * 4)
    for spec in AGENCIES:
        agency = agencies[spec.slug]
        if spec.parent:
            agency.parent = agencies[spec.parent]
            agency.save(update_fields=["parent"])
        agency.regions.set(Region.objects.filter(code__in=spec.serves or [spec.region]))
        agency.oversees.set([agencies[s] for s in spec.oversees])
        for role in spec.roles:
            _staff(username_for(role, spec.slug), next(names), agency, role)
    sysadmin = _staff("sysadmin", "Administrator Sistem", agencies["kominfo-jatim"], R.SYSADMIN)
    if not (sysadmin.is_staff and sysadmin.is_superuser):
        sysadmin.is_staff = sysadmin.is_superuser = True
        sysadmin.save(update_fields=["is_staff", "is_superuser"])
    return agencies


def _staff(username: str, full_name: str, agency: Agency, role: str) -> User:
    first, _, last = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.layan.id"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return user


DEMO_LOGINS = [
    ("sysadmin", "Administrator sistem (semua instansi, /admin/)"),
    ("admin.surabaya", "Admin verifikator & disposisi Pemkot Surabaya"),
    ("callcenter.surabaya", "Petugas call center / loket Pemkot Surabaya"),
    ("penghubung.dsdabm-sby", "Pejabat penghubung DSDABM Surabaya"),
    ("pimpinan.dsdabm-sby", "Pimpinan DSDABM Surabaya"),
    ("penghubung.dlh-sby", "Pejabat penghubung DLH Surabaya"),
    ("pengawas.inspektorat-sby", "Inspektorat Kota Surabaya (pengawas)"),
    ("pengawas.ombudsman-jatim", "Ombudsman Jawa Timur (pengawas)"),
    ("admin.tuban", "Admin verifikator & disposisi Pemkab Tuban"),
    ("pimpinan.rsud-koesma", "Pimpinan RSUD dr. R. Koesma Tuban"),
]


def seed() -> str:
    agencies = seed_reference_data()
    return f"{len(agencies)} agencies, {Membership.objects.count()} staff memberships"
