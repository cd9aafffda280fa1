import os
import subprocess
import sys

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings

from layan.core import pii
from layan.core.models import Region
from layan.notifications.models import Notification
from layan.notifications.services import build_notifications, deliver
from layan.reports import keys
from layan.reports.models import Follower
from layan.reports.services import NewReport, ReporterInfo, follow, submit_report
from layan.reports.tests.links import reporter_keys_in, working_reporter_link_in
from layan.reports.workflow import Actor, perform


def new_report(email="warga@example.com", privacy="publik"):
    return submit_report(
        NewReport(
            title="Saluran tersumbat",
            description="Air meluap ke jalan tiap hujan.",
            region=Region.objects.get(code="35.78.05.1001"),
            privacy=privacy,
        ),
        reporter=ReporterInfo(name="Budi", email=email),
    )


@pytest.mark.django_db
def test_reporter_gets_secret_link_follower_gets_public_page(demo_agencies, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report()
    assert len(mail.outbox) == 1
    assert report.tracking_number in mail.outbox[0].subject
    assert working_reporter_link_in(mail.outbox[0].body, report)
    assert report.secret not in mail.outbox[0].body  # a fresh key of its own, not the confirmation page's
    (stored,) = Notification.objects.all()
    assert stored.reporter_link and keys.PLACEHOLDER in stored.body and not reporter_keys_in(stored.body, report)
    follow(report, "tetangga@example.com")
    Follower.objects.filter(email_index=pii.email_index("tetangga@example.com")).update(confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        perform(report, "verify", Actor(user=staff("admin.surabaya")), agencies=[demo_agencies["dsdabm-sby"]])
    to_neighbour = [m for m in mail.outbox if m.to == ["tetangga@example.com"]]
    assert to_neighbour and all(not reporter_keys_in(m.body, report) for m in to_neighbour)
    assert all(f"/laporan/{report.tracking_number}/" in m.body for m in to_neighbour)


@pytest.mark.django_db
def test_internal_events_notify_nobody(demo_agencies, staff, django_capture_on_commit_callbacks):
    report = new_report()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        perform(report, "note", Actor(user=staff("admin.surabaya")), note="internal")
    assert mail.outbox == []


@pytest.mark.django_db
def test_confidential_report_notifies_only_the_reporter(demo_agencies, staff, django_capture_on_commit_callbacks):
    report = new_report(privacy="rahasia")
    follow(report, "orang-lain@example.com")
    Follower.objects.filter(email_index=pii.email_index("orang-lain@example.com")).update(confirmed=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        perform(report, "verify", Actor(user=staff("admin.surabaya")))
    assert [m.to for m in mail.outbox] == [["warga@example.com"]]


@pytest.mark.django_db
def test_failed_send_is_recorded_retried_and_never_sent_twice(demo_agencies):
    report = new_report()
    event = report.events.get()
    (notification,) = build_notifications(event)
    with override_settings(EMAIL_BACKEND="layan.notifications.tests.failing_backend.FailingBackend"):
        assert deliver(notification) is False
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING and notification.attempts == 1
    assert "SMTP down" in notification.last_error
    mail.outbox.clear()
    assert deliver(notification) is True
    assert deliver(notification) is True  # already sent: nothing more goes out
    assert len(mail.outbox) == 1
    assert build_notifications(event)[0].pk == notification.pk  # rebuilding does not duplicate


@pytest.mark.django_db(transaction=True)
def test_no_lock_is_held_while_the_mail_server_is_talked_to(demo_agencies):
    """The hand-off to the mail server runs outside any transaction: the web process may write meanwhile (with a
    transaction held, SQLite's whole database, or PostgreSQL's notification row, stayed locked for as long as a
    slow mail server took, and other writers failed with "database is locked")."""
    from .probing_backend import PROBES

    report = new_report()  # its notification is sent at once here (immediate tasks): send it again
    (notification,) = build_notifications(report.events.get())
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.PENDING, sent_at=None)
    PROBES.clear()
    with override_settings(EMAIL_BACKEND="layan.notifications.tests.probing_backend.ProbingBackend"):
        assert deliver(notification) is True
    assert PROBES == ["written"]
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.claimed_until is None


@pytest.mark.django_db
def test_a_notification_another_worker_holds_is_left_to_it_until_its_claim_expires(demo_agencies):
    import datetime as dt

    from django.utils import timezone

    report = new_report()
    (notification,) = build_notifications(report.events.get())
    Notification.objects.filter(pk=notification.pk).update(claimed_until=timezone.now() + dt.timedelta(seconds=60))
    mail.outbox.clear()
    assert deliver(notification) is None and mail.outbox == []  # held: not sent twice
    Notification.objects.filter(pk=notification.pk).update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert deliver(notification) is True and len(mail.outbox) == 1  # its holder died: sent once, now


@pytest.mark.django_db
def test_a_notification_left_pending_is_queued_again_by_the_sweep(demo_agencies):
    """Its retry was never queued (or its task lost): the worker's sweep slot sends it, once, an hour later."""
    import datetime as dt

    from django.utils import timezone

    from layan.notifications.services import redrive_pending

    report = new_report()
    (notification,) = build_notifications(report.events.get())
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.PENDING, attempts=1)
    mail.outbox.clear()
    assert redrive_pending() == 0  # not yet: its retries may still be on their way
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert redrive_pending() == 1  # the immediate backend of the tests sends it at once
    assert len(mail.outbox) == 1 and redrive_pending() == 0
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_real_worker_process_sends_queued_notifications(demo_agencies, tmp_path):
    """The transition only queues; a separate `layan worker` process delivers."""
    from django_tasks_db.models import DBTaskResult

    from layan.routing.tasks import retrain_router

    queues = ["default", "notifications", "sweeps", "training"]
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": queues}}):
        report = new_report()
        retraining = retrain_router.enqueue()
    assert not Notification.objects.exists()  # nothing sent inside the request
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "layan.settings.demo",
        "LAYAN_DATA_DIR": str(tmp_path / "data"),
    }
    worker = [sys.executable, "-m", "layan", "worker", "--batch"]
    # a worker for the training queue alone (a long retraining must not hold up notifications) leaves them queued
    result = subprocess.run([*worker, "--queues", "training"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert DBTaskResult.objects.get(id=retraining.id).status == "SUCCESSFUL"
    assert not Notification.objects.exists()
    result = subprocess.run(worker, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    notification = Notification.objects.get(event__report=report)
    assert notification.status == Notification.Status.SENT
    sent_files = list(tmp_path.glob("*.log"))
    assert sent_files and report.tracking_number in sent_files[0].read_text()


@pytest.mark.django_db
def test_the_admin_shows_neither_the_recipient_nor_a_working_link(
    admin_client, demo_agencies, staff, django_capture_on_commit_callbacks
):
    """Who hears of a report is its reporter's identity, and a stored body must not let anyone act as them."""
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report(email="siti.aminah@example.com", privacy="anonim")
        perform(report, "verify", Actor(user=staff("admin.surabaya")), agencies=[demo_agencies["dsdabm-sby"]])
    note = Notification.objects.filter(recipient_index=pii.email_index("siti.aminah@example.com")).first()
    assert note is not None and note.reporter_link
    for url in ("/admin/notifications/notification/", f"/admin/notifications/notification/{note.pk}/change/"):
        body = admin_client.get(url).content.decode()
        assert "siti.aminah" not in body and "s***@example.com" in body, url
        assert not reporter_keys_in(body, report), url
    found = admin_client.get("/admin/notifications/notification/", {"q": "siti.aminah@example.com"})
    assert "s***@example.com" not in found.content.decode()  # no search by address either
