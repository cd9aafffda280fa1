"""The soak: concurrent intake through every door while a worker is killed and replaced, on loopback only.

Layan runs as real processes against the test database: the web server (``layan_server``, tasks queued in the
database), the SMTP gateway (``layan mail-gateway``) and ``layan worker``. Clients in threads file reports through
the web form, the REST API and Open311 (each retried with the same Idempotency-Key), and the WhatsApp, Telegram
and SMS webhooks (real provider payloads, each delivered twice with the same message id) and e-mail to the gateway
(each delivered twice with the same Message-ID). The first worker is SIGKILLed while it hands over its third e-mail;
a second worker takes over what it left. Then: every accepted report is stored exactly once, and every
notification, e-mail (the file mail backend) or provider message (the provider recorder), went out exactly once.

Bounded: SUBMISSIONS reports per door (``LAYAN_SOAK_SUBMISSIONS``, 3: about 20 s), each wait at most a minute.
Select it with ``-m soak``; it also runs in the suite."""

import email
import json
import os
import re
import signal
import smtplib
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db.models import Q
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from layan.api.models import ApiKey
from layan.api.tests.test_open311 import make_categories
from layan.channels.models import InboundMessage, OutboundMessage
from layan.channels.tests.conftest import provider_api  # noqa: F401  (fixture)
from layan.core.models import Agency
from layan.notifications.models import Notification
from layan.ops.tests.processes import Process, free_port
from layan.ops.tests.test_leases import start_worker, wait_for, worker_env
from layan.reports.models import Report

pytestmark = [pytest.mark.soak, pytest.mark.django_db(transaction=True)]

SUBMISSIONS = int(os.environ.get("LAYAN_SOAK_SUBMISSIONS", "3"))  # per door: form, API, Open311, WA, TG, SMS, mail
PHONE_NUMBER_ID = "106540352242922"
WA_SECRET = "rahasia-aplikasi-meta"
BOT_TOKEN = "7012345678:AAH-uji-token-bot-layan"
TG_SECRET = "rahasia-webhook-telegram_1"
SMS_SECRET = "rahasia-gateway-sms"
REPORT_ADDRESS = "lapor@layan.localhost"
PAYLOADS = Path(__file__).resolve().parents[2] / "src" / "layan" / "channels" / "tests" / "payloads"


@pytest.fixture
def channel_env(provider_api):  # noqa: F811
    """The providers' settings of every Layan process: the recorder stands in for their APIs."""
    provider_api.answer(
        f"/v21.0/{PHONE_NUMBER_ID}/messages", 200, {"messaging_product": "whatsapp", "messages": [{"id": "wamid.x"}]}
    )
    provider_api.answer(f"/bot{BOT_TOKEN}/sendMessage", 200, {"ok": True, "result": {"message_id": 2001}})
    provider_api.answer("/api/sms/send", 200, {"status": "queued", "message_id": "gw-out-1"})
    return {
        "WHATSAPP_VERIFY_TOKEN": "token-verifikasi-layan",
        "WHATSAPP_APP_SECRET": WA_SECRET,
        "WHATSAPP_ACCESS_TOKEN": "EAAGtoken-uji",
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_GRAPH_URL": f"{provider_api.url}/v21.0",
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_SECRET_TOKEN": TG_SECRET,
        "TELEGRAM_API_URL": provider_api.url,
        "SMS_INBOUND_SECRET": SMS_SECRET,
        "SMS_SEND_URL": f"{provider_api.url}/api/sms/send",
        "SMS_SEND_TOKEN": "token-kirim-sms",
        "SMS_SENDER": "sms",
        "LAYAN_REPORT_EMAIL": REPORT_ADDRESS,
        "LAYAN_PUBLISH_ON_SUBMIT": "true",  # followers hear of every report at once (the soak counts their e-mails)
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": settings.SECRET_KEY,
    }


@pytest.fixture
def layan_server_env(channel_env):
    return channel_env


# --- the doors ----------------------------------------------------------------------------------------------------


def via_form(server: str, n: int) -> str:
    marker = f"Soak formulir {n}: trotoar amblas"
    session = requests.Session()
    page = session.get(f"{server}/lapor/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    data = {
        "csrfmiddlewaretoken": token,
        "type": "pengaduan",
        "title": marker,
        "description": f"{marker}, berbahaya bagi pejalan kaki di depan pasar.",
        "kabkota": "35.78",
        "kecamatan": "35.78.05",
        "desa": "35.78.05.1001",
        "privacy": "publik",
        "name": "Warga Formulir",
        "email": f"formulir{n}@example.com",
        "kirim": "1",
    }
    answer = session.post(f"{server}/lapor/", data=data, headers={"Referer": f"{server}/lapor/"}, timeout=30)
    assert answer.status_code == 200 and "/lapor/terkirim/" in answer.url, answer.text[:2000]
    return marker


def via_api(server: str, n: int, key: str) -> str:
    marker = f"Soak API {n}: saluran tersumbat"
    body = {
        "title": marker,
        "description": f"{marker} sampah sejak seminggu, air meluap ke jalan.",
        "region": "35.78.05.1001",
        "type": "pengaduan",
        "reporter": {"name": "Warga API", "email": f"api{n}@example.com"},
    }
    headers = {"Authorization": f"Api-Key {key}", "Idempotency-Key": f"soak-api-{n}"}
    numbers = set()
    for _attempt in range(2):  # the client did not hear the first answer and sends again
        answer = requests.post(f"{server}/api/v1/reports/", json=body, headers=headers, timeout=30)
        assert answer.status_code in (200, 201), answer.text
        numbers.add(answer.json()["tracking_number"])
    assert len(numbers) == 1
    return marker


def via_open311(server: str, n: int, key: str) -> str:
    marker = f"Soak Open311 {n}: jalan berlubang"
    form = {
        "api_key": key,
        "service_code": "jalan-drainase",
        "lat": "-7.2756",
        "long": "112.7370",
        "email": f"open311-{n}@example.com",
        "first_name": "Warga",
        "last_name": "Open311",
        "description": f"{marker} besar di tengah jalan.",
    }
    numbers = set()
    for _attempt in range(2):
        answer = requests.post(
            f"{server}/open311/v2/requests.json", data=form, headers={"Idempotency-Key": f"soak-311-{n}"}, timeout=30
        )
        assert answer.status_code == 200, answer.text
        numbers.add(answer.json()[0]["service_request_id"])
    assert len(numbers) == 1
    return marker


def via_whatsapp(server: str, n: int) -> str:
    import hashlib
    import hmac

    marker = f"Soak WhatsApp {n} lampu jalan mati"
    payload = json.loads((PAYLOADS / "whatsapp_text.json").read_text())
    value = payload["entry"][0]["changes"][0]["value"]
    sender = f"62812700000{n:02d}"
    value["contacts"][0]["wa_id"] = sender
    value["messages"][0].update(
        {"from": sender, "id": f"wamid.soak-{n}", "text": {"body": f"LAPOR Tegalsari#{marker}"}}
    )
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(WA_SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    for _attempt in range(2):  # Meta delivers again when unsure
        answer = requests.post(f"{server}/kanal/whatsapp/webhook/", data=body, headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
    return marker


def via_telegram(server: str, n: int) -> str:
    marker = f"Soak Telegram {n} pohon tumbang"
    payload = json.loads((PAYLOADS / "telegram_text.json").read_text())
    chat = 523450000 + n
    payload["update_id"] = 871200000 + n
    payload["message"].update({"message_id": 9000 + n, "text": f"LAPOR Tegalsari#{marker}"})
    payload["message"]["from"]["id"] = payload["message"]["chat"]["id"] = chat
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
    for _attempt in range(2):
        answer = requests.post(
            f"{server}/kanal/telegram/webhook/", data=json.dumps(payload), headers=headers, timeout=30
        )
        assert answer.status_code == 200, answer.text
    return marker


def via_sms(server: str, n: int) -> str:
    marker = f"Soak SMS {n} got mampet"
    payload = json.loads((PAYLOADS / "sms_gateway_json.json").read_text())
    payload.update({"msisdn": f"62812800000{n:02d}", "smsId": f"soak-sms-{n}", "message": f"LAPOR Tegalsari#{marker}"})
    headers = {"Content-Type": "application/json", "X-Layan-Token": SMS_SECRET}
    for _attempt in range(2):
        answer = requests.post(f"{server}/kanal/sms/webhook/", data=json.dumps(payload), headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
    return marker


def via_email(port: int, n: int) -> str:
    marker = f"Soak surel {n} sampah menumpuk"
    message = EmailMessage()
    citizen = f"surel{n}@example.id"
    message["From"], message["To"], message["Subject"] = citizen, REPORT_ADDRESS, f"Laporan {n}"
    message["Message-ID"] = f"<soak-{n}@example.id>"
    message.set_content(f"LAPOR Tegalsari#{marker}")
    for _attempt in range(2):  # a mail server retrying after a lost 250
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.send_message(message, from_addr=citizen, to_addrs=[REPORT_ADDRESS])
    return marker


def wait_for_smtp(process: Process, port: int) -> None:
    import socket

    def answers():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
                return connection.recv(3) == b"220"
        except OSError:
            return False

    wait_for(answers, 60, "the mail gateway answers", process)


# --- the run ------------------------------------------------------------------------------------------------------


def settled() -> bool:
    """Nothing left to do: no task due or running, every message handled, every notification and reply sent."""
    busy = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    return (
        not busy.exists()
        and not InboundMessage.objects.filter(status=InboundMessage.Status.RECEIVED).exists()
        and not Notification.objects.exclude(status=Notification.Status.SENT).exists()
        and not OutboundMessage.objects.exclude(status=OutboundMessage.Status.SENT).exists()
    )


def test_soak_every_report_stored_once_every_notification_sent_once(
    layan_server,
    channel_env,
    provider_api,  # noqa: F811
    demo_agencies,
    tmp_path,
):
    started = time.monotonic()
    make_categories()
    agency = Agency.objects.get(slug="surabaya")
    _key, api_key = ApiKey.objects.create_key(name="soak", agency=agency, permissions=["report.intake"])
    mail_dir = tmp_path / "mail"
    smtp_port = free_port()
    gateway = Process(
        ["mail-gateway", "--host", "127.0.0.1", "--port", str(smtp_port)],
        worker_env(tmp_path, **channel_env),
        tmp_path / "gateway.log",
    )
    first = start_worker(tmp_path, "worker1", LAYAN_TEST_MAIL_STALL_AT="3", **channel_env)
    second = None
    try:
        wait_for_smtp(gateway, smtp_port)
        doors = [
            *[(via_form, (layan_server, n)) for n in range(SUBMISSIONS)],
            *[(via_api, (layan_server, n, api_key)) for n in range(SUBMISSIONS)],
            *[(via_open311, (layan_server, n, api_key)) for n in range(SUBMISSIONS)],
            *[(via_whatsapp, (layan_server, n)) for n in range(SUBMISSIONS)],
            *[(via_telegram, (layan_server, n)) for n in range(SUBMISSIONS)],
            *[(via_sms, (layan_server, n)) for n in range(SUBMISSIONS)],
            *[(via_email, (smtp_port, n)) for n in range(SUBMISSIONS)],
        ]
        doors = doors[::3] + doors[1::3] + doors[2::3]  # the doors interleaved
        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(door, *args) for door, args in doors]
            wait_for(lambda: (mail_dir / "stalled").exists(), 60, "the first worker reaches its 3rd e-mail", first)
            os.killpg(first.popen.pid, signal.SIGKILL)  # in the middle of its batch, as the OOM killer would
            first.popen.wait(timeout=10)
            killed_at = time.monotonic()
            second = start_worker(tmp_path, "worker2", **channel_env)
            markers = [future.result(timeout=60) for future in futures]
        wait_for(settled, 60, "the second worker finishes what is left", second)
    finally:
        for process in (first, second, gateway):
            if process is not None:
                process.stop()

    # every accepted report stored exactly once (retries and redeliveries included)
    for marker in markers:
        assert Report.objects.filter(Q(title__contains=marker) | Q(description__contains=marker)).count() == 1, marker
    assert Report.objects.count() == len(markers) == 7 * SUBMISSIONS
    assert set(Report.objects.values_list("channel", flat=True)) == {
        "web",
        "api",
        "open311",
        "whatsapp",
        "telegram",
        "sms",
        "email",
    }

    # the killed worker's task was taken over, not lost
    retaken = [row for row in DBTaskResult.objects.values_list("worker_ids", flat=True) if len(row) > 1]
    assert retaken, "no task of the killed worker was run again"

    # every e-mail went out exactly once: one file per message the database says was sent, per recipient
    mailed = Counter(email.message_from_bytes(p.read_bytes())["To"] for p in mail_dir.glob("*.log"))
    expected = Counter(Notification.objects.filter(status=Notification.Status.SENT).values_list("recipient", flat=True))
    expected.update(OutboundMessage.objects.filter(channel="email").values_list("to", flat=True))
    assert mailed == expected
    assert len(mailed) >= 3 * SUBMISSIONS + SUBMISSIONS  # the form's, the API's, Open311's and e-mail reporters

    # every provider message went out exactly once: no (recipient, text) twice, every message sent reached it
    sent = []
    for request in provider_api.requests:
        data = request.json()
        text = data["text"]["body"] if isinstance(data.get("text"), dict) else data.get("text")
        sent.append((str(data.get("to") or data.get("chat_id")), text))
    assert all(count == 1 for count in Counter(sent).values()), Counter(sent).most_common(3)
    outbound = OutboundMessage.objects.exclude(channel="email")
    assert outbound.count() >= 3 * SUBMISSIONS
    assert len({to for to, _text in sent}) == outbound.values("channel", "to").distinct().count()

    print(
        f"soak: {Report.objects.count()} reports, {sum(mailed.values())} e-mails, {len(sent)} provider messages, "
        f"{InboundMessage.objects.count()} inbound messages; worker killed at {killed_at - started:.1f} s, "
        f"total {time.monotonic() - started:.1f} s"
    )
