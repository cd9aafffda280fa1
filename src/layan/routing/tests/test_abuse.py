"""The abuse screen: insults, hate speech and spam are flagged (also when disguised), real complaints that use the
same words are not, and a flagged report is held at intake."""

import datetime as dt

import pytest
from django.utils import timezone

from layan.core.models import Region
from layan.reports.services import NewReport, ReporterInfo, public_reports, submit_report
from layan.routing import abuse
from layan.routing.models import Screening

F = Screening.Flag

FLAGGED = [
    ("Petugas lambat", "Dasar anjing, petugas kelurahan tidak becus mengurus KTP!", F.KASAR),
    ("KTP", "Petugasnya g0bl0k semua, sudah tiga bulan KTP belum jadi", F.KASAR),
    ("Pelayanan", "Kalian anjiiiing semua, pelayanan lambat sekali", F.KASAR),
    ("Jalan rusak", "Jalan rusak tidak diperbaiki, pejabat babi semua", F.KASAR),
    ("Air PDAM", "Jancuk, PDAM mati tiga hari tidak ada pemberitahuan", F.KASAR),
    ("Pelayanan", "Pelayanan kantor b*ngs*t, antre dari pagi", F.KASAR),
    ("Pelayanan", "Pegawainya t o l o l, berkas saya hilang", F.KASAR),
    ("Kecamatan", "Asu tenan, camat ora tau nang kantor", F.KASAR),
    ("Lurah", "Lurah matamu, jalan kampung rusak dibiarkan", F.KASAR),
    ("Berkas", "Petugasnya bego, berkas saya diminta tiga kali", F.KASAR),
    ("Pasar", "Usir cina dari pasar kami, mereka biadab", F.SARA),
    ("Masjid", "Ahmadiyah sesat harus dibubarkan dari kampung", F.SARA),
    ("Warga baru", "Dasar madura, parkir sembarangan di gang", F.SARA),
    ("Toko", "Toko milik aseng itu buang limbah ke sungai", F.SARA),
    (
        "Promo",
        "Slot gacor maxwin hari ini! Daftar sekarang bonus new member 100% di situs terpercaya https://gacor.example",
        F.SPAM,
    ),
    ("Dana cepat", "Pinjaman dana tanpa jaminan, bunga rendah, langsung cair. Hubungi WA 081234567890", F.SPAM),
    ("Diskon", "Promo diskon 50% obat pelangsing herbal, order sekarang www.langsing.example.com", F.SPAM),
    ("aaaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!!!!!!!!!!!!!!!!!!!!", F.SPAM),
    ("tes", " ".join(["tes"] * 20), F.SPAM),
]

CLEAN = [
    ("Anjing liar berkeliaran", "Banyak anjing liar berkeliaran di Jl. Tegalsari dan menggigit anak-anak sekolah."),
    ("Anjing tetangga", "Anjing kamu menggigit anak saya, tolong pemiliknya ditegur oleh RT."),
    ("Bau peternakan babi", "Bau kotoran babi dari peternakan di belakang rumah menyengat, baunya kayak babi mati."),
    ("Babi hutan", "Babi hutan merusak sawah warga tiap malam, mohon bantuan dinas pertanian."),
    ("Monyet liar", "Kawanan monyet liar masuk ke rumah warga dan mengambil makanan."),
    ("Orang gila", "Ada orang gila berkeliaran di taman kota, mohon dinas sosial menjemput."),
    ("Selokan", "Selokan penuh tai dan bau sekali, tolong dikuras."),
    ("Kampung Arab", "Warga kampung arab bakar sampah sembarangan, asapnya masuk ke rumah kami."),
    ("Jl. Jawa", "Bau busuk dari saluran Jl. Jawa, sampah tidak diangkut seminggu."),
    ("Pasar Madura", "Parkir liar di depan Pasar Madura, dasar pasar semrawut, usir saja jukir liar."),
    ("Gereja", "Jalan depan gereja Kristen di Jl. Diponegoro berlubang besar, berbahaya bagi jemaat."),
    ("Pinjol", "Saya diteror debt collector pinjol, padahal dana belum cair. Mohon ditindak."),
    ("Judi", "Di warung pojok Jl. Kenjeran tiap malam ada judi togel dan sabung ayam, warga resah."),
    ("Iklan judi", "Tolong berantas situs judi slot gacor yang iklannya muncul di situs pemkot https://x.example"),
    ("Tolong", "TOLONGGGG!!! Banjir setinggi lutut sudah tiga hari belum surut, tolong tolong tolong."),
    ("Pipa bocor", "Pipa PDAM bocor kena bego waktu galian saluran, air tidak mengalir."),
    ("Surat", "Dokumen MK sudah saya kirim, tolong diproses; aplikasi ASW tidak bisa dibuka."),
    ("Lampu mati", "Lampu penerangan jalan di Jl. Kedungdoro mati sejak seminggu, gelap rawan begal."),
    ("Kosakata", "Saat hujan, tanah longsor menutup jalan; taat aturan, maaf baru lapor. Kantor buka jam 8."),
]


@pytest.mark.parametrize(("title", "description", "flag"), FLAGGED)
def test_abuse_is_flagged_with_what_matched(title, description, flag):
    finding = abuse.examine(title, description)
    assert flag in finding.flags
    assert any(item["flag"] == flag and item["text"] for item in finding.matches)
    assert 0 < finding.score <= 1


@pytest.mark.parametrize(("title", "description"), CLEAN)
def test_real_complaints_using_the_same_words_are_clean(title, description):
    finding = abuse.examine(title, description)
    assert finding.flags == [], finding.matches


def test_reading_undoes_common_disguises():
    assert "anjing" in abuse.readable("a n j i n g")
    assert "bangsat" in abuse.readable("b4ngs4t")
    assert abuse.squeeze("gooobloookkk") == "goblok"
    assert abuse.lexeme("anj*ng", abuse.CONTEXT_SQUEEZED) == "anjing"
    assert abuse.lexeme("goblokmu", abuse.KASAR_SQUEEZED) == "goblok"
    assert abuse.lexeme("kemarin", abuse.KASAR_SQUEEZED) is None


# --- at intake ------------------------------------------------------------------------------------------------------


def submit(title, description, phone="081234567890", at=None):
    return submit_report(
        NewReport(title=title, description=description, region=Region.objects.get(code="35.78.05.1001")),
        reporter=ReporterInfo(name="Warga", phone=phone),
        at=at or timezone.now(),
    )


@pytest.mark.django_db
def test_a_flagged_report_is_held_and_a_clean_one_is_not(demo_agencies, settings):
    settings.LAYAN_PUBLISH_ON_SUBMIT = True  # a clean report is public at once, a held one is not
    bad = submit("Petugas goblok", "Sudah tiga bulan KTP saya belum jadi juga, dasar anjing.")
    good = submit(*CLEAN[0])
    bad.refresh_from_db()
    assert bad.held_for_review
    screening = Screening.objects.get(report=bad)
    assert screening.state == Screening.State.FLAGGED and screening.flags == [F.KASAR]
    assert {"flag": "kasar", "text": "goblok"} in screening.matches
    assert not public_reports().filter(pk=bad.pk).exists()
    good.refresh_from_db()
    assert not good.held_for_review
    assert Screening.objects.get(report=good).state == Screening.State.CLEAN
    assert public_reports().filter(pk=good.pk).exists()


@pytest.mark.django_db
def test_the_same_text_sent_again_and_again_by_one_sender_is_spam(demo_agencies):
    now = timezone.now()
    text = ("Jalan rusak di Jl. Tegalsari", "Lubang besar di tengah jalan, sudah ada yang jatuh.")
    earlier = [submit(*text, at=now - dt.timedelta(minutes=40 - 5 * n)) for n in range(abuse.REPEAT_COUNT - 1)]
    other_sender = submit(*text, phone="081299990000", at=now - dt.timedelta(minutes=5))
    last = submit(*text, at=now)
    for report in (*earlier, other_sender):
        assert Screening.objects.get(report=report).state == Screening.State.CLEAN
    screening = Screening.objects.get(report=last)
    assert screening.state == Screening.State.FLAGGED and screening.flags == [F.SPAM]
    assert f"{abuse.REPEAT_COUNT} kali" in screening.matches[0]["text"]


@pytest.mark.django_db
def test_the_same_text_after_the_window_is_not_spam(demo_agencies, settings):
    settings.LAYAN_ABUSE_REPEAT_MINUTES = 60
    now = timezone.now()
    text = ("Jalan rusak di Jl. Tegalsari", "Lubang besar di tengah jalan, sudah ada yang jatuh.")
    for hours in range(2 * abuse.REPEAT_COUNT, 0, -2):  # one every two hours
        assert Screening.objects.get(report=submit(*text, at=now - dt.timedelta(hours=hours))).state == "clean"
    assert Screening.objects.get(report=submit(*text, at=now)).state == Screening.State.CLEAN
