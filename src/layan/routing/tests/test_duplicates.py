"""Duplicate candidates at intake, on a real database: a report close in text, place and time to an earlier open
one is suggested; a different topic, place, an old or a closed one is not; the index follows the open reports."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from layan.core.models import Region
from layan.reports.models import Report
from layan.reports.services import NewReport, ReporterInfo, submit_report
from layan.reports.workflow import Actor, perform
from layan.routing import duplicates
from layan.routing.models import DuplicateCandidate, TextKey

from .conftest import LAMPU, LAMPU_AGAIN

pytestmark = pytest.mark.django_db

TEGALSARI, DR_SOETOMO, GUBENG, BEKTIHARJO = "35.78.05.1001", "35.78.05.1002", "35.78.08.1001", "35.23.15.2009"

LAMPU_ELSEWHERE = (
    "Lampu PJU mati di Jl. Kertajaya",
    "Lampu penerangan jalan di Jalan Kertajaya dekat kampus mati tiga hari, gelap.",
)
SAMPAH = (
    "Sampah menumpuk di TPS Jl. Kedungdoro",
    "Sampah di tempat pembuangan sementara belum diangkut tiga hari, baunya menyengat dan banyak lalat.",
)


def submit(title, description, region=TEGALSARI, at=None, phone="081234567890", **kw):
    return submit_report(
        NewReport(title=title, description=description, region=Region.objects.get(code=region), **kw),
        reporter=ReporterInfo(name="Warga", phone=phone),
        at=at or timezone.now(),
    )


def candidates_of(report):
    return list(DuplicateCandidate.objects.filter(report=report).values_list("candidate_id", flat=True))


@pytest.fixture
def earlier(demo_agencies):
    return submit(*LAMPU, at=timezone.now() - dt.timedelta(days=3))


def test_a_close_report_is_suggested_as_duplicate_of_the_earlier_open_one(earlier):
    later = submit(*LAMPU_AGAIN)
    row = DuplicateCandidate.objects.get(report=later)
    assert row.candidate_id == earlier.pk
    assert row.score >= duplicates.threshold()
    assert row.same_place == "desa"
    assert 2.9 < row.days_apart < 3.1
    assert row.state == DuplicateCandidate.State.SUGGESTED
    assert candidates_of(earlier) == []  # the earlier one is never "a duplicate" of the later


def test_the_same_problem_in_the_next_village_still_scores_but_lower(earlier):
    same_village = DuplicateCandidate.objects.get(report=submit(*LAMPU_AGAIN), candidate=earlier)
    next_village = DuplicateCandidate.objects.get(report=submit(*LAMPU_AGAIN, region=DR_SOETOMO), candidate=earlier)
    assert next_village.same_place == "kecamatan"
    assert next_village.score < same_village.score
    assert next_village.text_score == same_village.text_score


def test_a_different_topic_at_the_same_place_is_not_suggested(earlier):
    assert candidates_of(submit(*SAMPAH)) == []


@pytest.mark.parametrize(
    ("text", "region"),
    [
        (LAMPU_AGAIN, BEKTIHARJO),  # the same words in another regency
        (LAMPU_ELSEWHERE, GUBENG),  # the same kind of problem on a street of another kecamatan
    ],
)
def test_a_problem_elsewhere_is_not_suggested(earlier, text, region):
    assert candidates_of(submit(*text, region=region)) == []


def test_the_same_street_under_another_kecamatan_is_suggested_lower(earlier):
    """A citizen who picked the wrong kecamatan: the words say it is the same lamp, the place makes it less sure."""
    row = DuplicateCandidate.objects.get(report=submit(*LAMPU_AGAIN, region=GUBENG))
    assert row.candidate_id == earlier.pk and row.same_place == "kabkota"
    assert duplicates.threshold() <= row.score < 0.5


def test_a_report_older_than_the_window_is_not_suggested(demo_agencies, settings):
    settings.LAYAN_DUPLICATE_WINDOW_DAYS = 30
    submit(*LAMPU, at=timezone.now() - dt.timedelta(days=31))
    assert candidates_of(submit(*LAMPU_AGAIN)) == []


def test_coordinates_decide_the_place_when_both_reports_have_them(demo_agencies):
    near = submit(*LAMPU, at=timezone.now() - dt.timedelta(days=1), latitude=-7.26500, longitude=112.73500)
    far = submit(*LAMPU, at=timezone.now() - dt.timedelta(days=1), latitude=-7.29500, longitude=112.76500)
    later = submit(*LAMPU_AGAIN, latitude=-7.26520, longitude=112.73530)
    rows = {row.candidate_id: row for row in DuplicateCandidate.objects.filter(report=later)}
    assert near.pk in rows and rows[near.pk].distance_m < 50
    assert far.pk not in rows  # 4.6 km away: another lamp post


def test_archived_and_closed_reports_leave_the_index_and_are_not_suggested(earlier, staff):
    assert TextKey.objects.filter(report=earlier).count() > 0
    perform(earlier, "archive", Actor(user=staff("admin.surabaya")), reason=Report.ArchiveReason.UMUM)
    assert not TextKey.objects.filter(report=earlier).exists()
    assert candidates_of(submit(*LAMPU_AGAIN)) == []


def test_a_dispatched_report_stays_indexed_leaves_when_resolved_returns_when_reopened(earlier, staff, demo_agencies):
    agency = demo_agencies["dsdabm-sby"]
    perform(earlier, "verify", Actor(user=staff("admin.surabaya")), agencies=[agency])
    assert TextKey.objects.filter(report=earlier).exists()  # dispatched is still open
    disposition = earlier.dispositions.get()
    perform(earlier, "resolve", Actor(user=staff("penghubung.dsdabm-sby")), disposition=disposition, note="Sudah.")
    earlier.refresh_from_db()
    assert earlier.state == Report.State.SELESAI
    assert not TextKey.objects.filter(report=earlier).exists()
    perform(earlier, "reopen", Actor(reporter_secret=earlier.secret), note="Lampunya mati lagi.")
    earlier.refresh_from_db()
    assert earlier.state in Report.OPEN_STATES
    assert TextKey.objects.filter(report=earlier).count() > 1  # its words and its place, indexed again


def test_the_index_keeps_a_bounded_number_of_distinctive_words(demo_agencies):
    long_text = " ".join(f"kata{n}x" for n in range(200))
    report = submit("Laporan panjang sekali", long_text)
    keys = TextKey.objects.filter(report=report)
    assert keys.count() == duplicates.INDEX_WORDS + 1  # and the place
    assert keys.filter(key=duplicates.place_key(TEGALSARI)).exists()
    assert {k.created_at for k in keys} == {report.created_at}
    stop = {duplicates.word_key(w) for w in ("yang", "mohon", "tidak", "warga")}
    assert not stop & set(TextKey.objects.values_list("key", flat=True))


def test_rare_words_are_preferred_for_the_index(demo_agencies):
    for n in range(5):  # "saluran" and "tersumbat" become common here
        submit(f"Saluran tersumbat nomor {n}", f"Saluran air tersumbat lagi di gang {n}.", phone=f"08123456780{n}")
    report = submit("Saluran tersumbat", "Saluran tersumbat di depan Pasar Kembang, gorong-gorong penuh lumpur.")
    keys = set(TextKey.objects.filter(report=report).values_list("key", flat=True))
    words = duplicates.content_words(report.title, report.address, report.description)
    assert len(words) > 5
    chosen = [w for w in words if duplicates.word_key(w) in keys]
    assert "kembang" in chosen or "lumpur" in chosen


def test_words_are_normalised_and_stemmed_alike():
    a = duplicates.content_words("Jln rusakkk parah", "Jalanan berlubang, sdh lama tdk diperbaiki")
    b = duplicates.content_words("Jalan rusak", "lubang di jalan belum diperbaiki")
    assert {"jalan", "baik"} <= set(a) & set(b)
    assert "sudah" not in a and "tidak" not in a
    assert duplicates.word_key("jalan") == duplicates.word_key("jalan") > 0
    assert duplicates.word_key("jalan") < 2**63


def test_index_and_find_again_does_not_duplicate_rows(earlier):
    later = submit(*LAMPU_AGAIN)
    before = TextKey.objects.filter(report=later).count()
    duplicates.index_and_find(later, at=later.created_at)
    assert TextKey.objects.filter(report=later).count() == before
    assert DuplicateCandidate.objects.filter(report=later).count() == 1


def test_the_index_can_be_rebuilt_as_intake_built_it(earlier, staff):
    later = submit(*LAMPU_AGAIN)
    closed = submit(*SAMPAH)
    perform(closed, "archive", Actor(user=staff("admin.surabaya")), reason=Report.ArchiveReason.UMUM)
    before = sorted(TextKey.objects.values_list("report_id", "key", "created_at"))
    TextKey.objects.filter(report=later).delete()
    assert duplicates.rebuild_index() == 2
    assert sorted(TextKey.objects.values_list("report_id", "key", "created_at")) == before
    assert not TextKey.objects.filter(report=closed).exists()
    TextKey.objects.all().delete()
    out = StringIO()
    call_command("router", "reindex", stdout=out)
    assert "2" in out.getvalue()
    assert sorted(TextKey.objects.values_list("report_id", "key", "created_at")) == before


def test_held_reports_are_not_candidates(demo_agencies):
    held = submit("Lampu PJU mati di Jl. Kedungdoro, petugas goblok", LAMPU[1], at=timezone.now() - dt.timedelta(1))
    assert held.held_for_review
    assert candidates_of(submit(*LAMPU_AGAIN)) == []


def test_place_and_time_factors():
    assert duplicates.same_place("35.78.05.1001", "35.78.05.1001") == "desa"
    assert duplicates.same_place("35.78.05.1001", "35.78.05.1002") == "kecamatan"
    assert duplicates.same_place("35.78.05", "35.78.05.1002") == "kecamatan"
    assert duplicates.same_place("35.78.05.1001", "35.78.08.1001") == "kabkota"
    assert duplicates.same_place("35.78.05.1001", "35.23.15.2009") == ""
    assert duplicates.same_place(None, "35.78") is None
    assert duplicates.time_factor(0) == 1 > duplicates.time_factor(14) == 0.75 > duplicates.time_factor(30)
    assert duplicates.place_factor(None, 50) == 1
    assert duplicates.place_factor("desa", 5000) < 0.15
