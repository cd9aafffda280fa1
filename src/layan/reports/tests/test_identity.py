"""Who a reporter is, and where their contact sits (issue 15, "anonymous means anonymous"): one record per report,
an unverified contact never attaches a report to someone else, the audit log and the Django admin show no citizen,
the contact is erased when it stops serving the report, and the reporter can download and erase what is held."""

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from layan.core import pii
from layan.core.models import Citizen, Region
from layan.notifications.models import Notification
from layan.reports import privacy, workflow
from layan.reports.models import Follower, Report
from layan.reports.services import NewReport, ReporterInfo, find_for_caller, submit_report
from layan.reports.workflow import Actor

pytestmark = pytest.mark.django_db

VILLAGE = "35.78.05.1001"
PHONE, EMAIL, NAME, NIK = "081234567890", "siti.rahasia@example.com", "Siti Rahasia", "3578055208900002"
VICTIM = ReporterInfo(name="Bu Korban", phone="081299998888", email="korban@example.com")


def caller_desk():
    """The Surabaya admin desk: the reporter's own government, which may look a caller up by phone."""
    from layan.core.models import User

    return User.objects.get(username="admin.surabaya")


def form_data(**overrides):
    data = {
        "type": "pengaduan",
        "title": "Pungutan liar di kantor kelurahan",
        "description": "Petugas meminta uang tambahan untuk surat pengantar, tanpa kuitansi.",
        "kabkota": "35.78",
        "kecamatan": "35.78.05",
        "desa": VILLAGE,
        "address": "Kantor Kelurahan Tegalsari",
        "privacy": "anonim",
        "name": NAME,
        "phone": PHONE,
        "email": EMAIL,
        "want_updates": "on",
        "kirim": "1",
    }
    data.update(overrides)
    return data


def make_report(privacy=Report.Privacy.PUBLIC, reporter=None, channel=Report.Channel.WEB, **kwargs):
    return submit_report(
        NewReport(
            title=kwargs.pop("title", "Lampu PJU mati di Jl. Tegalsari"),
            description="Sudah tiga malam lampu jalan mati, rawan kecelakaan.",
            region=Region.objects.get(code=VILLAGE),
            privacy=privacy,
            **kwargs,
        ),
        reporter=reporter or ReporterInfo(name=NAME, phone=PHONE, email=EMAIL, nik=NIK),
        channel=channel,
    )


def archive(report, staff, at=None):
    return workflow.perform(report, "archive", Actor(user=staff("admin.surabaya")), reason="lainnya", at=at)


# --- 1. at rest ---------------------------------------------------------------------------------------------------


def test_contact_is_stored_encrypted_and_found_only_through_its_blind_index(demo_agencies):
    report = make_report()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, phone, email, nik, phone_index FROM core_citizen WHERE id = %s", [report.reporter_id]
        )
        row = cursor.fetchone()
    assert all(value.startswith(pii.TOKEN_PREFIX) for value in row[:4])
    assert not any(clear in " ".join(row) for clear in (NAME, "81234567890", EMAIL, NIK))
    assert row[4] == pii.phone_index("+6281234567890") and "81234567890" not in row[4]
    citizen = Citizen.objects.get(pk=report.reporter_id)
    assert (citizen.name, citizen.phone, citizen.email, citizen.nik) == (NAME, "+6281234567890", EMAIL, NIK)
    # the call-centre lookup finds it by the number in any writing, through the index
    assert list(find_for_caller("0812-3456-7890", caller_desk())) == [report]
    follower = Follower.objects.get(report=report)
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM reports_follower WHERE id = %s", [follower.pk])
        assert cursor.fetchone()[0].startswith(pii.TOKEN_PREFIX)


def test_an_encrypted_column_refuses_a_lookup_by_clear_value(demo_agencies):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError, match="blind index"):
        Citizen.objects.filter(phone="+6281234567890").exists()
    with pytest.raises(FieldError):
        Citizen.objects.filter(email__icontains="siti").exists()
    assert not Citizen.objects.exclude(phone="").exists()  # "has a value at all" still works


def test_keys_rotate_old_rows_stay_readable_and_rotate_rewrites_them(demo_agencies, settings):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    try:
        settings.LAYAN_DATA_KEY, settings.LAYAN_DATA_INDEX_KEY = [old], "indeks-tetap"
        pii.reset_keys()
        report = make_report()
        settings.LAYAN_DATA_KEY = [new, old]  # prepend the new key
        pii.reset_keys()
        assert Citizen.objects.get(pk=report.reporter_id).phone == "+6281234567890"
        assert list(find_for_caller("081234567890", caller_desk())) == [report]  # the index key did not change
        call_command("rotate_data_key", verbosity=0)
        settings.LAYAN_DATA_KEY = [new]  # the old key dropped: everything was rewritten under the new one
        pii.reset_keys()
        citizen = Citizen.objects.get(pk=report.reporter_id)
        assert (citizen.email, Follower.objects.get(report=report).email) == (EMAIL, EMAIL)
    finally:
        pii.reset_keys()


def test_production_refuses_to_start_without_the_data_key(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("LAYAN_DATA_KEY", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="layan.settings.production", LAYAN_DATA_DIR=str(tmp_path), SECRET_KEY="x" * 50)
    result = subprocess.run([sys.executable, "-m", "layan", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "LAYAN_DATA_KEY" in result.stderr and "refuses to start" in result.stderr


# --- 2 and 5. one record per report; an unverified contact attaches nothing ---------------------------------------


def test_reports_from_one_phone_never_share_a_citizen_record(demo_agencies):
    public = make_report()
    anonymous = make_report(privacy=Report.Privacy.ANONIM)
    assert public.reporter_id != anonymous.reporter_id
    assert not Citizen.objects.get(pk=anonymous.reporter_id).reports.exclude(pk=anonymous.pk).exists()
    kept = Citizen.objects.get(pk=anonymous.reporter_id)
    assert (kept.name, kept.nik, kept.phone, kept.email) == ("", "", "+6281234567890", EMAIL)  # only to send updates


def test_someone_elses_phone_on_the_form_files_under_a_record_of_its_own(client, demo_agencies, staff):
    victims = make_report(reporter=VICTIM, title="Sampah menumpuk")
    data = form_data(privacy="publik", name="Penipu", phone=VICTIM.phone, email="")
    data.pop("want_updates")
    response = client.post(reverse("reports:submit"), data)
    assert response.status_code == 302
    report = Report.objects.exclude(pk=victims.pk).get()
    assert report.reporter_id != victims.reporter_id
    assert (report.reporter.name, report.reporter.email) == ("Penipu", "")
    client.force_login(staff("admin.surabaya"))
    page = client.get(reverse("reports:staff-detail", args=[report.tracking_number])).content.decode()
    assert "Penipu" in page  # staff who handle a non-anonymous report still see who filed it ...
    assert "Bu Korban" not in page and "korban@example.com" not in page  # ... and never the victim
    victim = Citizen.objects.get(pk=victims.reporter_id)
    assert (victim.name, victim.email, victim.reports.count()) == ("Bu Korban", "korban@example.com", 1)


def test_a_logged_in_citizen_shares_their_record_but_not_with_anonymous_reports(demo_agencies, django_user_model):
    user = django_user_model.objects.create_user("warga", email="warga@example.com")
    info = ReporterInfo(name="Warga", phone="081211112222", user=user)
    first, second = make_report(reporter=info), make_report(reporter=info, title="Jalan rusak")
    anonymous = make_report(privacy=Report.Privacy.ANONIM, reporter=info)
    assert first.reporter_id == second.reporter_id and first.reporter.user == user
    assert anonymous.reporter_id != first.reporter_id and anonymous.reporter.user is None


# --- 3 and 4. the audit log and the admin -----------------------------------------------------------------------


def test_the_audit_log_names_no_citizen(client, demo_agencies, staff):
    report = make_report(privacy=Report.Privacy.ANONIM)
    archive(report, staff)
    citizen_id = str(report.reporter_id)
    assert not LogEntry.objects.filter(content_type__model="citizen").exists()
    for entry in LogEntry.objects.all():
        assert "reporter" not in (entry.changes or {})
        assert not any(clear in json.dumps(entry.changes or {}) for clear in (NAME, EMAIL, "81234567890"))
    client.force_login(staff("sysadmin"))
    page = client.get(reverse("audit-log")).content.decode()
    assert report.tracking_number in page
    assert NAME not in page and EMAIL not in page and "81234567890" not in page
    assert f"Warga #{citizen_id}" not in page and "pelapor" not in page.lower()


def test_a_system_administrator_reads_no_citizen_contact_in_the_admin(client, demo_agencies, staff):
    anonymous = make_report(privacy=Report.Privacy.ANONIM)
    event = archive(anonymous, staff)
    from layan.notifications.services import build_notifications

    assert build_notifications(event)  # the reporter's notification row exists
    client.force_login(staff("sysadmin"))
    citizen, follower = anonymous.reporter, Follower.objects.get(report=anonymous)
    notification = Notification.objects.get(event=event)
    pages = [
        reverse("admin:core_citizen_changelist"),
        reverse("admin:core_citizen_change", args=[citizen.pk]),
        reverse("admin:reports_report_change", args=[anonymous.pk]),
        reverse("admin:notifications_notification_changelist"),
        reverse("admin:notifications_notification_change", args=[notification.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for clear in (NAME, EMAIL, "81234567890", NIK, follower.email):
            assert clear not in page, (url, clear)
    # the search by the number itself finds the record (through the index), showing only its fingerprint
    for typed in ("0812 3456 7890", EMAIL.upper()):
        found = client.get(reverse("admin:core_citizen_changelist"), {"q": typed}).content.decode()
        assert f"Warga #{citizen.pk}" in found and pii.fingerprint(citizen.phone_index) in found
        assert NAME not in found


# --- 2 and 6. erasure: anonymous at closure, others after the retention, on request -------------------------------


def test_an_anonymous_reporters_contact_is_erased_once_the_report_closes(demo_agencies, staff):
    report = make_report(privacy=Report.Privacy.ANONIM)
    still_open = make_report(privacy=Report.Privacy.ANONIM, title="Masih dibuka")
    closed_at = timezone.now()
    event = archive(report, staff, at=closed_at)
    from layan.notifications.services import build_notifications, deliver

    (notification,) = build_notifications(event)
    assert deliver(notification) and mail.outbox[-1].to == [EMAIL]  # the closing update reaches the reporter first
    assert privacy.erase_due_contacts(at=closed_at + dt.timedelta(minutes=5)) == 0  # within the grace
    assert privacy.erase_due_contacts(at=closed_at + privacy.ANONYMOUS_GRACE + dt.timedelta(minutes=1)) == 1
    citizen = Citizen.objects.get(pk=report.reporter_id)
    assert (citizen.name, citizen.phone, citizen.email, citizen.nik, citizen.phone_index) == ("", "", "", "", "")
    assert citizen.erased_at is not None
    assert not Follower.objects.filter(report=report).exists()
    notification.refresh_from_db()
    assert (notification.recipient, notification.recipient_index) == ("", "")
    assert Report.objects.filter(pk=report.pk, state=Report.State.ARSIP).exists()  # the report stays
    assert Citizen.objects.get(pk=still_open.reporter_id).phone == "+6281234567890"
    assert list(find_for_caller(PHONE, caller_desk())) == [] or report not in find_for_caller(PHONE, caller_desk())


def test_other_reporters_contact_is_erased_after_the_retention_period(demo_agencies, staff, settings):
    settings.LAYAN_CONTACT_RETENTION_DAYS = 30
    report = make_report()
    closed_at = timezone.now()
    archive(report, staff, at=closed_at)
    assert privacy.erase_due_contacts(at=closed_at + dt.timedelta(days=29)) == 0
    assert Citizen.objects.get(pk=report.reporter_id).email == EMAIL
    call_command("erase_contacts", stdout=open("/dev/null", "w"))  # noqa: SIM115 - nothing due yet
    assert Citizen.objects.get(pk=report.reporter_id).email == EMAIL
    assert privacy.erase_due_contacts(at=closed_at + dt.timedelta(days=31)) == 1
    assert not Citizen.objects.get(pk=report.reporter_id).has_contact


def test_the_reporter_downloads_their_data_and_erases_it_after_confirming(client, demo_agencies, staff):
    report = make_report(privacy=Report.Privacy.ANONIM)
    page = client.get(report.reporter_url(report.secret)).content.decode()
    download_url = reverse("reports:my-data", args=[report.tracking_number, report.secret])
    erase_url = reverse("reports:erase-my-data", args=[report.tracking_number, report.secret])
    assert download_url in page and erase_url in page
    response = client.get(download_url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["reporter"]["phone"] == "+6281234567890" and data["reporter"]["email"] == EMAIL
    assert (data["reporter"]["name"], data["reporter"]["nik"]) == ("", "")  # never kept for an anonymous report
    assert [r["tracking_number"] for r in data["reports"]] == [report.tracking_number]
    assert data["updates_by_email"][0]["email"] == EMAIL
    assert client.get(reverse("reports:my-data", args=[report.tracking_number, "tebakan"])).status_code == 404
    confirm = client.get(erase_url)
    assert confirm.status_code == 200 and 'name="confirm" value="ya"' in confirm.content.decode()
    assert Citizen.objects.get(pk=report.reporter_id).has_contact  # asking is not yet erasing
    assert client.post(erase_url, {}).status_code == 200  # no confirmation: nothing happens
    assert Citizen.objects.get(pk=report.reporter_id).has_contact
    response = client.post(erase_url, {"confirm": "ya"}, follow=True)
    assert response.status_code == 200 and "sudah dihapus" in response.content.decode()
    assert not Citizen.objects.get(pk=report.reporter_id).has_contact
    assert Report.objects.filter(pk=report.pk).exists() and not Follower.objects.filter(report=report).exists()
    assert json.loads(client.get(download_url).content)["reporter"]["phone"] == ""


def test_erasing_keeps_the_reports_and_unlinks_the_account(demo_agencies, django_user_model):
    user = django_user_model.objects.create_user("warga2")
    report = make_report(reporter=ReporterInfo(name="Warga", email="w@example.com", user=user))
    assert privacy.erase_citizen(report.reporter, unlink_user=True) == [report.pk]
    report.refresh_from_db()
    assert report.reporter.user is None and not report.reporter.has_contact


def test_erasure_clears_the_channel_rows_but_keeps_a_conversation_still_in_use(demo_agencies, staff):
    from layan.channels.models import Conversation, InboundMessage, InboundRequest, OutboundMessage

    sender = ReporterInfo(phone="+6281355556666")
    closed = make_report(privacy=Report.Privacy.ANONIM, reporter=sender, channel=Report.Channel.WHATSAPP)
    still_open = make_report(reporter=sender, title="Masih dibuka", channel=Report.Channel.WHATSAPP)
    conversation = Conversation.objects.create(channel="whatsapp", address=sender.phone, last_report=still_open)
    for number, report in enumerate((closed, still_open)):
        raw = InboundRequest.objects.create(provider="whatsapp", body=f'{{"from": "{sender.phone}"}}'.encode())
        InboundMessage.objects.create(
            request=raw, provider="whatsapp", channel="whatsapp", external_id=f"m{number}", sender=sender.phone,
            conversation=conversation, report=report, parsed={"sender_name": pii.encrypt("Siti")},
        )  # fmt: skip
        OutboundMessage.objects.create(
            provider="whatsapp", channel="whatsapp", to=sender.phone, text="Terima kasih", report=report,
            conversation=conversation, status=OutboundMessage.Status.PENDING,
        )  # fmt: skip
    privacy.erase_citizen(closed.reporter)
    gone = InboundMessage.objects.get(report=closed)
    assert (gone.sender, gone.sender_index, gone.request.body) == ("", "", b"")
    assert "sender_name" not in gone.parsed
    cancelled = OutboundMessage.objects.get(report=closed)
    assert (cancelled.to, cancelled.status) == ("", OutboundMessage.Status.CANCELLED)
    kept = InboundMessage.objects.get(report=still_open)
    assert kept.sender == sender.phone and OutboundMessage.objects.get(report=still_open).to == sender.phone
    conversation.refresh_from_db()
    assert conversation.address == sender.phone  # still serving the open report
