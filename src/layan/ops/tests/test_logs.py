"""JSON log lines: the fields a log pipeline reads, and the request id that ties a request's lines together."""

import io
import json
import logging

import pytest

from layan.ops.logs import JsonLineFormatter, request_id


@pytest.fixture
def json_lines():
    """Lines written by the ``django.request`` and ``layan`` loggers while the test runs, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    loggers = [logging.getLogger("django.request"), logging.getLogger("layan.test")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_a_line_carries_time_level_logger_message_exception_and_extra(json_lines):
    log = logging.getLogger("layan.test")
    token = request_id.set("req-7")
    try:
        try:
            raise ValueError("nomor laporan tidak dikenal")
        except ValueError:
            log.exception("gagal memproses %s", "LYN-123", extra={"report": "LYN-123"})
    finally:
        request_id.reset(token)
    log.warning("di luar permintaan")
    first, second = json_lines()
    assert first["level"] == "ERROR"
    assert first["logger"] == "layan.test"
    assert first["message"] == "gagal memproses LYN-123"
    assert first["request_id"] == "req-7"
    assert first["report"] == "LYN-123"
    assert "ValueError: nomor laporan tidak dikenal" in first["exc"]
    assert first["time"].endswith("+00:00")
    assert "request_id" not in second  # no request being served


@pytest.mark.django_db
def test_a_request_keeps_the_proxys_request_id_in_its_log_lines_and_response(client, json_lines):
    response = client.get("/halaman-yang-tidak-ada/", HTTP_X_REQUEST_ID="nginx-5f2a")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "nginx-5f2a"
    (line,) = json_lines()
    assert line["logger"] == "django.request"
    assert line["request_id"] == "nginx-5f2a"
    assert line["status_code"] == 404
    assert "request" not in line  # the request object itself is not dumped


@pytest.mark.django_db
def test_a_request_without_a_sane_id_gets_a_new_one(client):
    first = client.get("/laporan/", HTTP_X_REQUEST_ID="bad id; with spaces")["X-Request-ID"]
    second = client.get("/laporan/")["X-Request-ID"]
    assert len(first) == 32 and len(second) == 32 and first != second
