"""Demo reports: a few hundred, in every status, spread over the past six months, written like real ones.

Each goes through the real intake and state machine (with past timestamps), so timelines, clocks and
figures are consistent. Demo reporters leave a phone number but no email, so seeding sends no notifications.
Runs once: if any report exists, nothing is added.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from layan.core.models import Agency, Region, User

from .models import Category, Report
from .services import NewReport, ReporterInfo, submit_report
from .workflow import Actor, perform

CATEGORIES = [
    ("jalan-saluran", "Jalan, trotoar dan saluran", ["dsdabm-sby", "pupr-tuban"]),
    ("pju", "Penerangan jalan umum", ["dsdabm-sby", "pupr-tuban"]),
    ("sampah", "Sampah dan kebersihan", ["dlh-sby"]),
    ("pencemaran", "Pencemaran lingkungan", ["dlh-sby"]),
    ("adminduk", "Administrasi kependudukan (KTP, KK, akta)", ["dispendukcapil-sby"]),
    ("bansos", "Bantuan sosial", ["dinsos-sby"]),
    ("air-bersih", "Air bersih (PDAM)", ["pdam-sby"]),
    ("listrik", "Listrik", ["pln-sby"]),
    ("kesehatan", "Layanan kesehatan dan rumah sakit", ["dinkes-tuban", "rsud-koesma"]),
    ("pertanahan", "Pertanahan dan sertifikat", ["bpn-tuban"]),
    ("samsat", "Pajak kendaraan dan Samsat", ["samsat-sby-utara"]),
    ("kelurahan", "Pelayanan kecamatan, kelurahan dan desa", ["kec-tegalsari", "desa-bektiharjo"]),
]

# (category, title, description) — {tempat} is filled with a street or landmark.
TEXTS = [
    (
        "jalan-saluran",
        "Jalan berlubang membahayakan pengendara",
        "Mohon ditindaklanjuti, jalan di {tempat} berlubang cukup dalam, sudah ada pengendara motor yang jatuh "
        "tadi malam. Kalau hujan lubangnya tertutup air jadi tidak kelihatan.",
    ),
    (
        "jalan-saluran",
        "Saluran air tersumbat, banjir tiap hujan",
        "Saluran di {tempat} tersumbat sampah dan lumpur, setiap hujan deras air meluap sampai masuk rumah warga. "
        "Mohon dilakukan pengerukan.",
    ),
    (
        "jalan-saluran",
        "Paving rusak di gang kampung",
        "Paving di {tempat} sudah banyak yang lepas dan ambles, sulit dilewati gerobak dan kursi roda.",
    ),
    (
        "pju",
        "Lampu PJU mati sudah seminggu",
        "Lampu penerangan jalan di {tempat} mati sudah sekitar satu minggu, jalan gelap dan rawan kejahatan.",
    ),
    (
        "sampah",
        "Sampah menumpuk tidak diangkut",
        "TPS di {tempat} sudah tiga hari tidak diangkut, bau menyengat dan banyak lalat. Mohon segera diangkut.",
    ),
    (
        "sampah",
        "Pembakaran sampah oleh warga",
        "Ada warga yang setiap sore membakar sampah di {tempat}, asapnya masuk ke rumah dan mengganggu anak-anak.",
    ),
    (
        "pencemaran",
        "Limbah pabrik mencemari sungai",
        "Air sungai di dekat {tempat} berwarna hitam dan berbau sejak dua minggu terakhir, diduga dari limbah usaha "
        "di sekitarnya.",
    ),
    (
        "adminduk",
        "KTP elektronik belum jadi",
        "Saya sudah rekam KTP-el di kecamatan tiga bulan lalu tapi sampai sekarang belum bisa dicetak, katanya blanko "
        "habis. Mohon informasinya kapan bisa diambil.",
    ),
    (
        "adminduk",
        "Pengajuan akta kelahiran lewat online belum diproses",
        "Pengajuan akta kelahiran anak saya lewat aplikasi sudah dua minggu statusnya masih menunggu verifikasi.",
    ),
    (
        "bansos",
        "Nama tidak terdaftar sebagai penerima bantuan",
        "Keluarga kami termasuk warga kurang mampu tetapi nama kami tidak ada di data penerima bantuan. Mohon dicek "
        "dan didata ulang.",
    ),
    (
        "air-bersih",
        "Air PDAM tidak mengalir",
        "Air PDAM di {tempat} tidak mengalir sejak kemarin pagi tanpa pemberitahuan. Mohon informasi dan perbaikan.",
    ),
    (
        "air-bersih",
        "Pipa bocor di pinggir jalan",
        "Ada pipa PDAM bocor di {tempat}, air terbuang terus dan jalan jadi licin.",
    ),
    (
        "listrik",
        "Listrik sering padam",
        "Listrik di {tempat} padam hampir setiap malam selama dua sampai tiga jam. Mohon dicek gardunya.",
    ),
    (
        "kesehatan",
        "Antrean poli terlalu lama",
        "Antrean di poli penyakit dalam sangat lama, datang jam 7 pagi baru dilayani jam 2 siang. Mohon diperbaiki "
        "sistem antreannya.",
    ),
    (
        "kesehatan",
        "Petugas IGD kurang ramah",
        "Saat mengantar ibu saya ke IGD, petugas pendaftaran kurang ramah dan tidak menjelaskan prosedur.",
    ),
    (
        "pertanahan",
        "Sertifikat tanah belum selesai",
        "Pengurusan sertifikat tanah program PTSL di desa kami sudah lebih dari satu tahun belum selesai.",
    ),
    (
        "samsat",
        "Pembayaran pajak kendaraan online gagal",
        "Saya bayar pajak kendaraan lewat aplikasi, saldo sudah terpotong tapi status masih belum bayar.",
    ),
    (
        "kelurahan",
        "Surat pengantar dipersulit",
        "Mengurus surat keterangan domisili di kantor kelurahan harus bolak-balik tiga kali karena petugas tidak ada.",
    ),
]

PLACES = [
    "Jl. Tegalsari",
    "Jl. Kedungdoro",
    "Jl. Pandegiling",
    "depan SDN Dr. Soetomo",
    "Jl. Keputran gang 3",
    "dekat Pasar Wonokromo",
    "Jl. Kenjeran",
    "Jl. Raya Gubeng",
    "perempatan Jl. Basuki Rahmat",
    "Jl. Raya Bektiharjo",
    "Jl. Sunan Kalijaga Tuban",
    "dekat Alun-alun Tuban",
    "Jl. Dr. Wahidin Tuban",
]
NAMES = [
    "Ahmad Yani",
    "Sri Wahyuni",
    "Suparmi",
    "Didik Hariyanto",
    "Nurul Hidayah",
    "Agus Salim",
    "Ernawati",
    "Mochammad Rizal",
    "Puji Astutik",
    "Hadi Susanto",
    "Lilik Suryani",
    "Bagus Pratama",
]
STATES = [  # (final state, share)
    (Report.State.BARU, 8),
    (Report.State.TERTUNDA, 4),
    (Report.State.TERVERIFIKASI, 5),
    (Report.State.TERDISPOSISI, 10),
    (Report.State.DIPROSES, 20),
    (Report.State.SELESAI, 10),
    (Report.State.DITUTUP, 35),
    (Report.State.ARSIP, 8),
]
CHANNELS = ["web"] * 5 + ["whatsapp"] * 3 + ["telepon", "loket", "sms", "email", "telegram"]


def seed_categories() -> dict[str, Category]:
    categories = {}
    for slug, name, agencies in CATEGORIES:
        category, _created = Category.objects.get_or_create(slug=slug, defaults={"name": name})
        category.default_agencies.set(Agency.objects.filter(slug__in=agencies))
        categories[slug] = category
    return categories


def seed(count: int = 320, seed_value: int = 1708) -> str:
    categories = seed_categories()
    if Report.objects.exists():
        return f"{len(categories)} categories; reports already present, none added"
    rng = random.Random(seed_value)
    villages = {
        "35.78": list(Region.objects.filter(code__startswith="35.78.", level="desa")),
        "35.23": list(Region.objects.filter(code__startswith="35.23.", level="desa")),
    }
    admins = {"35.78": User.objects.get(username="admin.surabaya"), "35.23": User.objects.get(username="admin.tuban")}
    agencies = {a.slug: a for a in Agency.objects.all()}
    now = timezone.now()
    states = [s for s, share in STATES for _ in range(share)]
    for _i in range(count):
        final = rng.choice(states)
        category_slug, title, text = rng.choice(TEXTS)
        candidates = [agencies[s] for s in dict((c[0], c[2]) for c in CATEGORIES)[category_slug]]
        agency = rng.choice(candidates)
        city = "35.23" if agency.home_region_id and agency.home_region_id.startswith("35.23") else "35.78"
        recent = final in (
            Report.State.BARU,
            Report.State.TERTUNDA,
            Report.State.TERVERIFIKASI,
            Report.State.TERDISPOSISI,
        )
        created = now - dt.timedelta(hours=rng.uniform(2, 24 * (6 if recent else 180)))
        _one(
            rng,
            final,
            created,
            now,
            categories[category_slug],
            title,
            text,
            villages[city],
            admins[city],
            agency,
            agencies,
        )
    return f"{len(categories)} categories, {count} reports"


def _one(rng, final, created, now, category, title, text, villages, admin_user, agency, agencies):
    def later(hours_low, hours_high):
        nonlocal created
        moment = min(created + dt.timedelta(hours=rng.uniform(hours_low, hours_high)), now - dt.timedelta(minutes=5))
        created = moment
        return moment

    with transaction.atomic():
        privacy = rng.choices(["publik", "rahasia", "anonim"], [80, 10, 10])[0]
        report = submit_report(
            NewReport(
                title=title,
                description=text.format(tempat=rng.choice(PLACES)),
                category=category,
                region=rng.choice(villages),
                address=rng.choice(PLACES),
                privacy=privacy,
            ),
            channel=rng.choice(CHANNELS),
            reporter=ReporterInfo(name=rng.choice(NAMES), phone=f"0812{rng.randint(10000000, 99999999)}"),
            at=created,
        )
        admin, staff_user = Actor(user=admin_user), Actor(user=_liaison(agency))
        reporter = Actor(proven_reporter=report)
        if final == Report.State.BARU:
            return
        if final == Report.State.TERTUNDA:
            perform(
                report,
                "pend",
                admin,
                note="Mohon lengkapi lokasi persisnya (nama jalan dan nomor rumah).",
                at=later(1, 30),
            )
            return
        if final == Report.State.ARSIP:
            perform(
                report,
                "archive",
                admin,
                reason=rng.choice(["umum", "bukan_pelayanan", "duplikat", "format"]),
                at=later(1, 60),
            )
            return
        weight = rng.choice(["ringan", "normatif", "normatif", "tanpa_investigasi"])
        if final == Report.State.TERVERIFIKASI:
            perform(report, "verify", admin, weight=weight, at=later(1, 40))
            return
        perform(report, "verify", admin, weight=weight, agencies=[agency], at=later(1, 40))
        if final == Report.State.TERDISPOSISI:
            return
        disposition = report.dispositions.get()
        late = rng.random() < 0.25  # a quarter of agencies answer after the 1x24 hours
        perform(report, "accept", staff_user, disposition=disposition, at=later(*(26, 90) if late else (0.5, 20)))
        perform(
            report,
            "progress",
            staff_user,
            disposition=disposition,
            stage="cek_lapangan",
            note="Petugas sudah melakukan pengecekan ke lokasi.",
            at=later(4, 72),
        )
        if final == Report.State.DIPROSES:
            return
        perform(
            report,
            "resolve",
            staff_user,
            disposition=disposition,
            note="Sudah ditindaklanjuti dan diselesaikan oleh petugas. Terima kasih atas laporannya.",
            at=later(12, 24 * 8),
        )
        if final == Report.State.SELESAI:
            return
        if rng.random() < 0.6:
            perform(
                report,
                "confirm",
                reporter,
                rating=rng.choice([3, 4, 4, 5, 5, 5]),
                comment=rng.choice(["", "Terima kasih, cepat ditangani.", "Sudah beres."]),
                at=later(2, 72),
            )
        else:
            perform(report, "auto_close", Actor(system=True), at=later(24 * 14, 24 * 15))


_liaisons = {}


def _liaison(agency):
    if agency.pk not in _liaisons:
        _liaisons[agency.pk] = User.objects.get(username=f"penghubung.{agency.slug}")
    return _liaisons[agency.pk]
