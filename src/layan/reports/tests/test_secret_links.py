"""Secret links are stored as hashes, never in readable rows (issue 15).

Attacks: read every row of the database (as a dump, the admin or a backup would), then try the links found
there; try the keys that were given out; try a long or wrong key. And the migration: links given out before it
keep working, and message rows stored before it lose their link.
"""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from layan.core import pii
from layan.core.models import Region
from layan.notifications.models import Notification
from layan.reports import keys
from layan.reports.models import Follower, PendingUpload, ReporterKey, secret_digest
from layan.reports.services import NewReport, ReporterInfo, follow, submit_report
from layan.reports.tests.links import reporter_keys_in
from layan.reports.tests.test_public_pages import form_data, jpeg_with_gps
from layan.reports.workflow import Actor, perform

VILLAGE = "35.78.05.1001"


def new_report(**kw):
    return submit_report(
        NewReport(
            title="Saluran tersumbat di Jl. Tegalsari",
            description="Air meluap ke jalan tiap hujan.",
            region=Region.objects.get(code=VILLAGE),
            **kw,
        ),
        reporter=ReporterInfo(name="Siti Aminah", phone="+6281234567890", email="siti@example.com"),
    )


def database_dump() -> str:
    """Every row of every table, as ``dumpdata`` writes them (what a database dump or a backup holds)."""
    out = io.StringIO()
    call_command("dumpdata", "--all", "--natural-foreign", stdout=out)
    return out.getvalue()


def confirmation_link(text: str, report) -> str:
    return re.search(rf"/laporan/{report.tracking_number}/ikuti/([A-Za-z0-9_-]+)/", text)[1]


@pytest.mark.django_db
def test_no_row_of_the_database_holds_a_key_that_acts_as_the_reporter(
    client, demo_agencies, staff, django_capture_on_commit_callbacks
):
    # a reporter by the web form (confirmation key), with a photo parked by a form error first (upload token)
    response = client.post(reverse("reports:submit"), {**form_data(title=""), "attachments": [jpeg_with_gps()]})
    upload_token = re.search(r'name="pending_upload" value="([^"]+)"', response.content.decode())[1]
    assert PendingUpload.objects.get().token_digest == secret_digest(upload_token)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:submit"), {**form_data(), "pending_upload": upload_token})
    assert response.status_code == 302
    given_keys = [response["Location"].rstrip("/").rsplit("/", 1)[1]]
    report = ReporterKey.objects.filter(purpose="intake").get().report
    # a neighbour asks to follow (confirmation link by e-mail), every update reaches the reporter by e-mail
    with django_capture_on_commit_callbacks(execute=True):
        follow(report, "tetangga@example.com")
    (confirmation,) = [m for m in mail.outbox if m.to == ["tetangga@example.com"]]
    follow_token = confirmation_link(confirmation.body, report)
    with django_capture_on_commit_callbacks(execute=True):
        perform(report, "verify", Actor(user=staff("admin.surabaya")), agencies=[demo_agencies["dsdabm-sby"]])
    to_reporter = [m.body for m in mail.outbox if m.to == ["siti@example.com"]]
    assert len(to_reporter) >= 2  # the submission, the verification and its dispatch
    for body in to_reporter:
        given_keys += reporter_keys_in(body, report)
    assert len(set(given_keys)) == 1 + len(to_reporter)  # the confirmation page's and one fresh key per e-mail
    assert all(keys.matches(report, key) for key in given_keys)

    dump = database_dump()
    for key in [*given_keys, follow_token, upload_token]:
        assert key not in dump
    assert report.tracking_number in dump and "siti@example.com" in dump  # the dump did read the rows
    # whatever link-shaped text the rows hold opens nothing
    for found in re.findall(r"/lacak/([0-9A-Z]{4}-[0-9A-Z]{4})/([^/\s\"\\]+)/", dump):
        assert Client().get(reverse("reports:reporter", args=found)).status_code == 404
    stored = Notification.objects.filter(recipient_index=pii.email_index("siti@example.com"))
    assert stored.count() == len(to_reporter) and all(n.reporter_link and keys.PLACEHOLDER in n.body for n in stored)


@pytest.mark.django_db
def test_each_key_given_out_works_and_a_wrong_or_huge_key_is_a_plain_404(client, demo_agencies):
    report = new_report(privacy="rahasia")
    assert client.get(report.reporter_url(report.secret)).status_code == 200
    fresh = keys.mint(report, "test")
    assert fresh != report.secret and client.get(report.reporter_url(fresh)).status_code == 200
    other = new_report()
    for wrong in (other.secret, report.secret[:-1], report.secret.upper(), "x" * 5000, secret_digest(report.secret)):
        assert client.get(report.reporter_url(wrong)).status_code == 404, wrong
        assert client.get(reverse("reports:submitted", args=[report.tracking_number, wrong])).status_code == 404
    assert not keys.matches(report, "") and not keys.matches(report, None)
    # the API's reporter header (a confidential report: nobody else may read it): the same keys, the same refusal
    url = reverse("api:report-detail", args=[report.tracking_number])
    assert client.get(url, HTTP_X_REPORTER_SECRET=fresh).status_code == 200
    assert client.get(url, HTTP_X_REPORTER_SECRET=other.secret).status_code in (403, 404)


@pytest.mark.django_db
def test_a_follow_confirmation_key_lives_only_in_the_email(
    client, demo_agencies, settings, django_capture_on_commit_callbacks
):
    settings.LAYAN_PUBLISH_ON_SUBMIT = True  # only a public report can be followed
    report = new_report()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        follower = follow(report, "tetangga@example.com")
    token = confirmation_link(mail.outbox[0].body, report)
    follower.refresh_from_db()
    assert follower.token_digest == secret_digest(token) and token not in database_dump()
    assert client.get(reverse("reports:follow-confirm", args=[report.tracking_number, follower.token_digest]))
    follower.refresh_from_db()
    assert not follower.confirmed  # the digest itself is no key
    client.get(reverse("reports:follow-confirm", args=[report.tracking_number, token]))
    follower.refresh_from_db()
    assert follower.confirmed


MIGRATE_FROM = [
    ("reports", "0010_publication_and_attachment_public_id"),
    ("notifications", "0002_initial"),
    ("channels", "0003_inbound_status_index"),
]
MIGRATE_TO = [
    ("reports", "0011_reporter_keys_as_hashes"),
    ("notifications", "0003_reporter_link_rendered_at_send"),
    ("channels", "0004_reporter_link_rendered_at_send"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_the_secrets_and_scrubs_the_stored_messages(demo_agencies):
    old = "K" * 32
    follow_token, upload_token = "F" * 32, "U" * 32
    link = f"https://lapor.example.go.id/lacak/K7QM-3XPA/{old}/"
    try:
        apps = migrate(MIGRATE_FROM)
        Report = apps.get_model("reports", "Report")
        Agency = apps.get_model("core", "Agency")
        report = Report.objects.create(
            tracking_number="K7QM-3XPA",
            secret=old,
            title="Lama",
            description="Laporan dari sebelum migrasi.",
            admin_agency=Agency.objects.get(slug="surabaya"),
        )
        Report.objects.create(
            tracking_number="K7QM-3XPB",
            secret="B" * 32,
            title="Lain",
            description="Lain.",
            admin_agency=report.admin_agency,
        )
        apps.get_model("reports", "Follower").objects.create(report=report, email="a@example.com", token=follow_token)
        apps.get_model("reports", "PendingUpload").objects.create(
            token=upload_token, file="sementara/x.jpg", original_name="x.jpg", content_type="image/jpeg", size=1
        )
        event = apps.get_model("reports", "ReportEvent").objects.create(report=report, action="verify")
        apps.get_model("notifications", "Notification").objects.create(
            event=event, recipient="a@example.com", subject="s", body=f"Ikuti di: {link}\n--\nLayan", status="sent"
        )
        apps.get_model("channels", "OutboundMessage").objects.create(
            provider="wa", channel="whatsapp", to="+62811", text=f"Laporan K7QM-3XPA: {link}", report_id=report.pk
        )
    finally:
        migrate(MIGRATE_TO)
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # and every later migration

    from layan.channels.models import OutboundMessage
    from layan.reports.models import Report

    report = Report.objects.get(tracking_number="K7QM-3XPA")
    assert keys.matches(report, old) and not keys.matches(report, "B" * 32)  # the old link keeps working
    assert Client().get(f"/lacak/K7QM-3XPA/{old}/").status_code == 200
    assert Follower.objects.get(report=report).token_digest == secret_digest(follow_token)
    assert PendingUpload.objects.get().token_digest == secret_digest(upload_token)
    note = Notification.objects.get()
    assert note.body == f"Ikuti di: {keys.PLACEHOLDER}\n--\nLayan" and note.reporter_link
    message = OutboundMessage.objects.get()
    assert message.text == f"Laporan K7QM-3XPA: {keys.PLACEHOLDER}" and message.reporter_link
    assert old not in database_dump()
