"""Fixtures of the deadlines tests: reports dispatched at fixed instants."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from layan.core.models import Agency, Region
from layan.reports.services import NewReport, ReporterInfo, submit_report
from layan.reports.workflow import Actor, perform

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")


def at(y, m, d, hh=0, mm=0, tz=WIB):
    return dt.datetime(y, m, d, hh, mm, tzinfo=tz)


def new_report(region="35.78.05.1001", when=None, email="siti@example.com", **kwargs):
    return submit_report(
        NewReport(
            title="Lampu PJU mati di Jl. Tegalsari",
            description="Sudah tiga malam lampu jalan mati, rawan kecelakaan.",
            region=Region.objects.get(code=region),
            **kwargs,
        ),
        reporter=ReporterInfo(name="Siti Aminah", phone="081234567890", email=email),
        at=when,
    )


def dispatch(report, admin, *agencies, when=None):
    perform(report, "dispatch", Actor(user=admin), agencies=list(agencies), at=when)
    return report


@pytest.fixture
def agencies(demo_agencies):
    return demo_agencies


@pytest.fixture
def dispatched(agencies, staff):
    """A report dispatched to DLH Surabaya on Monday 23 Nov 2026 10.00 WIB."""

    def make(agency="dlh-sby", when=None, **kwargs):
        when = when or at(2026, 11, 23, 10)
        report = new_report(when=when, **kwargs)
        admin = staff("sysadmin") if not report.admin_agency.slug == "surabaya" else staff("admin.surabaya")
        return dispatch(report, admin, Agency.objects.get(slug=agency), when=when)

    return make
