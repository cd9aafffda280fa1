"""Webhooks end to end against a real HTTP receiver on 127.0.0.1: routing, signature, payload privacy, retries
with backoff, giving up, switching a failing subscription off, and sending nothing twice.

The tests run tasks with django-tasks' immediate backend, which cannot defer: a retry whose ``run_after`` lies
in the future runs at once (as in the notifications tests); the backoff is checked on the recorded
``retry_at`` of each attempt instead."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.test import override_settings

from layan.reports.workflow import Actor, perform
from layan.webhooks import services, signing
from layan.webhooks.delivery import attempt, backoff, enqueue_attempt
from layan.webhooks.models import Delivery, EventType, Subscription

from .conftest import agency, dispatch, new_report, subscribe

pytestmark = pytest.mark.django_db
S = Delivery.State


def bodies(receiver):
    return [json.loads(r.body) for r in receiver.requests]


def test_dispatch_sends_one_signed_delivery(receiver, staff, django_capture_on_commit_callbacks):
    sub = subscribe("dsdabm-sby", receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report()  # submitted to Pemkot Surabaya: not DSDABM's business yet
    assert receiver.requests == []
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(report, staff("admin.surabaya"), "dsdabm-sby")  # events "verify" and "dispatch"
    [request] = receiver.requests
    delivery = Delivery.objects.get()
    assert delivery.event_type == "report.dispatched" and delivery.state == S.DELIVERED
    assert delivery.attempts == 1 and delivery.last_status_code == 200 and delivery.delivered_at is not None
    assert delivery.last_response == "status 200"
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert headers["x-layan-event"] == "report.dispatched"
    assert headers["x-layan-delivery"] == str(delivery.pk)
    assert headers["user-agent"] == "Layan-Webhook/1"
    assert headers["content-type"] == "application/json"
    # the signature covers the exact bytes received: checked with verify() and independently with hmac
    signature = headers["x-layan-signature-256"]
    assert signing.verify(request.body, sub.secret, signature)
    expected = "sha256=" + hmac.new(sub.secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)
    assert not signing.verify(request.body, "a-wrong-secret", signature)
    assert not signing.verify(request.body + b" ", sub.secret, signature)
    assert not signing.verify(request.body, sub.secret, "")
    payload = json.loads(request.body)
    assert payload["id"] == str(delivery.pk) and payload["type"] == "report.dispatched"
    assert payload["created_at"].endswith("Z")
    assert payload["report"]["tracking_number"] == report.tracking_number
    assert payload["report"]["url"].endswith(f"/laporan/{report.tracking_number}/")
    assert payload["report"]["description"] == "Air meluap ke jalan setiap hujan deras."
    assert payload["report"]["admin_agency"]["slug"] == "surabaya"
    assert [a["slug"] for a in payload["report"]["dispatched_agencies"]] == ["dsdabm-sby"]
    assert payload["report"]["deadline"] is not None  # the agency's first-response clock
    assert payload["event"]["action"] == "dispatch" and "Didisposisikan" in payload["event"]["note"]
    assert report.secret not in request.body.decode()


def test_updates_escalation_and_closure_reach_the_handling_agency(receiver, staff, django_capture_on_commit_callbacks):
    subscribe("dlh-sby", receiver.url)
    report = new_report()
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(report, staff("admin.surabaya"), "dlh-sby")
        disposition = report.dispositions.get()
        perform(report, "accept", Actor(user=staff("penghubung.dlh-sby")), disposition=disposition)
        perform(report, "note", Actor(user=staff("penghubung.dlh-sby")), note="catatan internal")
        perform(report, "resolve", Actor(user=staff("penghubung.dlh-sby")), disposition=disposition, note="Beres.")
        perform(report, "confirm", Actor(reporter_secret=report.secret))
    types = [(b["type"], b["event"]["action"]) for b in bodies(receiver)]
    assert types == [
        ("report.dispatched", "dispatch"),
        ("report.updated", "accept"),
        ("report.updated", "resolve"),
        ("report.closed", "confirm"),
    ]  # the internal note is not an update anyone outside hears of
    assert bodies(receiver)[-1]["report"]["state"] == "ditutup"


def test_sweep_escalation_is_delivered_as_escalated(receiver, staff, django_capture_on_commit_callbacks):
    from layan.deadlines.models import Clock, Step
    from layan.deadlines.sweep import sweep

    subscribe("dlh-sby", receiver.url, events=[EventType.ESCALATED])
    report = dispatch(new_report(), staff("admin.surabaya"), "dlh-sby")
    clock = Clock.objects.get(report=report, step=Step.FIRST_RESPONSE)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(clock.remind_at + dt.timedelta(minutes=1))  # reminder to the liaison officer (internal)
        sweep(clock.due_at + dt.timedelta(minutes=1))  # escalation to the head (public)
    escalations = [(b["event"]["action"], b["event"]["escalation"]) for b in bodies(receiver)]
    assert escalations == [("reminder", "liaison"), ("escalation", "head")]
    assert all(b["type"] == "report.escalated" for b in bodies(receiver))
    with django_capture_on_commit_callbacks(execute=True):
        sweep(clock.due_at + dt.timedelta(minutes=2))  # nothing new is due: nothing sent again
    assert len(receiver.requests) == 2


def test_events_of_another_agency_are_not_delivered(receiver, staff, django_capture_on_commit_callbacks):
    subscribe("dlh-sby", receiver.url)
    subscribe("pupr-tuban", receiver.url)  # another government altogether
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")
    assert receiver.requests == [] and not Delivery.objects.exists()


def test_units_are_heard_only_with_include_units(receiver, staff, django_capture_on_commit_callbacks):
    parent = agency("dlh-sby")
    unit = agency("dsdabm-sby")
    unit.parent = parent
    unit.save(update_fields=["parent"])
    narrow = subscribe("dlh-sby", receiver.url, events=[EventType.DISPATCHED])
    wide = subscribe("dlh-sby", receiver.url, events=[EventType.DISPATCHED], include_units=True)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")
    assert list(Delivery.objects.values_list("subscription", flat=True)) == [wide.pk]
    assert narrow.deliveries.count() == 0


def test_anonymous_reporter_never_in_payload(receiver, staff, django_capture_on_commit_callbacks):
    subscribe("dsdabm-sby", receiver.url)
    report = new_report(privacy="anonim", name="Rahasia Sekali", phone="081299998888", email="anon@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(report, staff("admin.surabaya"), "dsdabm-sby")
    [request] = receiver.requests
    text = request.body.decode()
    for secret_bit in ("Rahasia Sekali", "81299998888", "anon@example.com", report.secret):
        assert secret_bit not in text
    assert "reporter" not in json.loads(text)["report"]


def test_named_reporter_is_shown_to_the_handling_agency(receiver, staff, django_capture_on_commit_callbacks):
    subscribe("dsdabm-sby", receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")
    assert bodies(receiver)[0]["report"]["reporter"]["name"] == "Siti Aminah"


def test_confidential_content_only_to_the_handling_agency(receiver, staff, django_capture_on_commit_callbacks):
    handling = subscribe("dsdabm-sby", receiver.url)
    subscribe("dlh-sby", receiver.url)
    report = new_report(privacy="rahasia")
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(report, staff("admin.surabaya"), "dsdabm-sby")
    [payload] = bodies(receiver)
    assert Delivery.objects.get().subscription == handling
    assert payload["report"]["description"] == "Air meluap ke jalan setiap hujan deras."
    assert payload["report"]["url"] is None  # no public page for a confidential report
    # what another agency's system would be given for the same report: no text, no reporter
    from layan.webhooks.payloads import report_data

    other = report_data(report, list(report.dispositions.all()), {agency("dlh-sby").pk}, {agency("dlh-sby").pk})
    assert other["description"] is None and other["title"] is None and "reporter" not in other


def test_duplicate_hook_call_creates_one_delivery(receiver, staff, django_capture_on_commit_callbacks):
    subscribe("dsdabm-sby", receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report = dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")
    event = report.events.get(action="dispatch")
    opened = {str(event.pk): list(report.dispositions.values_list("pk", flat=True))}
    assert services.fan_out([event.pk], opened) == []  # a second run of the same fan-out task
    assert Delivery.objects.count() == 1 and len(receiver.requests) == 1
    delivery = Delivery.objects.get()
    assert attempt(delivery.pk, 1) is None  # the same attempt again: not claimed, not sent
    assert len(receiver.requests) == 1


def test_failed_delivery_is_retried_with_backoff(receiver, staff, django_capture_on_commit_callbacks):
    receiver.script = [500]
    subscribe("dsdabm-sby", receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")
    delivery = Delivery.objects.get()
    first, second = delivery.attempt_log.all()
    assert first.status_code == 500 and "500" in first.error
    assert first.retry_at - first.started_at >= dt.timedelta(minutes=1)
    assert first.retry_at - first.started_at < dt.timedelta(minutes=1, seconds=30)
    assert second.status_code == 200 and second.retry_at is None
    assert delivery.state == S.DELIVERED and delivery.attempts == 2 and delivery.next_attempt_at is None
    # both requests carried the same delivery id and the same body
    assert len({r.body for r in receiver.requests}) == 1
    assert len({r.headers["X-Layan-Delivery"] for r in receiver.requests}) == 1


def test_backoff_doubles():
    assert [backoff(n) for n in range(1, 7)] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32)]
    assert backoff(30) == dt.timedelta(hours=6)


@override_settings(LAYAN_WEBHOOK_MAX_ATTEMPTS=3)
def test_gives_up_after_max_attempts(receiver, staff, django_capture_on_commit_callbacks):
    receiver.script = [500, 502, 503, 200]
    sub = subscribe("dsdabm-sby", receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")
    delivery = Delivery.objects.get()
    assert delivery.state == S.GAVE_UP and delivery.attempts == 3 and len(receiver.requests) == 3
    assert delivery.last_status_code == 503 and delivery.next_attempt_at is None
    retries = [a.retry_at and a.retry_at - a.started_at for a in delivery.attempt_log.all()]
    assert retries[0] >= dt.timedelta(minutes=1) and retries[1] >= dt.timedelta(minutes=2) and retries[2] is None
    sub.refresh_from_db()
    assert sub.failure_streak == 1 and sub.is_active
    # the admin sends it again by hand: one more attempt, now answered
    with django_capture_on_commit_callbacks(execute=True):
        services.redeliver(delivery)
    delivery.refresh_from_db()
    assert delivery.state == S.DELIVERED and delivery.attempts == 4
    sub.refresh_from_db()
    assert sub.failure_streak == 0


@override_settings(LAYAN_WEBHOOK_MAX_ATTEMPTS=1, LAYAN_WEBHOOK_DISABLE_AFTER=2)
def test_subscription_disabled_after_a_streak_of_give_ups(receiver, staff, django_capture_on_commit_callbacks):
    receiver.script = [500] * 10
    sub = subscribe("dsdabm-sby", receiver.url, events=[EventType.UPDATED])
    report = dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")
    disposition = report.dispositions.get()
    user = staff("penghubung.dsdabm-sby")
    with django_capture_on_commit_callbacks(execute=True):
        perform(report, "accept", Actor(user=user), disposition=disposition)
        perform(report, "progress", Actor(user=user), disposition=disposition, stage="cek_lapangan", note="Dicek.")
        perform(report, "progress", Actor(user=user), disposition=disposition, stage="pengerjaan", note="Dikerjakan.")
    sub.refresh_from_db()
    assert not sub.is_active and sub.failure_streak == 2
    assert "2 pengiriman berturut-turut gagal" in sub.disabled_reason
    assert len(receiver.requests) == 2  # the third event found the subscription switched off
    assert Delivery.objects.filter(state=S.GAVE_UP).count() == 2
    services.set_active(sub, True)
    sub.refresh_from_db()
    assert sub.is_active and sub.failure_streak == 0 and sub.disabled_reason == ""


def test_no_query_for_events_when_nobody_subscribes(staff, django_assert_num_queries):
    from layan.webhooks.hooks import report_event_recorded

    report = dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")
    event = report.events.last()
    report_event_recorded(event)  # fills the cache
    with django_assert_num_queries(0):
        for _ in range(50):
            report_event_recorded(event)


def test_new_subscription_is_heard_at_once(receiver, staff, django_capture_on_commit_callbacks):
    report = new_report()  # caches "nobody subscribes"
    subscribe("surabaya", receiver.url, events=[EventType.UPDATED])
    with django_capture_on_commit_callbacks(execute=True):
        perform(report, "verify", Actor(user=staff("admin.surabaya")))
    assert [b["event"]["action"] for b in bodies(receiver)] == ["verify"]


def test_ping_and_rotated_secret(receiver, django_capture_on_commit_callbacks, demo_agencies):
    sub = subscribe("dsdabm-sby", receiver.url)
    old = sub.secret
    new = services.rotate_secret(sub)
    assert new != old and len(bytes.fromhex(new)) == 32
    with django_capture_on_commit_callbacks(execute=True):
        services.send_ping(sub)
    [request] = receiver.requests
    assert request.headers["X-Layan-Event"] == "ping"
    assert signing.verify(request.body, new, request.headers["X-Layan-Signature-256"])
    assert not signing.verify(request.body, old, request.headers["X-Layan-Signature-256"])


def test_disabled_subscription_sends_nothing(receiver, staff, django_capture_on_commit_callbacks):
    sub = subscribe("dsdabm-sby", receiver.url)
    services.set_active(sub, False)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")
    assert receiver.requests == [] and not Delivery.objects.exists()


def test_pending_delivery_of_a_switched_off_subscription_gives_up_quietly(receiver, staff, demo_agencies):
    sub = subscribe("dsdabm-sby", receiver.url)
    delivery = services.send_ping(sub)  # its attempt is queued for after the commit, which never comes here
    Subscription.objects.filter(pk=sub.pk).update(is_active=False)
    enqueue_attempt(delivery.pk, 1)
    delivery.refresh_from_db()
    assert delivery.state == S.GAVE_UP and receiver.requests == []
    sub.refresh_from_db()
    assert sub.failure_streak == 0  # not the receiver's fault
