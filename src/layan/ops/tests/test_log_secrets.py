"""Secrets never reach a log line, and a 403 is one line (path, user id, reason) without a traceback.

The lines are read from the handler the settings configure (LOGGING), with its filter, so a change to the
logging configuration that drops the filter fails here."""

import io
import json
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from layan.core.demo import DEMO_PASSWORD
from layan.ops.logs import JsonLineFormatter, RedactSecrets, logging_config, mask_secrets

SECRETS = {
    "link": "/lacak/LYN-2K7F-9QX3/Zq8v2mP4xR7tW1yB9kD3fH6jL0nS5uA/",
    "submitted": "/lapor/terkirim/LYN-2K7F-9QX3/Zq8v2mP4xR7tW1yB9kD3fH6jL0nS5uA/",
    "follow": "/laporan/LYN-2K7F-9QX3/ikuti/Fo11owT0kenVa1ue99/",
    "bearer": "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.abc123",
    "api_key": "Authorization: Api-Key Kx9.q2Lp0VwZr8sYt3MnB7cD",
    "x_api_key": "X-Api-Key: Kx9.q2Lp0VwZr8sYt3MnB7cD",
    "signature": "X-Layan-Signature-256: sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "hub": "X-Hub-Signature-256=sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "password_form": "username=sysadmin&password=Rahasia-Sekali-123&next=/",
    "password_json": '{"username": "sysadmin", "password": "Rahasia-Sekali-123"}',
    "query_token": "GET /kanal/whatsapp/webhook/?hub.verify_token=VerifyMe-42&hub.challenge=7",
    "db_url": "postgres://layan:Pg-Pass-Word-9@db.internal:5432/layan",
    "telegram": "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage",
    "telegram_secret": "X-Telegram-Bot-Api-Secret-Token: tg-secret-777",
}
SECRET_VALUES = [
    "Zq8v2mP4xR7tW1yB9kD3fH6jL0nS5uA",
    "Fo11owT0kenVa1ue99",
    "c2VjcmV0LXRva2Vu",
    "q2Lp0VwZr8sYt3MnB7cD",
    "9f86d081884c7d659a2feaa0c55ad015",
    "Rahasia-Sekali-123",
    "VerifyMe-42",
    "Pg-Pass-Word-9",
    "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    "tg-secret-777",
]


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_each_kind_of_secret_is_masked(name):
    masked = mask_secrets(f"request failed: {SECRETS[name]} (retrying)")
    assert "[disaring]" in masked
    assert not [value for value in SECRET_VALUES if value in masked]


def test_what_is_not_secret_stays_readable():
    text = "Laporan LYN-2K7F-9QX3 didisposisikan ke DSDABM; GET /laporan/LYN-2K7F-9QX3/ 200; token missing"
    assert mask_secrets(text) == text
    assert mask_secrets("/lacak/") == "/lacak/"


@pytest.fixture
def configured_output():
    """What the handlers of the configured LOGGING write while the test runs (their streams swapped)."""
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecrets) for f in h.filters)]
    assert handlers, "the LOGGING setting's handler lost its RedactSecrets filter"
    stream = io.StringIO()
    old = [handler.setStream(stream) for handler in handlers]
    yield stream.getvalue
    for handler, previous in zip(handlers, old, strict=True):
        handler.setStream(previous)


def test_a_record_with_secrets_in_args_traceback_and_extra_is_masked(configured_output):
    log = logging.getLogger("layan.test")
    try:
        raise ValueError(f"upstream said no to {SECRETS['db_url']}")
    except ValueError:
        log.exception(
            "webhook from %s with %s", SECRETS["link"], SECRETS["signature"], extra={"hdr": SECRETS["bearer"]}
        )
    log.warning("login %s", SECRETS["password_form"])
    output = configured_output()
    assert "ValueError: upstream said no" in output and "/lacak/LYN-2K7F-9QX3/[disaring]/" in output
    assert not [value for value in SECRET_VALUES if value in output], output


@pytest.mark.django_db
def test_a_404_on_a_secret_link_logs_the_path_masked(client, configured_output):
    client.get("/lacak/LYN-ZZZZ-ZZZZ/Zq8v2mP4xR7tW1yB9kD3fH6jL0nS5uA/")
    client.get("/laporan/LYN-ZZZZ-ZZZZ/ikuti/Fo11owT0kenVa1ue99/")
    output = configured_output()
    assert "Zq8v2mP4xR7tW1yB9kD3fH6jL0nS5uA" not in output and "Fo11owT0kenVa1ue99" not in output
    assert "/lacak/LYN-ZZZZ-ZZZZ/[disaring]/" in output


@pytest.mark.django_db
def test_a_permission_denied_is_one_line_with_path_user_and_reason(client, staff, configured_output):
    user = staff("penghubung.dsdabm-sby")
    assert client.login(username=user.username, password=DEMO_PASSWORD)
    response = client.get(reverse("audit-log"))  # a liaison officer may not read the audit trail
    assert response.status_code == 403
    output = configured_output()
    lines = [line for line in output.splitlines() if "Forbidden" in line]
    assert len(lines) == 1, output
    assert "/staf/audit/" in lines[0] and f"user={user.pk}" in lines[0] and "reason=PermissionDenied" in lines[0]
    assert "Traceback" not in output


@pytest.mark.django_db
def test_a_csrf_failure_is_one_line_too(configured_output):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/masuk/", {"username": "x", "password": SECRETS["db_url"]})
    assert response.status_code == 403
    output = configured_output()
    lines = [line for line in output.splitlines() if "Forbidden" in line]
    assert len(lines) == 1 and "CSRF" in lines[0] and "/masuk/" in lines[0] and "user=-" in lines[0], output
    assert "Traceback" not in output and "Pg-Pass-Word-9" not in output


def test_production_json_lines_are_masked_too():
    """The production LOGGING (JSON lines) carries the same filter; a line through it is masked."""
    config = logging_config(json_lines=True)
    assert config["handlers"]["stdout"]["filters"] == ["redact"]
    assert config["filters"]["redact"]["()"] == "layan.ops.logs.RedactSecrets"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(RedactSecrets())
    log = logging.getLogger("layan.test.json")
    log.addHandler(handler)
    try:
        try:
            raise PermissionDenied
        except PermissionDenied:
            log.error("call %s", SECRETS["telegram"], exc_info=True, extra={"headers": SECRETS["api_key"]})
    finally:
        log.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert "/bot[disaring]/sendMessage" in line["message"] and "[disaring]" in line["headers"]
    assert "PermissionDenied" in line["exc"]
    assert not [value for value in SECRET_VALUES if value in stream.getvalue()]


def test_two_handlers_with_the_filter_see_the_same_one_line_403():
    """The record is changed in place once; a second handler's filter leaves it as the first made it."""
    streams = [io.StringIO(), io.StringIO()]
    log = logging.getLogger("django.request")
    handlers = []
    for stream in streams:
        handler = logging.StreamHandler(stream)
        handler.addFilter(RedactSecrets())
        handlers.append(handler)
        log.addHandler(handler)
    try:
        try:
            raise PermissionDenied("bukan wewenang")
        except PermissionDenied as exc:
            log.warning("Forbidden (Permission denied): %s", "/staf/x/", exc_info=exc, extra={"status_code": 403})
    finally:
        for handler in handlers:
            log.removeHandler(handler)
    first, second = (stream.getvalue() for stream in streams)
    assert first == second and "reason=bukan wewenang" in first and "/staf/x/" in first and "Traceback" not in first
    assert first.count("\n") == 1
