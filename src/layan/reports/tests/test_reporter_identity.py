"""Who may know who reported, and who may look a caller up by phone (issue 15).

The rule (``layan.core.permissions``): a reporter's identity only to the staff who handle the report (the admin
desk of its government, the agencies it is dispatched to now); oversight bodies and the system administrator
read the content they supervise, never the identity; anonymous reports name nobody to anyone. The caller lookup
by phone answers only the call centre and platform admins of the reporter's own government, and every lookup is
in the audit trail with the number masked.
"""

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from layan.core import permissions
from layan.core.demo import DEMO_PASSWORD
from layan.core.models import Region
from layan.reports.models import Report
from layan.reports.services import NewReport, ReporterInfo, submit_report
from layan.reports.workflow import Actor, perform

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "Siti Aminah", "+6281234567890", "siti.aminah@example.com"
HANDLING = ["admin.surabaya", "penghubung.dsdabm-sby", "pimpinan.dsdabm-sby"]
NOT_HANDLING = ["pengawas.inspektorat-sby", "pengawas.ombudsman-jatim", "sysadmin"]


def new_report(privacy=Report.Privacy.RAHASIA, title="Pungutan liar di loket kelurahan"):
    return submit_report(
        NewReport(
            title=title,
            description="Petugas meminta uang tambahan untuk surat pengantar.",
            region=Region.objects.get(code="35.78.05.1001"),
            privacy=privacy,
        ),
        reporter=ReporterInfo(name=NAME, phone=PHONE, email=EMAIL),
    )


def dispatched(report, staff, demo_agencies, slug="dsdabm-sby"):
    perform(report, "verify", Actor(user=staff("admin.surabaya")), agencies=[demo_agencies[slug]])
    report.refresh_from_db()
    return report


def logged_in(username) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def shows_identity(text: str) -> bool:
    return NAME in text or "81234567890" in text or EMAIL in text


@pytest.mark.parametrize("privacy", [Report.Privacy.RAHASIA, Report.Privacy.PUBLIC])
def test_only_the_handling_staff_see_who_reported(staff, demo_agencies, privacy):
    report = dispatched(new_report(privacy=privacy), staff, demo_agencies)
    page = reverse("reports:staff-detail", args=[report.tracking_number])
    api = reverse("api:report-detail", args=[report.tracking_number])
    for username in HANDLING:
        client = logged_in(username)
        assert shows_identity(client.get(page).content.decode()), username
        assert client.get(api).json()["reporter"] == {"name": NAME, "phone": PHONE, "email": EMAIL}, username
    for username in NOT_HANDLING:
        client = logged_in(username)
        response = client.get(page)
        body = response.content.decode()
        assert response.status_code == 200 and report.title in body, username  # they read the content ...
        assert not shows_identity(body), username  # ... never who wrote it
        answer = client.get(api).json()
        assert answer["title"] == report.title and answer["reporter"] is None, username
        assert not shows_identity(str(answer)), username


def test_an_agency_that_forwarded_the_report_away_no_longer_sees_the_reporter(staff, demo_agencies):
    report = dispatched(new_report(), staff, demo_agencies)
    liaison = staff("penghubung.dsdabm-sby")
    assert permissions.can_see_reporter(liaison, report)
    perform(
        report,
        "forward",
        Actor(user=liaison),
        disposition=report.dispositions.get(),
        agency=demo_agencies["dlh-sby"],
        note="Bukan wewenang kami; urusan kebersihan.",
    )
    report.refresh_from_db()
    permissions.forget(liaison)
    assert not permissions.can_see_reporter(liaison, report)
    assert permissions.can_see_reporter(staff("penghubung.dlh-sby"), report)


def test_nobody_sees_an_anonymous_reporter_not_even_the_superuser(staff, demo_agencies):
    report = dispatched(new_report(privacy=Report.Privacy.ANONIM), staff, demo_agencies)
    for username in HANDLING + NOT_HANDLING:
        assert not permissions.can_see_reporter(staff(username), report), username


def test_the_confidential_choice_tells_the_truth_on_the_forms(client, demo_agencies):
    from layan.reports.forms_public import PRIVACY_HELP

    body = client.get(reverse("reports:submit")).content.decode()
    # the old promise ("content and identity only for the handling staff") was untrue: oversight reads the content
    assert "Isi laporan dan identitas Anda hanya dapat dilihat petugas yang menangani" not in body
    assert str(PRIVACY_HELP[Report.Privacy.RAHASIA]) in body
    assert "pengawas" in body and "Nama dan kontak Anda hanya dapat dilihat petugas yang menangani" in body
    # the call centre reads the choice to the caller from its own form
    body = logged_in("callcenter.surabaya").get(reverse("reports:intake")).content.decode()
    assert "isi dan identitas hanya untuk petugas yang menangani" not in body
    assert "identitas pelapor hanya untuk petugas yang menangani" in body


# --- the caller lookup ---------------------------------------------------------------------------------------------


def lookup(username, query):
    return logged_in(username).get(reverse("reports:lookup"), {"q": query}).content.decode()


def test_lookup_by_phone_answers_only_the_reporters_own_government(staff, demo_agencies):
    confidential = new_report()
    public = new_report(privacy=Report.Privacy.PUBLIC, title="Lampu jalan mati di Jl. Tegalsari")
    for username in ("callcenter.surabaya", "admin.surabaya"):
        body = lookup(username, "0812 3456 7890")
        assert confidential.tracking_number in body and public.tracking_number in body, username
    for username in (
        "callcenter.tuban",
        "admin.tuban",
        "penghubung.dsdabm-sby",
        "pengawas.ombudsman-jatim",
        "sysadmin",
    ):
        body = lookup(username, "0812 3456 7890")
        assert confidential.tracking_number not in body and public.tracking_number not in body, username
        assert "Lampu jalan mati" not in body, username
    # by tracking number: another government's call centre learns nothing of a confidential report
    body = lookup("callcenter.tuban", confidential.tracking_number)
    assert f">{confidential.tracking_number}</" not in body and "0 laporan ditemukan" in body
    assert f">{confidential.tracking_number}</" in lookup("callcenter.surabaya", confidential.tracking_number)


def test_every_lookup_is_in_the_audit_trail_with_the_number_masked(staff, demo_agencies):
    report = new_report()
    lookup("callcenter.surabaya", "0812-3456-7890")
    lookup("callcenter.tuban", "0812 3456 7890")
    lookup("callcenter.surabaya", report.tracking_number)
    entries = list(LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("pk"))
    assert [entry.actor.username for entry in entries] == ["callcenter.surabaya", "callcenter.tuban"] * 1 + [
        "callcenter.surabaya"
    ]
    first, second, third = entries
    assert first.additional_data["results"] == 1 and first.additional_data["reports"] == [report.tracking_number]
    assert second.additional_data["results"] == 0
    assert third.additional_data["searched"] == report.tracking_number
    # the same number, the same fingerprint: an auditor sees it was searched twice, never the number
    assert first.additional_data["searched"] == second.additional_data["searched"]
    for entry in entries[:2]:
        assert "+62812" in entry.additional_data["searched"] and "34567890" not in str(entry.changes)
        assert "34567890" not in str(entry.additional_data) and "34567890" not in entry.object_repr
    # the auditors of each government read their own agency's lookups on the audit page
    body = logged_in("pimpinan.surabaya").get(reverse("audit-log")).content.decode()
    assert "cari_penelepon" in body and "1 laporan" in body and "34567890" not in body
    body = logged_in("pengawas.inspektorat-sby").get(reverse("audit-log")).content.decode()
    assert "cari_penelepon" in body and "callcenter.surabaya" in body
