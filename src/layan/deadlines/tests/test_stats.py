"""The quarterly non-responders report against a hand-computed fixture (Triwulan III 2026: 1 Jul - 30 Sep WIB).

Every action happens at an explicit instant (time frozen there). First response: 1x24 jam (calendar hours).
Report as of Mon 5 Oct 2026 12.00 WIB: every running clock of the fixture is past its deadline by then.

DLH Surabaya (A), region Kota Surabaya:
  a1 dispatched Mon 6 Jul 09.00; accepted +2 h (met); done +50 h; reopened +60 h; done again +80 h; rated 2
  a2 dispatched Tue 7 Jul 09.00; first progress +30 h (late); done +100 h; rated 4
  a3 dispatched Wed 8 Jul 09.00; accepted +10 h (met); never done: follow-up and resolution clocks overdue
  a4 dispatched Thu 9 Jul 09.00; never answered: all three clocks overdue
  f1 dispatched Mon 20 Jul 09.00; forwarded to DSDABM +5 h (its clocks cancelled: undecided, not "never answered")
DSDABM Surabaya (B), region Kota Surabaya:
  b1 dispatched Mon 13 Jul 09.00; accepted +20 h (met); done +40 h
  b2 dispatched Tue 14 Jul 09.00; accepted +23 h (met); follow-up overdue
  f2 dispatched Mon 20 Jul 14.00 (the forward); accepted +1 h (met); follow-up overdue
  x  dispatched Tue 30 Jun 23.30 WIB: Triwulan II, not counted
PDAM Surya Sembada (C, 24/7), region Kota Surabaya: c1 Mon 3 Aug, c2 Tue 4 Aug 09.00: never answered
DPUPR Tuban (D), region Kabupaten Tuban: d1 Tue 1 Sep 09.00; first progress +48 h (late); done +72 h; rated 5

A: received 5; decided first responses a1 met, a2 late, a3 met, a4 overdue = 2/4 = 50.0 %
   first response hours [2, 10, 30]: median 10.0; p90 at rank 0.9 x 2 = 1.8: 10 + 0.8 x 20 = 26.0
   resolution hours [80, 100]: median 90.0; p90 at 0.9: 80 + 0.9 x 20 = 98.0
   overdue now a3, a4 = 2; never answered a4 = 1; reopened 1 of 2 done = 50.0 %; rating (2 + 4) / 2 = 3.0
B: received 3; 3/3 = 100.0 %; first response [1, 20, 23]: median 20.0, p90 at 1.8: 20 + 0.8 x 3 = 22.4
   resolution [40]: 40.0 and 40.0; overdue b2, f2 = 2; never 0; reopened 0 of 1 = 0.0 %; no rating
C: received 2; 0/2 = 0.0 %; no first response; overdue 2; never answered 2; no resolution, no rating
D: received 1; 0/1 = 0.0 %; [48]; [72]; overdue 0; never 0; reopened 0.0 %; rating 5.0
Ranking: C (never answered 2), A (1), D (0.0 %), B (100.0 %).

Kota Surabaya (A + B + C): received 10; met 2 + 3 + 0 of decided 4 + 3 + 2 = 5/9 = 55.6 %
   first response [1, 2, 10, 20, 23, 30]: median (10 + 20) / 2 = 15.0; p90 at 0.9 x 5 = 4.5: 23 + 0.5 x 7 = 26.5
   resolution [40, 80, 100]: median 80.0; p90 at 1.8: 80 + 0.8 x 20 = 96.0
   overdue 2 + 2 + 2 = 6; never answered 1 + 0 + 2 = 3; reopened 1 of 3 = 33.3 %; rating 3.0
Kabupaten Tuban = D. Ranking: Kota Surabaya (never answered 3), Kabupaten Tuban.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from layan.core.models import Agency
from layan.deadlines.stats import Period, compute, percentile
from layan.reports.workflow import Actor, perform

from .conftest import at, dispatch, new_report

AS_OF = at(2026, 10, 5, 12)
Q3 = Period.parse("2026-Q3")


def act(when, report, action, actor, **data):
    with time_machine.travel(when, tick=False):
        perform(report, action, actor, at=when, **data)


def sent(when, agency, staff, region="35.78.05.1001"):
    report = new_report(region=region, when=when)
    admin = staff("admin.surabaya") if report.admin_agency.slug == "surabaya" else staff("sysadmin")
    with time_machine.travel(when, tick=False):
        dispatch(report, admin, Agency.objects.get(slug=agency), when=when)
    return report, report.dispositions.get(agency__slug=agency)


def h(when, hours):
    return when + dt.timedelta(hours=hours)


@pytest.fixture
def quarter(demo_agencies, staff):
    dlh, dsdabm = Actor(user=staff("penghubung.dlh-sby")), Actor(user=staff("penghubung.dsdabm-sby"))
    pupr = Actor(user=staff("penghubung.pupr-tuban"))

    t = at(2026, 7, 6, 9)
    report, d = sent(t, "dlh-sby", staff)
    reporter = Actor(reporter_secret=report.secret)
    act(h(t, 2), report, "accept", dlh, disposition=d)
    act(h(t, 50), report, "resolve", dlh, disposition=d, note="Selesai.")
    act(h(t, 60), report, "reopen", reporter, note="Belum menyala.")
    act(h(t, 80), report, "resolve", dlh, disposition=d, note="Sudah diganti.")
    act(h(t, 81), report, "rate", reporter, rating=2)

    t = at(2026, 7, 7, 9)
    report, d = sent(t, "dlh-sby", staff)
    act(h(t, 30), report, "progress", dlh, disposition=d, stage="cek_lapangan", note="Dicek.")
    act(h(t, 100), report, "resolve", dlh, disposition=d, note="Selesai.")
    act(h(t, 101), report, "rate", Actor(reporter_secret=report.secret), rating=4)

    t = at(2026, 7, 8, 9)
    report, d = sent(t, "dlh-sby", staff)
    act(h(t, 10), report, "accept", dlh, disposition=d)

    sent(at(2026, 7, 9, 9), "dlh-sby", staff)

    t = at(2026, 7, 20, 9)
    report, d = sent(t, "dlh-sby", staff)
    act(h(t, 5), report, "forward", dlh, disposition=d, agency=Agency.objects.get(slug="dsdabm-sby"), note="Saluran.")
    act(h(t, 6), report, "accept", dsdabm, disposition=report.dispositions.get(agency__slug="dsdabm-sby"))

    t = at(2026, 7, 13, 9)
    report, d = sent(t, "dsdabm-sby", staff)
    act(h(t, 20), report, "accept", dsdabm, disposition=d)
    act(h(t, 40), report, "resolve", dsdabm, disposition=d, note="Selesai.")

    t = at(2026, 7, 14, 9)
    report, d = sent(t, "dsdabm-sby", staff)
    act(h(t, 23), report, "accept", dsdabm, disposition=d)

    sent(at(2026, 6, 30, 23, 30), "dsdabm-sby", staff)  # Triwulan II
    sent(at(2026, 8, 3, 9), "pdam-sby", staff)
    sent(at(2026, 8, 4, 9), "pdam-sby", staff)

    t = at(2026, 9, 1, 9)
    report, d = sent(t, "pupr-tuban", staff, region="35.23.15.2009")
    act(h(t, 48), report, "progress", pupr, disposition=d, stage="pengerjaan", note="Dikerjakan.")
    act(h(t, 72), report, "resolve", pupr, disposition=d, note="Selesai.")
    act(h(t, 73), report, "rate", Actor(reporter_secret=report.secret), rating=5)


def figures(row):
    keys = [
        "received",
        "on_time_pct",
        "first_response_median_h",
        "first_response_p90_h",
        "resolution_median_h",
        "resolution_p90_h",
        "overdue_now",
        "never_answered",
        "reopen_rate_pct",
        "avg_rating",
    ]
    return [row[k] for k in keys]


EXPECTED_AGENCIES = [
    ("PDAM Surya Sembada", [2, 0.0, None, None, None, None, 2, 2, None, None]),
    ("DLH Surabaya", [5, 50.0, 10.0, 26.0, 90.0, 98.0, 2, 1, 50.0, 3.0]),
    ("DPUPR Tuban", [1, 0.0, 48.0, 48.0, 72.0, 72.0, 0, 0, 0.0, 5.0]),
    ("DSDABM Surabaya", [3, 100.0, 20.0, 22.4, 40.0, 40.0, 2, 0, 0.0, None]),
]
EXPECTED_REGIONS = [
    ("Kota Surabaya", [10, 55.6, 15.0, 26.5, 80.0, 96.0, 6, 3, 33.3, 3.0]),
    ("Kabupaten Tuban", [1, 0.0, 48.0, 48.0, 72.0, 72.0, 0, 0, 0.0, 5.0]),
]


def test_quarter_matches_the_hand_computed_figures(quarter):
    data = compute(Q3, as_of=AS_OF)
    assert [(r["short_name"], figures(r)) for r in data["agencies"]] == EXPECTED_AGENCIES
    assert [(r["name"], figures(r)) for r in data["regions"]] == EXPECTED_REGIONS
    assert [r["rank"] for r in data["agencies"]] == [1, 2, 3, 4]
    assert [r["non_responder"] for r in data["agencies"]] == [True, True, False, False]
    assert data["period"] == {"kind": "quarter", "start": "2026-07-01", "code": "2026-Q3"}


def test_month_and_scope(quarter):
    july = compute(Period.parse("2026-07"), as_of=AS_OF)
    assert sorted(r["short_name"] for r in july["agencies"]) == ["DLH Surabaya", "DSDABM Surabaya"]
    dlh = Agency.objects.get(slug="dlh-sby")
    only = compute(Q3, agency_ids={dlh.pk}, admin_agency_ids={dlh.pk}, as_of=AS_OF)
    assert [r["short_name"] for r in only["agencies"]] == ["DLH Surabaya"]
    june = compute(Period.parse("2026-Q2"), as_of=AS_OF)
    assert [(r["short_name"], r["received"], r["never_answered"]) for r in june["agencies"]] == [
        ("DSDABM Surabaya", 1, 1)
    ]


def test_percentile_interpolates_between_ranks():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([1, 2, 10, 20, 23, 30], 0.5) == 15
    assert percentile([30, 10, 2], 0.9) == pytest.approx(26.0)


def test_periods():
    assert Period.parse("2026-q4").end == dt.date(2027, 1, 1)
    assert Period.parse("2026-12").end == dt.date(2027, 1, 1)
    assert Period.parse("2026-Q1").previous().code == "2025-Q4"
    assert Period.parse("2026-02").next().code == "2026-03"
    assert Period.containing(dt.date(2026, 8, 17)).code == "2026-Q3"
    with translation.override("id"):
        assert Period.parse("2026-Q3").label == "Triwulan III 2026"
        assert Period.parse("2026-08").label == "Agustus 2026"
    start, end = Period.parse("2026-Q3").bounds()
    assert start == at(2026, 7, 1) and end == at(2026, 10, 1)
    for bad in ("2026", "2026-Q5", "2026-13", "abc-01"):
        with pytest.raises(ValueError):
            Period.parse(bad)
