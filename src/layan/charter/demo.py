"""Demo service catalogue: a dozen real-looking service standards of the demo agencies and their maklumat.

Written after the published standards of East Java agencies (civil registration is free under UU 23/2006 as
amended by UU 24/2013, art. 79A; building approvals pay the regional retribusi). Signatories are invented people.
Idempotent: a service or maklumat that exists (by code, by agency) is left as it is, so edits made in the admin
survive another ``layan demo``.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from layan.core.models import Agency, Membership
from layan.reports.demo import seed_categories

from .models import Maklumat, Service

H = Service.TimeUnit

ADMINDUK_LAW = (
    "Undang-Undang Nomor 23 Tahun 2006 tentang Administrasi Kependudukan sebagaimana telah diubah dengan "
    "Undang-Undang Nomor 24 Tahun 2013\n"
    "Peraturan Presiden Nomor 96 Tahun 2018 tentang Persyaratan dan Tata Cara Pendaftaran Penduduk dan "
    "Pencatatan Sipil\n"
    "Permendagri Nomor 108 Tahun 2019 tentang Peraturan Pelaksanaan Perpres Nomor 96 Tahun 2018"
)
ADMINDUK_COMPLAINTS = (
    "Pengaduan, saran dan masukan disampaikan melalui Layan (menu Lapor), kotak saran di ruang pelayanan, "
    "atau langsung ke petugas pengaduan di loket informasi. Pengaduan dijawab paling lambat 1x24 jam."
)
SBY_MANAGEMENT = dict(
    facilities="Ruang tunggu ber-AC, nomor antrean, loket prioritas bagi lansia, ibu hamil dan penyandang "
    "disabilitas, toilet, ruang laktasi, komputer swalayan untuk layanan daring.",
    staff_competence="Pelaksana berpendidikan minimal SMA/sederajat, memahami peraturan administrasi "
    "kependudukan, dan mampu mengoperasikan SIAK Terpusat.",
    internal_supervision="Supervisi harian oleh kepala bidang dan pengawasan oleh Inspektorat Kota Surabaya.",
    staff_count="12 orang petugas loket dan 6 orang petugas verifikasi.",
    service_guarantee="Pelayanan diberikan sesuai standar pelayanan ini; dokumen yang terlambat terbit tanpa "
    "kesalahan pemohon diprioritaskan pada hari berikutnya.",
    safety_guarantee="Data pribadi pemohon dijaga kerahasiaannya sesuai UU 27/2022; dokumen dicetak pada blanko "
    "resmi dengan pengaman; tanda tangan elektronik tersertifikasi BSrE.",
    performance_evaluation="Evaluasi kinerja pelaksana setiap tiga bulan dan Survei Kepuasan Masyarakat setiap "
    "semester.",
)


@dataclass
class DemoService:
    agency: str
    code: str
    name: str
    description: str
    requirements: str
    procedure: str
    time_value: int
    time_unit: str
    product: str
    legal_basis: str
    cost_amount: int = 0
    cost_is_variable: bool = False
    cost_note: str = ""
    complaint_handling: str = ADMINDUK_COMPLAINTS
    categories: list[str] = field(default_factory=list)
    management: dict[str, str] = field(default_factory=dict)
    published: bool = True


SERVICES = [
    DemoService(
        "dispendukcapil-sby",
        "akta-kelahiran-surabaya",
        "Penerbitan Akta Kelahiran",
        "Pencatatan kelahiran warga Kota Surabaya dan penerbitan kutipan akta kelahiran.",
        "Surat keterangan kelahiran dari rumah sakit, puskesmas, bidan, atau kelurahan\n"
        "Kartu Keluarga (KK) asli yang memuat nama orang tua\n"
        "Buku nikah/akta perkawinan orang tua, atau Surat Pernyataan Tanggung Jawab Mutlak (SPTJM) "
        "kebenaran sebagai pasangan suami istri\n"
        "KTP-el kedua orang tua\n"
        "Nama dan NIK dua orang saksi",
        "Pemohon mengisi formulir F-2.01 secara daring di klampid.surabaya.go.id atau di kelurahan\n"
        "Pemohon mengunggah atau menyerahkan berkas persyaratan\n"
        "Petugas kelurahan memverifikasi berkas dan meneruskannya ke Dispendukcapil\n"
        "Pejabat pencatatan sipil menandatangani akta secara elektronik\n"
        "Pemohon mencetak akta sendiri (kertas HVS A4 80 gram) atau mengambilnya di kelurahan",
        1,
        H.WORKING_DAYS,
        "Kutipan akta kelahiran dan Kartu Keluarga yang diperbarui",
        ADMINDUK_LAW,
        cost_note="Tidak dipungut biaya (Pasal 79A UU 24/2013).",
        categories=["adminduk"],
        management=SBY_MANAGEMENT,
    ),
    DemoService(
        "dispendukcapil-sby",
        "ktp-el-surabaya",
        "Perekaman dan Pencetakan KTP-el",
        "Perekaman data biometrik dan pencetakan Kartu Tanda Penduduk elektronik bagi warga berusia 17 tahun "
        "atau sudah/pernah kawin, serta penggantian KTP-el yang rusak atau hilang.",
        "Kartu Keluarga (KK) asli\n"
        "Telah berusia 17 tahun atau sudah/pernah kawin\n"
        "Untuk penggantian karena hilang: surat keterangan kehilangan dari kepolisian\n"
        "Untuk penggantian karena rusak: KTP-el yang rusak",
        "Pemohon mengambil nomor antrean daring atau di kantor kecamatan\n"
        "Petugas memverifikasi KK dan data pada SIAK\n"
        "Perekaman foto, sidik jari, iris mata, dan tanda tangan\n"
        "Pencetakan KTP-el bila blanko tersedia\n"
        "Pemohon menerima KTP-el dan menandatangani tanda terima",
        1,
        H.WORKING_DAYS,
        "Kartu Tanda Penduduk elektronik (KTP-el)",
        ADMINDUK_LAW,
        cost_note="Tidak dipungut biaya.",
        categories=["adminduk"],
        management=SBY_MANAGEMENT,
    ),
    DemoService(
        "dispendukcapil-sby",
        "kartu-keluarga-surabaya",
        "Penerbitan Kartu Keluarga (Perubahan Data)",
        "Penerbitan Kartu Keluarga baru karena penambahan atau pengurangan anggota keluarga, pisah KK, atau "
        "perubahan elemen data.",
        "Kartu Keluarga lama\n"
        "Dokumen pendukung perubahan (akta kelahiran, buku nikah, akta kematian, ijazah, atau surat keterangan "
        "pindah)\n"
        "Formulir F-1.02 yang telah diisi",
        "Pemohon mengajukan permohonan secara daring atau di kelurahan\n"
        "Petugas memverifikasi dan memvalidasi data\n"
        "Kepala Dinas menandatangani KK secara elektronik\n"
        "Pemohon mencetak KK sendiri atau mengambilnya di kelurahan",
        1,
        H.WORKING_DAYS,
        "Kartu Keluarga dengan tanda tangan elektronik",
        ADMINDUK_LAW,
        cost_note="Tidak dipungut biaya.",
        categories=["adminduk"],
        management=SBY_MANAGEMENT,
    ),
    DemoService(
        "dispendukcapil-sby",
        "akta-kematian-surabaya",
        "Penerbitan Akta Kematian",
        "Pencatatan kematian warga Kota Surabaya, pembaruan Kartu Keluarga ahli waris, dan penerbitan akta kematian.",
        "Surat keterangan kematian dari rumah sakit, puskesmas, atau kelurahan\n"
        "Kartu Keluarga almarhum/almarhumah\n"
        "KTP-el almarhum/almarhumah\n"
        "KTP-el pelapor",
        "Pelapor mengisi formulir pelaporan kematian secara daring atau di kelurahan\n"
        "Petugas memverifikasi berkas\n"
        "Pejabat pencatatan sipil menandatangani akta secara elektronik\n"
        "Pelapor menerima akta kematian dan KK yang diperbarui",
        1,
        H.WORKING_DAYS,
        "Kutipan akta kematian dan Kartu Keluarga yang diperbarui",
        ADMINDUK_LAW,
        cost_note="Tidak dipungut biaya.",
        categories=["adminduk"],
        management=SBY_MANAGEMENT,
    ),
    DemoService(
        "dispendukcapil-sby",
        "kartu-identitas-anak-surabaya",
        "Penerbitan Kartu Identitas Anak (KIA)",
        "Kartu identitas bagi anak berusia di bawah 17 tahun.",
        "Kutipan akta kelahiran anak\nKartu Keluarga orang tua\nKTP-el orang tua\nPasfoto anak usia 5 tahun ke atas",
        "Orang tua mengajukan permohonan di kelurahan\nPetugas memverifikasi berkas\nKIA dicetak dan diserahkan",
        3,
        H.WORKING_DAYS,
        "Kartu Identitas Anak",
        ADMINDUK_LAW + "\nPermendagri Nomor 2 Tahun 2016 tentang Kartu Identitas Anak",
        categories=["adminduk"],
        management=SBY_MANAGEMENT,
        published=False,  # a draft still being consulted on: shows the admin's publication switch
    ),
    DemoService(
        "dinsos-sby",
        "pendaftaran-dtks-surabaya",
        "Pendaftaran dan Pemutakhiran DTKS",
        "Usulan warga miskin dan rentan masuk ke Data Terpadu Kesejahteraan Sosial (DTKS), dasar penerima "
        "bantuan sosial seperti PKH, BPNT/Sembako, dan PBI-JK.",
        "KTP-el dan Kartu Keluarga pemohon\n"
        "Berdomisili di Kota Surabaya sesuai KK\n"
        "Surat pengantar RT/RW dan kelurahan",
        "Pemohon mendaftar di kelurahan atau Puskesos\n"
        "Kelurahan menggelar musyawarah kelurahan untuk usulan\n"
        "Petugas melakukan kunjungan rumah dan verifikasi lapangan\n"
        "Dinas Sosial memvalidasi dan mengusulkan ke Kementerian Sosial melalui SIKS-NG\n"
        "Hasil penetapan diumumkan di kelurahan dan dapat dicek di cekbansos.kemensos.go.id",
        30,
        H.WORKING_DAYS,
        "Status kepesertaan DTKS (terdaftar/tidak terdaftar) dan surat keterangan terdaftar DTKS",
        "Undang-Undang Nomor 13 Tahun 2011 tentang Penanganan Fakir Miskin\n"
        "Permensos Nomor 3 Tahun 2021 tentang Pengelolaan Data Terpadu Kesejahteraan Sosial",
        cost_note="Tidak dipungut biaya.",
        complaint_handling="Pengaduan melalui Layan, Puskesos di kelurahan, atau layanan SLRT Dinas Sosial.",
        categories=["bansos"],
    ),
    DemoService(
        "dinsos-sby",
        "rekomendasi-pbi-jk-surabaya",
        "Rekomendasi Penerima Bantuan Iuran Jaminan Kesehatan (PBI-JK)",
        "Rekomendasi agar warga miskin yang belum memiliki jaminan kesehatan didaftarkan sebagai peserta JKN "
        "yang iurannya dibayar pemerintah.",
        "KTP-el dan Kartu Keluarga\nTerdaftar dalam DTKS\nSurat keterangan dari rumah sakit bila sedang dirawat",
        "Pemohon atau keluarga datang ke Dinas Sosial atau Puskesos\n"
        "Petugas memeriksa status DTKS\n"
        "Dinas Sosial menerbitkan rekomendasi\n"
        "Rekomendasi diteruskan ke BPJS Kesehatan untuk aktivasi kepesertaan",
        1,
        H.WORKING_DAYS,
        "Surat rekomendasi PBI-JK",
        "Peraturan Pemerintah Nomor 101 Tahun 2012 tentang Penerima Bantuan Iuran Jaminan Kesehatan",
        cost_note="Tidak dipungut biaya.",
        complaint_handling="Pengaduan melalui Layan atau layanan SLRT Dinas Sosial.",
        categories=["bansos", "kesehatan"],
    ),
    DemoService(
        "desa-bektiharjo",
        "sktm-bektiharjo",
        "Surat Keterangan Tidak Mampu (SKTM)",
        "Surat keterangan bagi warga kurang mampu, untuk keringanan biaya sekolah, berobat, atau syarat bantuan.",
        "Surat pengantar RT/RW\nKTP-el dan Kartu Keluarga\nKeterangan keperluan SKTM",
        "Pemohon datang ke kantor desa membawa persyaratan\n"
        "Perangkat desa memeriksa berkas dan data warga\n"
        "Kepala desa menandatangani SKTM\n"
        "SKTM diserahkan kepada pemohon",
        60,
        H.MINUTES,
        "Surat Keterangan Tidak Mampu",
        "Undang-Undang Nomor 6 Tahun 2014 tentang Desa\nPeraturan Desa Bektiharjo tentang Standar Pelayanan",
        cost_note="Tidak dipungut biaya.",
        complaint_handling="Pengaduan melalui Layan, kotak saran di balai desa, atau langsung kepada Kepala Desa.",
        categories=["kelurahan", "bansos"],
    ),
    DemoService(
        "pupr-tuban",
        "pbg-tuban",
        "Persetujuan Bangunan Gedung (PBG)",
        "Persetujuan untuk membangun baru, mengubah, memperluas, atau merawat bangunan gedung sesuai standar "
        "teknis, diajukan melalui SIMBG.",
        "Data pemohon (KTP-el atau akta badan usaha)\n"
        "Bukti kepemilikan atau penguasaan tanah\n"
        "Kesesuaian Kegiatan Pemanfaatan Ruang (KKPR)\n"
        "Gambar rencana arsitektur, struktur, dan utilitas\n"
        "Perhitungan struktur untuk bangunan lebih dari dua lantai",
        "Pemohon mendaftar dan mengunggah dokumen di simbg.pu.go.id\n"
        "Dinas memeriksa kelengkapan dokumen\n"
        "Tim Profesi Ahli (TPA) atau Tim Penilai Teknis (TPT) melakukan konsultasi dan penilaian teknis\n"
        "Dinas menerbitkan Surat Pernyataan Pemenuhan Standar Teknis dan menghitung retribusi\n"
        "Pemohon membayar retribusi PBG\n"
        "PBG diterbitkan melalui SIMBG",
        28,
        H.WORKING_DAYS,
        "Dokumen Persetujuan Bangunan Gedung (PBG) dan lampirannya",
        "Peraturan Pemerintah Nomor 16 Tahun 2021 tentang Bangunan Gedung\n"
        "Peraturan Daerah Kabupaten Tuban tentang Pajak Daerah dan Retribusi Daerah",
        cost_is_variable=True,
        cost_note="Retribusi PBG dihitung dari luas bangunan, indeks lokalitas, indeks terintegrasi, dan harga "
        "satuan bangunan gedung sesuai Perda; bangunan rumah tinggal MBR mendapat keringanan.",
        complaint_handling="Pengaduan melalui Layan, SIMBG, atau meja informasi Dinas PUPR.",
        management=dict(
            facilities="Ruang konsultasi, komputer pendaftaran SIMBG, ruang tunggu.",
            staff_competence="Tim Profesi Ahli bersertifikat dan petugas teknis berlatar teknik sipil/arsitektur.",
            staff_count="4 petugas administrasi dan 6 anggota tim penilai teknis.",
        ),
    ),
    DemoService(
        "dinkes-tuban",
        "surat-keterangan-sehat-tuban",
        "Surat Keterangan Sehat di Puskesmas",
        "Pemeriksaan kesehatan umum dan surat keterangan sehat untuk melamar kerja, sekolah, atau keperluan "
        "administrasi lain.",
        "KTP-el atau kartu identitas lain\nPasfoto 3x4 (bila diminta instansi tujuan)",
        "Pemohon mendaftar di loket puskesmas\n"
        "Pemeriksaan tanda vital, tinggi dan berat badan, serta pemeriksaan fisik oleh dokter\n"
        "Pemohon membayar retribusi di kasir\n"
        "Dokter menandatangani surat keterangan sehat",
        60,
        H.MINUTES,
        "Surat keterangan sehat",
        "Peraturan Daerah Kabupaten Tuban tentang Pajak Daerah dan Retribusi Daerah",
        cost_amount=15000,
        cost_note="Retribusi pelayanan kesehatan sesuai Perda; pemeriksaan tambahan (laboratorium, buta warna) "
        "dikenai tarif tersendiri.",
        complaint_handling="Pengaduan melalui Layan, kotak saran, atau nomor pengaduan puskesmas.",
        categories=["kesehatan"],
    ),
    DemoService(
        "rsud-koesma",
        "rawat-jalan-jkn-rsud-koesma",
        "Pelayanan Rawat Jalan Pasien JKN",
        "Pemeriksaan dokter spesialis di poliklinik bagi peserta JKN-KIS dengan rujukan.",
        "Kartu JKN-KIS atau NIK yang aktif\nSurat rujukan dari puskesmas/FKTP yang masih berlaku\nKTP-el",
        "Pasien mengambil antrean melalui aplikasi Mobile JKN atau anjungan mandiri\n"
        "Verifikasi kepesertaan dan penerbitan SEP di loket pendaftaran\n"
        "Pemeriksaan di poliklinik tujuan\n"
        "Pengambilan obat di instalasi farmasi",
        3,
        H.HOURS,
        "Pelayanan pemeriksaan, resep, dan obat sesuai indikasi medis",
        "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan\n"
        "Peraturan Presiden Nomor 82 Tahun 2018 tentang Jaminan Kesehatan",
        cost_note="Tidak dipungut biaya bagi peserta JKN aktif sesuai indikasi medis.",
        complaint_handling="Pengaduan melalui Layan, unit pengaduan RSUD, atau BPJS Kesehatan Care Center 165.",
        categories=["kesehatan"],
    ),
    DemoService(
        "samsat-sby-utara",
        "pengesahan-stnk-tahunan-sby-utara",
        "Pembayaran PKB dan Pengesahan STNK Tahunan",
        "Pembayaran Pajak Kendaraan Bermotor, SWDKLLJ, dan pengesahan STNK setiap tahun.",
        "STNK asli\nKTP-el asli sesuai nama di STNK\nBPKB (bila diminta untuk kendaraan dengan data berbeda)",
        "Pemohon mengambil nomor antrean\n"
        "Petugas memeriksa berkas dan menetapkan PKB\n"
        "Pemohon membayar di kasir\n"
        "Pengesahan STNK dan penyerahan notice pajak",
        60,
        H.MINUTES,
        "STNK yang disahkan dan notice PKB",
        "Undang-Undang Nomor 1 Tahun 2022 tentang Hubungan Keuangan antara Pemerintah Pusat dan Daerah\n"
        "Peraturan Daerah Provinsi Jawa Timur tentang Pajak Daerah dan Retribusi Daerah",
        cost_is_variable=True,
        cost_note="Besar PKB dan SWDKLLJ sesuai jenis dan nilai jual kendaraan; tertera pada notice pajak.",
        complaint_handling="Pengaduan melalui Layan atau petugas informasi Samsat.",
        categories=["samsat"],
    ),
]


@dataclass
class DemoMaklumat:
    agency: str
    place: str
    signed_on: dt.date
    name: str
    position: str


MAKLUMAT = [
    DemoMaklumat(
        "dispendukcapil-sby",
        "Surabaya",
        dt.date(2025, 1, 6),
        "Dra. Endah Prasetyowati, M.Si.",
        "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Surabaya",
    ),
    DemoMaklumat("dinsos-sby", "Surabaya", dt.date(2025, 1, 6), "Hadi Santosa, S.Sos., M.M.", "Kepala Dinas Sosial"),
    DemoMaklumat("desa-bektiharjo", "Bektiharjo", dt.date(2025, 2, 3), "Sunarto", "Kepala Desa Bektiharjo"),
    DemoMaklumat(
        "pupr-tuban",
        "Tuban",
        dt.date(2025, 1, 13),
        "Ir. Bagus Wicaksono, M.T.",
        "Kepala Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Tuban",
    ),
    DemoMaklumat(
        "dinkes-tuban",
        "Tuban",
        dt.date(2025, 1, 13),
        "dr. Rini Astuti, M.Kes.",
        "Kepala Dinas Kesehatan, Pengendalian Penduduk dan Keluarga Berencana Kabupaten Tuban",
    ),
    DemoMaklumat(
        "rsud-koesma", "Tuban", dt.date(2025, 1, 20), "dr. Yudi Pranoto, Sp.PD.", "Direktur RSUD dr. R. Koesma"
    ),
    DemoMaklumat(
        "samsat-sby-utara",
        "Surabaya",
        dt.date(2025, 1, 2),
        "Drs. Agung Nugroho",
        "Kepala UPT Pendapatan Provinsi Jawa Timur Surabaya Utara",
    ),
]

# The staff who may edit these services in /admin/: the heads of the agencies (SERVICE_MANAGE). Django's admin
# only lets in users flagged "staf", so the demo flags them.
ADMIN_ROLES = (Membership.Role.PIMPINAN, Membership.Role.PLATFORM_ADMIN)


@transaction.atomic
def seed() -> str:
    """Create the demo services and maklumat that are missing; return a one-line summary."""
    categories = seed_categories()
    agencies = {a.slug: a for a in Agency.objects.filter(slug__in={s.agency for s in SERVICES})}
    new_services = 0
    for spec in SERVICES:
        if spec.agency not in agencies:
            continue
        service, created = Service.objects.get_or_create(code=spec.code, defaults=_service_fields(spec, agencies))
        if created:
            service.categories.set([categories[slug] for slug in spec.categories if slug in categories])
            new_services += 1
    new_maklumat = 0
    for spec in MAKLUMAT:
        if spec.agency in agencies:
            _maklumat, created = Maklumat.objects.get_or_create(
                agency=agencies[spec.agency],
                defaults=dict(
                    place=spec.place,
                    signed_on=spec.signed_on,
                    signatory_name=spec.name,
                    signatory_position=spec.position,
                ),
            )
            new_maklumat += created
    flagged = _let_heads_into_admin(agencies.values())
    return (
        f"{Service.objects.count()} services ({new_services} new), {Maklumat.objects.count()} maklumat "
        f"({new_maklumat} new), {flagged} heads given admin access"
    )


def _service_fields(spec: DemoService, agencies) -> dict:
    return dict(
        agency=agencies[spec.agency],
        name=spec.name,
        description=spec.description,
        requirements=spec.requirements,
        procedure=spec.procedure,
        time_value=spec.time_value,
        time_unit=spec.time_unit,
        cost_amount=spec.cost_amount,
        cost_is_variable=spec.cost_is_variable,
        cost_note=spec.cost_note,
        product=spec.product,
        complaint_handling=spec.complaint_handling,
        legal_basis=spec.legal_basis,
        is_published=spec.published,
        **spec.management,
    )


def _let_heads_into_admin(agencies) -> int:
    """Flag as "staf" the heads and platform admins of the agencies with services (and their parents)."""
    ids = {a.pk for a in agencies} | {a.parent_id for a in agencies if a.parent_id}
    heads = Membership.objects.filter(agency_id__in=ids, role__in=ADMIN_ROLES, is_active=True).values("user_id")
    return get_user_model().objects.filter(pk__in=heads, is_staff=False).update(is_staff=True)
