"""The data set the attack tests share: three reports with distinctive reporters and text, every role that can
look at them, and the ways in (clients, API keys, secret links).

Reports (all filed through the real intake, verified, so published (but ``C``), and dispatched to DSDABM Surabaya
by the city's admin, with a photo, the agency's progress, an internal note and the reporter's additional
information; ``P`` and ``A`` with a neighbour following them through the form and the e-mailed link, which the
form refuses for ``C``):
- ``P``: public; ``A``: anonymous (anonim); ``C``: confidential (rahasia).
Each reporter has a name, phone and e-mail used nowhere else, and each report's every text carries a code word
used nowhere else, so a response can be searched for exactly what it must not show.

Roles: see :data:`ROLES`. "reporter" is the holder of one report's secret link (``reporter:P`` ...), nothing else.

How the tests reach what only some may hold is kept in ONE function each: :func:`reporter_secret` (the key the
intake minted; the database keeps digests only), :func:`attachment_url` (the random public id) and
:func:`working_keys` (every working reporter key a text carries, whenever it was minted).
"""

import io
import re
import zlib
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

REPORT_KEYS = ("P", "A", "C")
PRIVACY = {"P": "publik", "A": "anonim", "C": "rahasia"}
HANDLING = "dsdabm-sby"  # the agency every report is dispatched to
UNRELATED = "dlh-sby"  # an agency of the same city the reports never reach

# Distinctive reporters. The phone's national significant number is what every usual format contains once the
# separators are taken out (see :func:`compact`).
REPORTERS = {
    "P": dict(name="Bambang Wibisanaputra", phone="081311172244", email="bambang.wibisanaputra@contoh.id"),
    "A": dict(name="Sulastri Anonimawati", phone="085277748833", email="sulastri.anonimawati@contoh.id"),
    "C": dict(name="Darmaji Rahasiawan", phone="081955596611", email="darmaji.rahasiawan@contoh.id"),
}
# A code word per report and per kind of text (title, description, progress, internal note, reporter's addition)
WORDS = {
    "P": dict(
        title="Zamrudwangi",
        description="Kenangapura",
        progress="Merpatiungu",
        internal="Kenariputih",
        add_info="Jalakbiru",
    ),
    "A": dict(
        title="Safirlangit",
        description="Melatiwangi",
        progress="Cucakrowo",
        internal="Kutilangemas",
        add_info="Perkututhijau",
    ),
    "C": dict(
        title="Rubimerahtua",
        description="Cempakasari",
        progress="Elangjawa",
        internal="Nurimerah",
        add_info="Beoperak",
    ),
}
FOLLOWER = {k: f"pengikut.{k.lower()}.wargalain@contoh.id" for k in REPORT_KEYS}
OTHER_CITIZEN = dict(username="warga.lain", name="Wiryo Lainnya", phone="081233300444", email="wiryo.lain@contoh.id")


def national_number(phone: str) -> str:
    """``085277748833`` -> ``85277748833``: the digits every format of the number contains (+62 852-7774-8833,
    0852 7774 8833, 6285277748833, %2B6285277748833 ...) once the separators are removed."""
    digits = re.sub(r"\D", "", phone)
    return digits[1:] if digits.startswith("0") else digits[2:] if digits.startswith("62") else digits


def identity_needles(key: str) -> dict[str, str]:
    """What must not appear where the reporter of report ``key`` is hidden (compared case-insensitively)."""
    person = REPORTERS[key]
    first, last = person["name"].split(" ", 1)
    return {
        "name": person["name"],
        "surname": last,
        "phone": national_number(person["phone"]),
        "email": person["email"].split("@")[0],
    }


def content_needles(key: str, kinds=("title", "description", "progress", "internal", "add_info")) -> dict[str, str]:
    return {kind: WORDS[key][kind] for kind in kinds}


_SEPARATOR_BETWEEN_DIGITS = re.compile(r"(?<=\d)(?:[\s\-.()/]|%20|%2B|&nbsp;|\\u00a0)+(?=\d)")


def compact(text: str) -> str:
    """The text with separators between digits taken out (so 0852-7774-8833 reads 085277748833), lower-cased."""
    return _SEPARATOR_BETWEEN_DIGITS.sub("", text).lower()


def found(text: str, needles: dict[str, str]) -> list[str]:
    """Which of ``needles`` (kind -> value) occur in ``text`` (already passed through :func:`compact`)."""
    return [kind for kind, value in needles.items() if compact(value) in text]


def readable(body: bytes, content_type: str = "") -> str:
    """The text a response carries, whatever its format: XLSX cells, PDF streams (inflated), JSON, HTML, CSV."""
    if body[:2] == b"PK":  # XLSX (a zip of XML parts)
        import zipfile

        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        return compact("\n".join(parts))
    if body.startswith(b"%PDF"):
        chunks = [body.decode("latin-1")]
        for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
            try:
                chunks.append(zlib.decompress(match.group(1)).decode("latin-1"))
            except zlib.error:
                continue
        return compact("\n".join(chunks))
    return compact(body.decode("utf-8", "replace"))


def reporter_secret(world, key: str) -> str:
    """The reporter's secret (the last part of their link) for report ``key``: the key the intake minted and
    handed back when the report was filed (``submit_report`` returns it as ``report.secret``; the database keeps
    only its digest, ``reports.keys``). The ONE place the tests get it."""
    return world.secrets[key]


_KEY_SHAPE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])")


def working_keys(world, raw: str) -> list[str]:
    """Which reports (``P``, ``A``, ``C``) ``raw`` (a text as sent or stored, NOT lower-cased) carries a working
    reporter key of: any token of a key's shape whose digest is one of the report's stored key digests. Keys are
    minted afresh for each message (``reports.keys``), so looking for the one the intake returned would prove
    nothing: this finds every key, whenever it was minted."""
    from layan.reports.models import ReporterKey, secret_digest

    digests = {secret_digest(token) for token in _KEY_SHAPE.findall(raw)}
    if not digests:
        return []
    reports = {report.pk: key for key, report in world.reports.items()}
    rows = ReporterKey.objects.filter(digest__in=digests, report_id__in=reports)
    return sorted({reports[report_id] for report_id in rows.values_list("report_id", flat=True)})


def attachment_url(attachment, secret: str = "") -> str:
    """The URL of a stored attachment: its random public id (``/lampiran/<public_id>/``), with the reporter's key
    as ``?k=`` when the reporter asks for a photo that is not public."""
    url = attachment.get_absolute_url()
    return f"{url}?k={secret}" if secret else url


def follow_token(message, report) -> str:
    """The key of the follow-confirmation link in ``message`` (it lives only in that e-mail; the row keeps its
    digest)."""
    path = reverse("reports:follow-confirm", args=[report.tracking_number, "KUNCI"]).replace("KUNCI/", "")
    match = re.search(re.escape(path) + r"([^/\s]+)/", message.body)
    assert match, f"no follow-confirmation link in {message.subject!r}"
    return match[1]


def photo(colour: str, name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@dataclass
class Role:
    """One way of looking at Layan: a logged-in user, an API key, a secret link, or nobody."""

    name: str
    username: str = ""  # a staff or citizen login
    api_key_of: str = ""  # the slug of the agency whose key this is
    reporter_of: str = ""  # the report whose secret link this role holds
    staff: bool = False


ROLES = [
    Role("visitor"),
    Role("reporter:P", reporter_of="P"),
    Role("reporter:A", reporter_of="A"),
    Role("reporter:C", reporter_of="C"),
    Role("citizen", username=OTHER_CITIZEN["username"]),
    Role("platform_admin", username="admin.surabaya", staff=True),
    Role("liaison", username=f"penghubung.{HANDLING}", staff=True),
    Role("head", username=f"pimpinan.{HANDLING}", staff=True),
    Role("call_centre", username="callcenter.surabaya", staff=True),
    Role("unrelated_staff", username=f"penghubung.{UNRELATED}", staff=True),
    Role("other_government_admin", username="admin.tuban", staff=True),
    Role("oversight", username="pengawas.inspektorat-sby", staff=True),
    Role("sysadmin", username="sysadmin", staff=True),
    Role("key:handling", api_key_of=HANDLING),
    Role("key:other", api_key_of=UNRELATED),
]
ROLE_BY_NAME = {role.name: role for role in ROLES}

# Who may see what. A role not named may not.
STAFF_READERS = {"platform_admin", "liaison", "head", "oversight", "sysadmin", "key:handling"}
HANDLERS = {"platform_admin", "liaison", "head", "key:handling"}  # the staff who handle the reports


def may_see_content(role: str, key: str) -> bool:
    """Title, description, public timeline notes and photo: public for P and A; for C the handling staff, their
    oversight, the system administrator, the handling agency's key, and C's reporter."""
    return key != "C" or role in STAFF_READERS or role == "reporter:C"


def may_see_internal(role: str, key: str) -> bool:
    """Internal notes (not public timeline entries): the staff who read the report, never the public or reporter."""
    return role in STAFF_READERS


def may_see_add_info(role: str, key: str) -> bool:
    """The reporter's additional information (not public): the staff who read the report and that reporter."""
    return role in STAFF_READERS or role == f"reporter:{key}"


def may_see_identity(role: str, key: str) -> bool:
    """Who reported (the rule decided in ``core/permissions.py``, ``can_see_reporter``): never for the anonymous
    report, for any role; for the public and the confidential one only the staff who handle it (the admin of its
    government, the liaison and head of the agency it is dispatched to, that agency's key): not oversight, not
    the system administrator. The reporter's own page may show their own contact back to them."""
    if key == "A":
        return False
    if role == f"reporter:{key}":
        return True
    return role in HANDLERS


def _follow(report, email: str, *, public: bool) -> None:
    """``email`` follows ``report`` through the public form and the link of the confirmation e-mail, as a
    neighbour would. Only a public report can be followed: for the confidential one the form must refuse."""
    from django.core import mail
    from django.test import TestCase

    from layan.core import pii
    from layan.reports.models import Follower

    client = Client()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("reports:follow", args=[report.tracking_number]), {"email": email})
    followers = Follower.objects.filter(report=report, email_index=pii.email_index(email))
    if not public:
        assert response.status_code == 404 and not followers.exists(), "a confidential report was followed"
        return
    assert response.status_code == 302, response.status_code
    (confirmation,) = [m for m in mail.outbox if m.to == [email]]
    response = client.get(
        reverse("reports:follow-confirm", args=[report.tracking_number, follow_token(confirmation, report)])
    )
    assert response.status_code in (200, 302) and followers.get().confirmed


class Receiver:
    """A real HTTP receiver on 127.0.0.1 that answers 200 and keeps every webhook POST's path and body."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append((self.path, body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@dataclass
class World:
    reports: dict = field(default_factory=dict)  # key -> Report
    secrets: dict = field(default_factory=dict)  # key -> the reporter's secret, as the intake returned it
    photos: dict = field(default_factory=dict)  # key -> Attachment
    clients: dict = field(default_factory=dict)  # role name -> Client
    subscriptions: dict = field(default_factory=dict)  # agency slug -> webhook Subscription
    category: object = None
    service_code: str = ""
    agencies: dict = field(default_factory=dict)
    outbox: list = field(default_factory=list)  # every e-mail sent while the data set was made
    receiver: Receiver | None = None  # where the agencies' webhooks were delivered (path /<agency slug>)


def build_world(receiver: Receiver) -> World:
    """Make the data set (inside the caller's transaction) and a logged-in client per role; webhooks go to
    ``receiver``."""
    from django.test import TestCase

    from conftest import make_regions
    from layan.api.models import ApiKey
    from layan.core.demo import seed_reference_data
    from layan.core.models import Citizen, User
    from layan.reports import services, workflow
    from layan.reports.attachments import clean_upload
    from layan.reports.models import Category
    from layan.webhooks.models import EventType
    from layan.webhooks.services import create_subscription

    world = World(receiver=receiver)
    with TestCase.captureOnCommitCallbacks(execute=True):
        make_regions()
        agencies = world.agencies = seed_reference_data()
        world.category = Category.objects.create(name="Jalan dan Jembatan", slug="jalan-jembatan")
        world.category.default_agencies.add(agencies[HANDLING])
        for slug in (HANDLING, UNRELATED, "surabaya", "tuban"):
            world.subscriptions[slug] = create_subscription(
                agency=agencies[slug],
                name=f"Sistem {slug}",
                target_url=f"{receiver.url}/{slug}",
                events=list(EventType.values),
                include_units=True,
            )
        citizen_user = User.objects.create_user(OTHER_CITIZEN["username"], email=OTHER_CITIZEN["email"])
        Citizen.objects.create(
            user=citizen_user, name=OTHER_CITIZEN["name"], phone=OTHER_CITIZEN["phone"], email=OTHER_CITIZEN["email"]
        )

    region_code = "35.78.05.1001"
    from layan.core.models import Region

    admin = workflow.Actor(user=User.objects.get(username="admin.surabaya"))
    liaison = workflow.Actor(user=User.objects.get(username=f"penghubung.{HANDLING}"))
    colours = {"P": "red", "A": "green", "C": "blue"}
    for key in REPORT_KEYS:
        words = WORDS[key]
        with TestCase.captureOnCommitCallbacks(execute=True):
            report = services.submit_report(
                services.NewReport(
                    title=f"Jembatan retak di gang {words['title']} Tegalsari",
                    description=f"Jembatan kecil dekat pos {words['description']} retak dan miring, "
                    "anak-anak sekolah melintas setiap pagi.",
                    region=Region.objects.get(code=region_code),
                    category=world.category,
                    address=f"Gang {words['title']} RT 02 RW 03",
                    privacy=PRIVACY[key],
                    attachments=[clean_upload(photo(colours[key], f"foto-{key.lower()}.jpg"))],
                ),
                channel="web",
                reporter=services.ReporterInfo(**REPORTERS[key]),
            )
        world.secrets[key] = report.secret
        world.photos[key] = report.attachments.get()
        if report.held_for_review:  # the abuse screen must not hold these ordinary texts
            raise AssertionError(f"report {key} was held by the abuse screen")
        with TestCase.captureOnCommitCallbacks(execute=True):
            workflow.perform(report, "verify", admin, agencies=[agencies[HANDLING]])
        _follow(report, FOLLOWER[key], public=key != "C")
        with TestCase.captureOnCommitCallbacks(execute=True):
            disposition = report.dispositions.get()
            workflow.perform(report, "accept", liaison, disposition=disposition)
            workflow.perform(
                report,
                "progress",
                liaison,
                disposition=disposition,
                stage="cek_lapangan",
                note=f"Petugas memeriksa jembatan di gang {words['progress']}.",
            )
            workflow.perform(report, "note", liaison, note=f"Koordinasi anggaran, kode {words['internal']}.")
            workflow.perform(
                report,
                "add_info",
                workflow.Actor(reporter_secret=reporter_secret(world, key)),
                note=f"Retaknya makin lebar dekat warung {words['add_info']}.",
            )
        report.refresh_from_db()
        assert report.is_public == (key != "C"), f"report {key} published: {report.is_public}"
        world.reports[key] = report

    from django.core import mail

    world.outbox = list(getattr(mail, "outbox", []))
    world.service_code = world.category.slug
    for role in ROLES:
        client = Client()
        if role.username:
            client.force_login(User.objects.get(username=role.username))
        if role.api_key_of:
            _key, raw = ApiKey.objects.create_key(
                name=f"kunci {role.api_key_of}",
                agency=agencies[role.api_key_of],
                permissions=["report.view", "report.respond", "stats.view"],
            )
            client = Client(headers={"X-Api-Key": raw})
        world.clients[role.name] = client
    return world
