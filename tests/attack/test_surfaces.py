"""The rest of the matrix: what leaves Layan without a page (e-mail, stored notifications, channel messages,
webhook payloads), the Django admin, attempts to act on reports one may not touch, and the identity and
publication promises that need data of their own (same phone twice, someone else's phone, a held report).

Same data set and rules as ``test_matrix.py`` (``world.py``)."""

import json
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from layan.reports.models import Report, ReportEvent

from .world import (
    FOLLOWER,
    HANDLERS,
    HANDLING,
    REPORT_KEYS,
    REPORTERS,
    UNRELATED,
    attachment_url,
    compact,
    content_needles,
    found,
    identity_needles,
    readable,
    reporter_secret,
    working_keys,
)

pytestmark = pytest.mark.django_db


# --- positive controls: the needles do find what the allowed roles see (else every "not found" is vacuous) -----


@pytest.mark.parametrize(
    "role,route,key,kinds",
    [
        ("visitor", "reports:public-detail", "P", ("title", "description", "progress")),
        ("visitor", "reports:public-detail", "A", ("title", "description", "progress")),
        ("reporter:C", "reports:reporter", "C", ("title", "description", "progress", "add_info")),
        ("liaison", "reports:staff-detail", "C", ("title", "description", "progress", "internal", "add_info")),
        ("platform_admin", "reports:staff-detail", "P", ("title", "internal")),
        ("key:handling", "api:report-detail", "C", ("title", "description")),
    ],
)
def test_allowed_roles_see_the_content(in_world, role, route, key, kinds):
    world = in_world
    report = world.reports[key]
    kwargs = {"number": report.tracking_number}
    if route == "reports:reporter":
        kwargs["secret"] = reporter_secret(world, key)
    response = world.clients[role].get(reverse(route, kwargs=kwargs))
    assert response.status_code == 200
    text = readable(response.content)
    assert found(text, content_needles(key, kinds)) == list(kinds)


@pytest.mark.parametrize("role,key", [("platform_admin", "P"), ("liaison", "C"), ("head", "C")])
def test_handling_staff_see_the_named_reporter(in_world, role, key):
    world = in_world
    response = world.clients[role].get(reverse("reports:staff-detail", args=[world.reports[key].tracking_number]))
    assert found(readable(response.content), identity_needles(key)) == ["name", "surname", "phone", "email"]


def test_allowed_roles_fetch_the_photo(in_world):
    world = in_world
    assert world.clients["visitor"].get(attachment_url(world.photos["P"])).status_code == 200
    assert world.clients["liaison"].get(attachment_url(world.photos["C"])).status_code == 200
    url = attachment_url(world.photos["C"], reporter_secret(world, "C"))
    assert world.clients["reporter:C"].get(url).status_code == 200


@pytest.mark.parametrize("role", ["call_centre", "platform_admin"])
def test_caller_lookup_finds_the_callers_named_reports(in_world, role):
    """The control of the lookup cases of the matrix: the call centre and the admin of the reporters' government
    do find the public and the confidential report by the caller's phone (never the anonymous one: the matrix)."""
    world = in_world
    for key in ("P", "C"):
        response = world.clients[role].get(reverse("reports:lookup"), {"q": REPORTERS[key]["phone"]})
        assert response.status_code == 200
        assert world.reports[key].tracking_number.lower() in readable(response.content), (role, key)


def test_reporter_downloads_their_own_data(in_world):
    """The reporter of the anonymous report, by their link, gets the contact held about them (the one place it
    is shown: the matrix allows ``reports:my-data`` to that reporter only)."""
    world = in_world
    number = world.reports["A"].tracking_number
    response = world.clients["visitor"].get(reverse("reports:my-data", args=[number, reporter_secret(world, "A")]))
    assert response.status_code == 200
    assert set(found(readable(response.content), identity_needles("A"))) >= {"phone", "email"}
    wrong = reverse("reports:my-data", args=[number, reporter_secret(world, "P")])
    assert world.clients["visitor"].get(wrong).status_code == 404


def test_admin_pages_are_read(in_world):
    """The control of the admin checks: the pages read do show the reports (the system administrator may read
    the confidential report's content, never its reporter)."""
    text = _admin_text(in_world, "reports.Report")
    assert found(text, content_needles("C", ("title",))) == ["title"]


# --- notifications: e-mail outbox, stored notification rows, channel outbound ----------------------------------


def _mail_raw(message) -> str:
    parts = [message.subject, message.body] + [content for content, _type in getattr(message, "alternatives", [])]
    return "\n".join(str(p) for p in parts)


def _mail_text(message) -> str:
    return compact(_mail_raw(message))


def test_outbox_was_filled(in_world):
    """The data set did send mail (reporters, followers), so the checks below read something."""
    recipients = {address for message in in_world.outbox for address in message.to}
    assert REPORTERS["A"]["email"] in recipients and FOLLOWER["A"] in recipients


def test_reporters_get_a_working_link_by_email(in_world):
    """The control of the secret-link checks: each reporter's e-mail does carry a working key of their own link
    (minted when it was sent), so :func:`working_keys` finding none elsewhere means something."""
    world = in_world
    for key in REPORT_KEYS:
        mine = [m for m in world.outbox if m.to == [REPORTERS[key]["email"]]]
        assert mine, key
        assert key in working_keys(world, "\n".join(_mail_raw(m) for m in mine)), key
        assert (
            world.clients["visitor"]
            .get(reverse("reports:reporter", args=[world.reports[key].tracking_number, reporter_secret(world, key)]))
            .status_code
            == 200
        )


def test_emails_tell_each_recipient_only_what_they_may_know(in_world):
    world = in_world
    problems = []
    for message in world.outbox:
        text = _mail_text(message)
        links = working_keys(world, _mail_raw(message))
        for recipient in message.to:
            own = {key for key in REPORT_KEYS if REPORTERS[key]["email"] == recipient}
            for key in REPORT_KEYS:
                if key not in own and found(text, identity_needles(key)):
                    problems.append(f"{recipient}: reporter of {key}")
                if key not in own and key in links:
                    problems.append(f"{recipient}: secret link of {key}")
                if found(text, content_needles(key, ("internal",))):
                    problems.append(f"{recipient}: internal note of {key}")
            if "C" not in own and found(text, content_needles("C", ("title", "description", "progress"))):
                problems.append(f"{recipient}: content of C")
    assert not problems


def test_stored_notifications_carry_no_secret_link(in_world):
    """The stored bodies hold a placeholder where the reporter's link goes; the key is minted at sending."""
    from layan.notifications.models import Notification

    rows = list(Notification.objects.values_list("subject", "body"))
    assert rows
    raw = "\n".join(subject + "\n" + body for subject, body in rows)
    assert working_keys(in_world, raw) == []
    assert [key for key in REPORT_KEYS if reporter_secret(in_world, key) in raw] == []


def test_stored_notifications_name_no_anonymous_reporter(in_world):
    """The bodies kept for sending (the recipient column is encrypted: see the DB scan)."""
    from layan.notifications.models import Notification

    text = compact("\n".join(s + "\n" + b for s, b in Notification.objects.values_list("subject", "body")))
    assert found(text, identity_needles("A")) == []


def test_channel_messages_carry_no_secret_or_hidden_identity(in_world):
    from layan.channels.models import OutboundMessage

    raw = "\n".join(s + "\n" + t for s, t in OutboundMessage.objects.values_list("subject", "text"))
    assert found(compact(raw), identity_needles("A")) == []
    assert working_keys(in_world, raw) == []


# --- webhook payloads ---------------------------------------------------------------------------------------------


def test_webhook_payloads(in_world):
    """What each agency's system received: never the anonymous reporter; the confidential report only to the
    agencies that handle it (the admin government and the agency it was dispatched to)."""
    world = in_world
    bodies = {}
    for path, body in world.receiver.received:
        bodies.setdefault(path.strip("/"), []).append(body)
    assert bodies.get(HANDLING) and bodies.get("surabaya"), "the handling agencies' systems heard the reports"
    for slug, received in bodies.items():
        text = readable(b"\n".join(received))
        assert found(text, identity_needles("A")) == [], slug
        assert working_keys(world, b"\n".join(received).decode()) == [], slug
        for key in REPORT_KEYS:
            assert found(text, content_needles(key, ("internal", "add_info"))) == [], slug
        if slug not in (HANDLING, "surabaya"):
            assert found(text, content_needles("C", ("title", "description", "progress"))) == [], slug
            assert found(text, identity_needles("C")) == [], slug
            assert world.reports["C"].tracking_number.lower() not in text, slug


def test_stored_webhook_deliveries(in_world):
    from layan.webhooks.models import Delivery

    world = in_world
    for slug in (UNRELATED, "tuban"):
        rows = Delivery.objects.filter(subscription=world.subscriptions[slug])
        assert not rows.filter(report=world.reports["C"]).exists()
        text = readable("\n".join(rows.values_list("body", flat=True)).encode())
        assert found(text, content_needles("C", ("title", "description", "progress"))) == []
    text = readable("\n".join(Delivery.objects.values_list("body", flat=True)).encode())
    assert found(text, identity_needles("A")) == []


# --- the Django admin (the system administrator; nobody else is admin staff) -------------------------------------

ADMIN_MODELS = sorted(model._meta.label for model in admin.site._registry)
HISTORY_OF = {"core.Citizen", "reports.Report"}


def _admin_pages(model, limit=25):
    """The changelist and the change page (and the history of people and reports) of up to ``limit`` newest rows
    of ``model`` (the reports' own rows are the newest)."""
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    urls = [reverse(f"{prefix}_changelist")]
    for pk in model._default_manager.order_by("-pk").values_list("pk", flat=True)[:limit]:
        urls.append(reverse(f"{prefix}_change", args=[pk]))
        if opts.label in HISTORY_OF:
            urls.append(reverse(f"{prefix}_history", args=[pk]))
    return urls


def _admin_text(world, model):
    """Every admin page of ``model`` as the system administrator reads it (read once per module)."""
    from django.apps import apps

    cache = world.__dict__.setdefault("admin_text", {})
    if model not in cache:
        chunks = []
        for url in _admin_pages(apps.get_model(model)):
            response = world.clients["sysadmin"].get(url)
            assert response.status_code < 500, url
            chunks.append(readable(response.content))
        cache[model] = "\n".join(chunks)
    return cache[model]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_hides_the_anonymous_reporter(in_world, model):
    text = _admin_text(in_world, model)
    assert found(text, identity_needles("A")) == []


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_hides_the_confidential_reporter(in_world, model):
    text = _admin_text(in_world, model)
    assert found(text, identity_needles("C")) == []


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_hides_the_public_reporter(in_world, model):
    """The system administrator does not handle reports: not even a public report's reporter is theirs to know
    (``core.permissions``: publik and rahasia alike, only the handling staff)."""
    text = _admin_text(in_world, model)
    assert found(text, identity_needles("P")) == []


def test_audit_log_ties_no_report_to_a_person(in_world):
    """The staff audit log records the reports' changes (the control) but never which citizen filed them (the id
    that tied an anonymous report to the same person's public one), and no citizen row at all."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from layan.core.models import Citizen

    world = in_world
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Report),
        object_id__in=[report.pk for report in world.reports.values()],
    )
    assert entries.count() >= len(REPORT_KEYS)
    changed = set()
    for changes in entries.values_list("changes", flat=True):
        changed |= set(changes if isinstance(changes, dict) else json.loads(changes or "{}"))
    assert "reporter" not in changed and "state" in changed
    assert not LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Citizen)).exists()


def test_an_agency_that_forwarded_the_report_away_reads_no_reporter_in_its_deliveries(in_world):
    from layan.core.models import User
    from layan.reports import workflow
    from layan.webhooks.models import Delivery

    world = in_world
    report = Report.objects.get(pk=world.reports["P"].pk)  # a copy: the world's own objects stay as built
    head = world.clients["head"]
    delivery = Delivery.objects.filter(subscription=world.subscriptions[HANDLING], report=report).first()
    url = reverse("webhooks:delivery", args=[world.subscriptions[HANDLING].pk, delivery.pk])
    assert found(readable(head.get(url).content), identity_needles("P"))  # the control: handling, it may know
    liaison = workflow.Actor(user=User.objects.get(username=f"penghubung.{HANDLING}"))
    workflow.perform(
        report,
        "forward",
        liaison,
        disposition=report.dispositions.get(),
        agency=world.agencies[UNRELATED],
        note="Bukan wewenang kami.",
    )
    staff_page = head.get(reverse("reports:staff-detail", args=[report.tracking_number]))
    assert found(readable(staff_page.content), identity_needles("P")) == []  # the staff page already forgets
    response = head.get(url)
    assert response.status_code in (200, 404)
    assert found(readable(response.content), identity_needles("P")) == []


def test_admin_is_closed_to_everyone_else(in_world):
    for role, client in in_world.clients.items():
        if role != "sysadmin":
            response = client.get(reverse("admin:reports_report_changelist"))
            assert response.status_code == 302 and "/login/" in response["Location"], role


# --- acting on a report one may not touch ----------------------------------------------------------------------

INTRUDERS = ["visitor", "citizen", "call_centre", "unrelated_staff", "other_government_admin", "oversight", "key:other"]


def _attempts(world, key):
    report = world.reports[key]
    number, disposition = report.tracking_number, report.dispositions.get().pk
    base = {"version": report.version, "disposition": disposition, "note": "Diubah oleh penyusup", "stage": "selesai"}
    yield reverse("reports:act", args=[number, "progress"]), base
    yield reverse("reports:act", args=[number, "note"]), base
    yield reverse("reports:act", args=[number, "resolve"]), base
    yield reverse("reports:act", args=[number, "archive"]), {**base, "reason": "lainnya"}
    yield reverse("reports:bulk-action"), {"reports": [report.pk], "action": "archive", "reason": "lainnya"}
    yield reverse("routing:screening-confirm", args=[number]), {}
    yield reverse("api:report-perform-action", args=[number, "progress"]), {"note": "x", "stage": "selesai"}
    yield reverse("api:report-perform-action", args=[number, "note"]), {"note": "x"}
    yield reverse("reports:reporter", args=[number, "Zx9" + "q" * 29]), {"action": "confirm", "note": "x"}


@pytest.mark.parametrize("key", ["P", "C"])
@pytest.mark.parametrize("role", INTRUDERS)
def test_intruders_cannot_act(in_world, role, key):
    world = in_world
    report = Report.objects.get(pk=world.reports[key].pk)  # a copy: the world's own objects stay as built
    before = (report.version, ReportEvent.objects.filter(report=report).count(), report.state)
    for url, data in _attempts(world, key):
        if url.startswith("/api/"):
            response = world.clients[role].post(url, data, content_type="application/json")
        else:
            response = world.clients[role].post(url, data)
        assert response.status_code in (302, 400, 401, 403, 404, 405, 409), f"{role} {url}: {response.status_code}"
        report.refresh_from_db()
        after = (report.version, ReportEvent.objects.filter(report=report).count(), report.state)
        assert after == before, f"{role} changed {key} through {url}"


def test_handling_liaison_can_act(in_world):
    """The control: the same request from the handling agency's liaison officer does change the report."""
    world = in_world
    report = Report.objects.get(pk=world.reports["P"].pk)
    url, data = next(_attempts(world, "P"))
    response = world.clients["liaison"].post(url, data)
    assert response.status_code in (200, 302)
    report.refresh_from_db()
    assert report.version == world.reports["P"].version + 1 and report.events.filter(note=data["note"]).exists()


# --- identity promises that need data of their own -------------------------------------------------------------


def _form(**overrides):
    data = {
        "type": "pengaduan",
        "title": "Trotoar amblas di Jl. Kedungdoro",
        "description": "Trotoar amblas sedalam lutut, pejalan kaki terpaksa turun ke jalan.",
        "kabkota": "35.78",
        "kecamatan": "35.78.05",
        "desa": "35.78.05.1001",
        "address": "Depan toko bangunan",
        "privacy": "publik",
        "kirim": "1",
    }
    data.update(overrides)
    return data


def _submit(client, **overrides) -> Report:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("reports:submit"), _form(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    number = response["Location"].rstrip("/").split("/")[-2]
    return Report.objects.get(tracking_number=number)


def test_anonymous_report_shares_no_person_with_a_public_one(in_world):
    """The same person files publicly and anonymously: nothing stored links the two reports."""
    from django.test import Client

    person = dict(name="Hartono Samasatu", phone="081344556677", email="hartono.samasatu@contoh.id")
    public = _submit(Client(), **person, title="Lampu taman mati di Jl. Embong Malang")
    anonymous = _submit(Client(), **person, privacy="anonim", title="Pungutan di kantor kelurahan")
    assert anonymous.reporter_id is None or anonymous.reporter_id != public.reporter_id


def test_someone_elses_phone_shows_staff_nothing_of_them(in_world):
    from django.test import Client

    victim = dict(name="Kuswantoro Korbanjaya", phone="081366778899", email="kuswantoro.korbanjaya@contoh.id")
    _submit(Client(), **victim)
    report = _submit(Client(), name="Orang Lain", phone=victim["phone"], email="", title="Laporan palsu")
    response = in_world.clients["platform_admin"].get(reverse("reports:staff-detail", args=[report.tracking_number]))
    assert response.status_code == 200
    text = readable(response.content)
    assert "laporan palsu" in text and "orang lain" in text  # the page and its (unverified) reporter are shown
    assert "korbanjaya" not in text


def test_photo_of_a_held_report_is_not_public(in_world):
    world = in_world
    Report.objects.filter(pk=world.reports["P"].pk).update(held_for_review=True)  # what the abuse screen does
    assert world.clients["visitor"].get(attachment_url(world.photos["P"])).status_code == 404


def test_photo_of_a_held_report_is_not_listed(in_world):
    world = in_world
    Report.objects.filter(pk=world.reports["P"].pk).update(held_for_review=True)
    number = world.reports["P"].tracking_number
    assert world.clients["visitor"].get(reverse("reports:public-detail", args=[number])).status_code == 404


def test_attachment_urls_cannot_be_guessed(in_world):
    for key in REPORT_KEYS:
        part = attachment_url(in_world.photos[key]).rstrip("/").split("/")[-1]
        assert len(part) >= 20 and not re.fullmatch(r"\d+", part)


PII_TEXT = (
    "Petugas minta uang, hubungi saya di 0812-3456-7890 atau +62 857 1122 3344, surel pelapor.asli@contoh.id, "
    "NIK 3578054107900001. Kejadian 12-01-2025, biaya Rp 1.500.000, RT 02 RW 03."
)


def _redaction_report(world):
    from layan.reports import workflow

    report = _submit(
        world.clients["visitor"].__class__(),
        name="Penulis Teks",
        phone="081200001111",
        title="Pungli pengurusan KTP di kelurahan",
        description=PII_TEXT,
    )
    from layan.core.models import User

    workflow.perform(report, "verify", workflow.Actor(user=User.objects.get(username="admin.surabaya")))
    return report


def test_contact_in_the_text_is_masked_in_public(in_world):
    world = in_world
    report = _redaction_report(world)
    number = report.tracking_number
    for url in (
        reverse("reports:public-detail", args=[number]),
        reverse("api:report-detail", args=[number]),
        reverse("open311:request", kwargs={"service_request_id": number, "fmt": "json"}),
    ):
        response = world.clients["visitor"].get(url)
        assert response.status_code == 200, url
        text = readable(response.content)
        assert "petugas minta uang" in text and "1500000" in text, url  # the text is there, its contact masked
        assert "81234567890" not in text and "85711223344" not in text, url
        assert "pelapor.asli" not in text and "3578054107900001" not in text, url


def test_staff_see_the_text_as_written(in_world):
    world = in_world
    report = _redaction_report(world)
    url = reverse("reports:staff-detail", args=[report.tracking_number])
    text = readable(world.clients["platform_admin"].get(url).content)
    assert "81234567890" in text and "pelapor.asli" in text and "3578054107900001" in text


def test_a_new_report_is_not_public_before_verification(in_world):
    from django.test import Client

    report = _submit(Client(), name="Penulis Baru", phone="081200002222")
    assert report.state == Report.State.BARU
    url = reverse("reports:public-detail", args=[report.tracking_number])
    assert in_world.clients["visitor"].get(url).status_code == 404
    api = reverse("api:report-detail", args=[report.tracking_number])
    assert in_world.clients["visitor"].get(api).status_code in (401, 403, 404)
    from layan.core.models import User
    from layan.reports import workflow

    workflow.perform(report, "verify", workflow.Actor(user=User.objects.get(username="admin.surabaya")))
    assert in_world.clients["visitor"].get(url).status_code == 200  # the control: verified, it is public


def test_handlers_are_the_roles_named(in_world):
    """The rule table names real roles (a renamed role must not silently widen who may see)."""
    assert HANDLERS <= set(in_world.clients)
