"""The column format of ``layan.reports.importer``: the columns an old system's export may have (Indonesian names,
English aliases accepted), the template offered for download, and the words accepted for status, type, privacy,
channel and archive reason (Layan's own values, the LAPOR! public labels, and common English ones).
"""

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from .models import Report

S = Report.State


# --- the column format ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    help: str
    example: str = ""
    example_open: str = ""
    required: bool = False


COLUMNS = [
    Column(
        "nomor_lama",
        ("old_id", "external_id", "id", "nomor", "no"),
        gettext_lazy("Nomor laporan di sistem lama. Wajib dan unik dalam berkas: dasar agar impor ulang tidak ganda."),
        "LPR-2019-0001",
        "LPR-2024-0815",
        required=True,
    ),
    Column(
        "tanggal_lapor",
        ("reported_at", "created_at", "date", "tanggal"),
        gettext_lazy(
            "Waktu laporan masuk: 2019-03-05, 2019-03-05 14:30, 05/03/2019 14.30 atau dengan zona +07:00. Tanpa "
            "zona: waktu setempat wilayah laporan (WIB/WITA/WIT)."
        ),
        "2019-03-05 08:15",
        "2024-11-20 10:00",
        required=True,
    ),
    Column(
        "judul",
        ("title", "subject"),
        gettext_lazy("Judul (opsional; bila kosong diambil dari awal isi)."),
        "Jalan berlubang di Jl. Tegalsari",
    ),
    Column(
        "isi",
        ("description", "content", "body", "isi_laporan", "text"),
        gettext_lazy("Isi laporan. Wajib."),
        "Jalan berlubang cukup dalam, sudah ada pengendara yang jatuh.",
        "Lampu PJU mati sudah seminggu.",
        required=True,
    ),
    Column(
        "jenis",
        ("type", "jenis_laporan"),
        gettext_lazy("pengaduan, aspirasi atau informasi (kosong = pengaduan)."),
        "pengaduan",
        "pengaduan",
    ),
    Column(
        "kategori", ("category",), gettext_lazy("Kode singkat atau nama kategori di Layan."), "jalan-saluran", "pju"
    ),
    Column(
        "kode_wilayah",
        ("region_code", "region", "wilayah", "kode_wilayah_kemendagri"),
        gettext_lazy("Kode wilayah Kemendagri tempat kejadian, mis. 35.78.05.1001."),
        "35.78.05.1001",
        "35.78.05",
    ),
    Column("alamat", ("address", "lokasi", "location"), gettext_lazy("Alamat atau lokasi kejadian."), "Jl. Tegalsari"),
    Column("lintang", ("latitude", "lat"), gettext_lazy("Lintang, mis. -7.2650 (bersama bujur)."), "-7.2650"),
    Column(
        "bujur",
        ("longitude", "lon", "lng", "long"),
        gettext_lazy("Bujur, mis. 112.7350 (bersama lintang)."),
        "112.7350",
    ),
    Column(
        "kanal_asal",
        ("channel", "kanal", "source_channel"),
        gettext_lazy(
            "Kanal asal: web, whatsapp, sms, telegram, email, telepon, loket, api, open311; teks lain dicatat dan "
            "kanalnya menjadi “Impor data lama”."
        ),
        "sms",
        "Twitter",
    ),
    Column(
        "kerahasiaan",
        ("privacy", "confidentiality"),
        gettext_lazy("publik, rahasia atau anonim (kosong = publik)."),
        "publik",
        "anonim",
    ),
    Column("nama_pelapor", ("reporter_name", "nama"), gettext_lazy("Nama pelapor."), "Siti Aminah"),
    Column(
        "telepon_pelapor",
        ("reporter_phone", "telepon", "phone", "hp"),
        gettext_lazy("Nomor telepon pelapor, mis. 081234567890."),
        "081234567890",
    ),
    Column(
        "email_pelapor",
        ("reporter_email", "surel_pelapor", "email", "surel"),
        gettext_lazy("Alamat surel pelapor. Tidak ada surel yang dikirim saat impor."),
    ),
    Column(
        "instansi",
        ("agency", "agencies", "instansi_tujuan", "disposisi"),
        gettext_lazy(
            "Instansi tujuan disposisi: kode singkat atau nama lengkap; beberapa dipisah titik koma (;). Wajib "
            "untuk status terdisposisi, diproses, selesai dan ditutup."
        ),
        "dsdabm-sby",
        "dsdabm-sby",
    ),
    Column(
        "status",
        ("state", "status_laporan"),
        gettext_lazy(
            "Status: nama status Layan (baru, tertunda, terverifikasi, terdisposisi, diproses, selesai, ditutup, "
            "arsip) atau label LAPOR! (“Belum Terverifikasi”, “Terdisposisi Sedang Diproses”, “Terdisposisi "
            "Selesai”, “Selesai dan Ditutup”, “Arsip”, ...). Wajib."
        ),
        "Selesai dan Ditutup",
        "Terdisposisi Sedang Diproses",
        required=True,
    ),
    Column(
        "tanggal_disposisi",
        ("dispatched_at", "tanggal_verifikasi", "verified_at"),
        gettext_lazy("Waktu diverifikasi dan didisposisikan (kosong = waktu laporan masuk)."),
        "2019-03-05 13:00",
        "2024-11-20 14:00",
    ),
    Column(
        "tanggal_tanggapan",
        ("responded_at", "response_date", "tanggal_respon"),
        gettext_lazy("Waktu tanggapan pertama instansi."),
        "2019-03-06 09:00",
        "2024-11-21 09:00",
    ),
    Column(
        "tanggapan",
        ("response", "answer", "jawaban", "tindak_lanjut"),
        gettext_lazy("Jawaban atau tindak lanjut instansi; tampil di riwayat publik laporan."),
        "Lubang sudah ditambal oleh tim UPTD.",
        "Petugas sudah mengecek lokasi.",
    ),
    Column(
        "tanggal_selesai",
        ("resolved_at", "finished_at", "tanggal_penyelesaian"),
        gettext_lazy("Waktu instansi menyelesaikan. Wajib untuk status selesai dan ditutup."),
        "2019-03-08",
    ),
    Column(
        "tanggal_ditutup",
        ("closed_at",),
        gettext_lazy("Waktu laporan ditutup atau diarsipkan (kosong = tanggal selesai, atau waktu laporan masuk)."),
        "2019-03-20",
    ),
    Column(
        "alasan_arsip",
        ("archive_reason",),
        gettext_lazy(
            "Untuk status arsip: format, umum, bukan_pelayanan, duplikat, sara, tidak_dijawab atau teks bebas."
        ),
    ),
]
COLUMN_NAMES = [c.name for c in COLUMNS]
REQUIRED = [c.name for c in COLUMNS if c.required]
ALIASES = {alias: c.name for c in COLUMNS for alias in (c.name, *c.aliases)}


def template_csv() -> str:
    """The template offered for download: the header and two example rows (one closed, one still open)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerow([c.example for c in COLUMNS])
    writer.writerow([c.example_open for c in COLUMNS])
    return out.getvalue()


def header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


# --- vocabularies -------------------------------------------------------------------------------------------------

STATUS_NAMES = {
    **{state.value: state.value for state in S},
    "belum terverifikasi": S.BARU,
    "terverifikasi": S.TERVERIFIKASI,
    "terdisposisi": S.TERDISPOSISI,
    "terdisposisi belum ditindaklanjuti": S.TERDISPOSISI,
    "terverifikasi / terdisposisi belum ditindaklanjuti": S.TERDISPOSISI,
    "terverifikasi/terdisposisi belum ditindaklanjuti": S.TERDISPOSISI,
    "terdisposisi sedang diproses": S.DIPROSES,
    "sedang diproses": S.DIPROSES,
    "terdisposisi selesai": S.SELESAI,
    "selesai dan ditutup": S.DITUTUP,
    "new": S.BARU,
    "pending": S.TERTUNDA,
    "verified": S.TERVERIFIKASI,
    "dispatched": S.TERDISPOSISI,
    "in progress": S.DIPROSES,
    "resolved": S.SELESAI,
    "closed": S.DITUTUP,
    "archived": S.ARSIP,
}
TYPE_NAMES = {
    **{t.value: t.value for t in Report.Type},
    "permintaan informasi": Report.Type.INFORMASI,
    "complaint": Report.Type.PENGADUAN,
    "suggestion": Report.Type.ASPIRASI,
    "information": Report.Type.INFORMASI,
    "information request": Report.Type.INFORMASI,
}
PRIVACY_NAMES = {
    **{p.value: p.value for p in Report.Privacy},
    "public": Report.Privacy.PUBLIC,
    "confidential": Report.Privacy.RAHASIA,
    "anonymous": Report.Privacy.ANONIM,
}
CHANNEL_NAMES = {
    **{c.value: c.value for c in Report.Channel},
    **{str(c.label).lower(): c.value for c in Report.Channel},
    "wa": Report.Channel.WHATSAPP,
    "website": Report.Channel.WEB,
    "situs web": Report.Channel.WEB,
    "e-mail": Report.Channel.EMAIL,
    "surel": Report.Channel.EMAIL,
    "telp": Report.Channel.TELEPON,
    "phone": Report.Channel.TELEPON,
    "call center": Report.Channel.TELEPON,
    "sms 1708": Report.Channel.SMS,
    "tatap muka": Report.Channel.LOKET,
}
ARCHIVE_NAMES = {
    **{r.value: r.value for r in Report.ArchiveReason},
    **{str(r.label).lower(): r.value for r in Report.ArchiveReason},
}
NEEDS_AGENCY = (S.TERDISPOSISI, S.DIPROSES, S.SELESAI, S.DITUTUP)
NEEDS_RESOLUTION = (S.SELESAI, S.DITUTUP)
