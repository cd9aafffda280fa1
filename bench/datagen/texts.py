"""Generated texts: a report's title, description and address, and the notes of its timeline, from templates and
a vocabulary per theme (our own words; nothing is taken from real complaints). A topic's theme is found from
words in its name, so topics read from a data file at run time get fitting texts too."""

import random

THEMES = {
    "jalan": (
        ("jalan", "aspal", "paving", "trotoar", "jembatan", "bina marga"),
        ["jalan berlubang", "aspal mengelupas", "paving ambles", "trotoar rusak", "jalan bergelombang"],
        [
            "sudah banyak pengendara motor yang jatuh",
            "lubangnya makin lebar setelah hujan",
            "membahayakan anak sekolah",
        ],
    ),
    "saluran": (
        ("saluran", "banjir", "drainase", "genangan", "got", "sungai", "box culvert"),
        ["saluran air tersumbat", "genangan air setiap hujan", "got meluap", "banjir di permukiman"],
        ["air masuk ke rumah warga", "bau tidak sedap dan banyak nyamuk", "genangan bertahan sampai dua hari"],
    ),
    "sampah": (
        ("sampah", "limbah", "kebersihan", "tps", "asap", "bau"),
        ["sampah menumpuk", "sampah tidak diangkut", "pembakaran sampah", "limbah dibuang ke saluran"],
        ["baunya sampai ke rumah warga", "sudah seminggu tidak diangkut", "mengganggu kesehatan warga"],
    ),
    "pohon": (
        ("pohon", "taman", "pemangkasan", "perantingan", "rth", "ranting"),
        ["pohon hampir tumbang", "ranting pohon menjuntai ke kabel", "taman tidak terawat", "pohon perlu dipangkas"],
        ["khawatir tumbang saat angin kencang", "menutupi lampu jalan", "dahan sudah retak"],
    ),
    "penerangan": (
        ("pju", "lampu", "penerangan"),
        ["lampu penerangan jalan mati", "lampu jalan berkedip", "tiang lampu miring"],
        ["jalan gelap gulita di malam hari", "rawan kejahatan saat malam", "sudah dua minggu mati"],
    ),
    "lalu_lintas": (
        ("parkir", "lalu lintas", "angkutan", "bus", "terminal", "perhubungan", "rambu", "traffic"),
        ["parkir liar di bahu jalan", "lampu lalu lintas mati", "rambu lalu lintas hilang", "kemacetan setiap pagi"],
        ["arus kendaraan tersendat", "juru parkir menarik tarif berlebihan", "rawan kecelakaan di persimpangan"],
    ),
    "sosial": (
        ("mbr", "bansos", "sosial", "bantuan", "pkh", "miskin", "permakanan", "lansia"),
        ["bantuan sosial belum diterima", "tidak terdaftar sebagai warga miskin", "data penerima bantuan tidak sesuai"],
        ["keluarga kami benar-benar membutuhkan", "tetangga yang mampu justru menerima", "sudah mengurus ke kelurahan"],
    ),
    "adminduk": (
        ("ktp", "kartu keluarga", "akta", "kependudukan", "adminduk", "kia", "pindah", "nik"),
        [
            "KTP elektronik belum jadi",
            "kartu keluarga belum diperbarui",
            "akta kelahiran belum terbit",
            "NIK tidak aktif",
        ],
        ["sudah mengajukan sejak bulan lalu", "dibutuhkan untuk mendaftar sekolah", "status di aplikasi tidak berubah"],
    ),
    "pendidikan": (
        ("sekolah", "ppdb", "pendidikan", "guru", "beasiswa", "siswa", "seragam"),
        ["pendaftaran sekolah bermasalah", "pungutan di sekolah", "beasiswa belum cair", "bangunan sekolah rusak"],
        ["anak kami terancam tidak bisa sekolah", "tidak ada penjelasan dari pihak sekolah", "orang tua keberatan"],
    ),
    "kesehatan": (
        ("kesehatan", "puskesmas", "rumah sakit", "bpjs", "rsud", "vaksin", "dbd", "obat", "posyandu"),
        ["pelayanan puskesmas lambat", "BPJS kesehatan tidak aktif", "antrean rumah sakit terlalu lama", "fogging DBD"],
        ["pasien menunggu berjam-jam", "ada warga yang terkena demam berdarah", "petugas kurang ramah"],
    ),
    "air": (
        ("pdam", "air bersih", "air minum", "air"),
        ["air PDAM tidak mengalir", "air keruh", "pipa bocor", "tagihan air melonjak"],
        ["sudah tiga hari tidak ada air", "air berwarna kecokelatan", "air terbuang percuma di jalan"],
    ),
    "ketertiban": (
        ("satpol", "ketertiban", "bangunan", "reklame", "bising", "pkl", "pedagang", "miras", "preman"),
        ["pedagang kaki lima menutup trotoar", "bangunan tanpa izin", "kebisingan di malam hari", "reklame liar"],
        ["pejalan kaki terpaksa turun ke jalan", "warga terganggu setiap malam", "sudah ditegur tetapi tetap"],
    ),
    "perizinan": (
        ("izin", "pbg", "imb", "pajak", "pbb", "retribusi", "perizinan", "usaha"),
        ["pengurusan izin lambat", "tagihan PBB tidak sesuai", "retribusi ditarik dua kali", "izin usaha belum terbit"],
        ["berkas sudah lengkap sejak lama", "tidak ada kabar dari petugas", "mohon dijelaskan dasar tagihannya"],
    ),
    "tanah": (
        ("sertifikat", "tanah", "pertanahan", "bpn"),
        ["sertifikat tanah belum terbit", "pengukuran tanah tertunda", "sengketa batas tanah"],
        ["berkas masuk sejak tahun lalu", "petugas ukur belum datang", "kami sudah membayar biayanya"],
    ),
    "listrik": (
        ("listrik", "pln", "token"),
        ["listrik sering padam", "tiang listrik miring", "kabel listrik menjuntai", "token listrik bermasalah"],
        ["peralatan rumah tangga rusak", "membahayakan anak-anak", "pemadaman tanpa pemberitahuan"],
    ),
}
GENERIC = (
    (),
    ["pelayanan kurang memuaskan", "permohonan belum ditanggapi", "masalah di lingkungan kami"],
    ["sudah lama tidak ada tindak lanjut", "warga berharap ada perhatian", "mohon segera diperiksa"],
)

OPENINGS = ["", "", "Selamat pagi. ", "Selamat siang. ", "Mohon bantuan. ", "Assalamualaikum. ", "Permisi, "]
REQUESTS = [
    "Mohon segera ditindaklanjuti.",
    "Mohon bantuan dinas terkait.",
    "Kami mohon segera diperbaiki.",
    "Terima kasih atas perhatiannya.",
    "Mohon segera dicek ke lokasi.",
]
DURATIONS = ["sejak kemarin", "sejak seminggu lalu", "sudah dua minggu", "sejak awal bulan", "sudah berbulan-bulan"]
STREET_NAMES = [
    "Kenanga", "Melati", "Mawar", "Anggrek", "Flamboyan", "Cempaka", "Dahlia", "Teratai", "Sedap Malam", "Kamboja",
    "Diponegoro", "Sudirman", "Ahmad Yani", "Pahlawan", "Merdeka", "Gajah Mada", "Hayam Wuruk", "Pemuda",
    "Mangga", "Rambutan", "Jambu", "Nangka", "Sawo", "Durian", "Manggis", "Kelapa", "Bambu", "Jati", "Cemara",
]  # fmt: skip
FIRST_NAMES = [
    "Budi", "Siti", "Agus", "Dewi", "Rina", "Joko", "Sri", "Eko", "Wahyu", "Nur", "Ahmad", "Dian", "Fajar", "Lestari",
    "Rudi", "Yuni", "Hendra", "Ratna", "Bambang", "Indah", "Slamet", "Wulan", "Teguh", "Ayu", "Imam", "Fitri",
]  # fmt: skip
LAST_NAMES = [
    "Santoso", "Wijaya", "Rahayu", "Setiawan", "Hidayat", "Kurniawan", "Lestari", "Prasetyo", "Susanti", "Saputra",
    "Hasanah", "Nugroho", "Purnomo", "Wibowo", "Maulana", "Handayani", "Firmansyah", "Utami", "", "",
]  # fmt: skip

ACCEPT_NOTES = [
    "Laporan diterima. Petugas akan melakukan pengecekan ke lokasi.",
    "Terima kasih, laporan sudah kami terima dan diteruskan ke bidang terkait.",
    "Laporan diterima dan dijadwalkan untuk ditindaklanjuti.",
]
PROGRESS_NOTES = {
    "cek_lapangan": ["Petugas sudah melakukan survei ke lokasi.", "Tim sudah mengecek lokasi dan mendokumentasikan."],
    "pengerjaan": ["Perbaikan sedang dikerjakan oleh tim lapangan.", "Penanganan dijadwalkan minggu ini."],
    "verifikasi": ["Data pelapor sedang diverifikasi.", "Kami sedang mencocokkan data dengan sistem."],
}
RESOLVE_NOTES = [
    "Penanganan sudah selesai dilaksanakan. Terima kasih atas laporannya.",
    "Sudah ditindaklanjuti dan selesai. Silakan konfirmasi bila masih ada kendala.",
    "Permasalahan telah diselesaikan oleh petugas di lapangan.",
]
FORWARD_NOTES = ["Bukan kewenangan kami, diteruskan ke instansi terkait.", "Lokasi di luar wilayah tugas kami."]
PEND_NOTES = ["Mohon lengkapi alamat lengkap dan foto lokasi.", "Mohon sebutkan nomor rumah atau patokan terdekat."]
ADD_INFO_NOTES = ["Lokasinya di depan masjid, dekat pos RW.", "Foto sudah saya kirim, alamat di gang sebelah toko."]
REOPEN_NOTES = ["Masalahnya belum selesai, kondisi masih sama.", "Baru diperbaiki sebagian saja."]
RATING_COMMENTS = ["", "", "Terima kasih, cepat ditangani.", "Cukup baik.", "Penanganan lambat."]


def theme_of(topic: str) -> str:
    lowered = topic.lower()
    for name, (keywords, _subjects, _details) in THEMES.items():
        if any(word in lowered for word in keywords):
            return name
    return ""


class Writer:
    """Texts of reports. One instance per run; every choice comes from the run's random stream."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def address(self, place: str) -> str:
        rng = self.rng
        street = f"Jl. {rng.choice(STREET_NAMES)}"
        if rng.random() < 0.4:
            street += f" Gg. {rng.randint(1, 12)}"
        number = f" No. {rng.randint(1, 150)}" if rng.random() < 0.6 else ""
        rt = f" RT {rng.randint(1, 12):02d}/RW {rng.randint(1, 9):02d}" if rng.random() < 0.5 else ""
        return f"{street}{number}{rt}, {place}" if place else f"{street}{number}{rt}"

    def report(self, theme: str, place: str, street: str) -> tuple[str, str]:
        """(title, description) of a report about ``theme`` at ``place`` (a kelurahan or kecamatan name)."""
        rng = self.rng
        _keywords, subjects, details = THEMES.get(theme, GENERIC)
        subject = rng.choice(subjects)
        where = f"di {street}" if rng.random() < 0.7 else f"di wilayah {place}" if place else "di lingkungan kami"
        title = f"{subject[0].upper()}{subject[1:]} {where}"[:200]
        parts = [
            f"{rng.choice(OPENINGS)}Saya ingin melaporkan {subject} {where} {rng.choice(DURATIONS)}.",
            f"Kondisinya {rng.choice(details)}.",
        ]
        if rng.random() < 0.5:
            parts.append(f"Selain itu {rng.choice(details)}.")
        if rng.random() < 0.3 and place:
            parts.append(f"Lokasi tepatnya masuk wilayah {place}.")
        parts.append(rng.choice(REQUESTS))
        return title, " ".join(parts)

    def person(self) -> str:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        return f"{first} {last}".strip()

    def pick(self, options: list[str]) -> str:
        return self.rng.choice(options)
