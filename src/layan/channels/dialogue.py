"""The conversation with a citizen on a messaging channel: commands and the guided report, in Indonesian or English.

:func:`process` runs in the worker for one recorded :class:`InboundMessage`:

1. the sender's :class:`Conversation` (one per channel and address) is found or made; its name and language follow
   what the provider tells;
2. a message the intake marked over the sender's rate limit (``LAYAN_CHANNEL_RATE_LIMIT`` messages in ten
   minutes, decided when it came in: ``intake.over_rate_limit``) gets one polite warning per window and nothing
   else; every other message is handled, however many of the sender's are queued;
3. photos the payload only named are downloaded from the provider;
4. under a row lock on the conversation (two workers never interleave one sender's steps): a command
   (STATUS/CEK, STOP/BERHENTI, MULAI/START, BATAL/CANCEL, BANTUAN/HELP, LAPOR lokasi#isi), an answer to a report
   waiting for the reporter (e-mail reply to one of our messages, or any text while the last report is TERTUNDA),
   or a step of the guided report: what, where, photo, confirm -> ``submit_report``.

The conversation's state and draft are saved after every step, so a restart of the worker loses nothing.
"""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layan.core import pii
from layan.core.models import Region
from layan.reports import keys
from layan.reports.attachments import clean_upload, save_attachment
from layan.reports.models import Report
from layan.reports.services import NewReport, ReporterInfo, submit_report
from layan.reports.workflow import Actor, TransitionError, perform

from . import outbound
from .contract import ChannelError, Media
from .intake import RATE_WINDOW
from .models import Conversation, InboundMedia, InboundMessage, OutboundMessage
from .registry import get_provider

log = logging.getLogger(__name__)
State = Conversation.State
TRACKING_RE = re.compile(r"^[23456789A-HJ-NP-Z]{4}-?[23456789A-HJ-NP-Z]{4}$")
TITLE_LENGTH = 80

# command word -> (command, the language it is written in; None when both languages use it)
COMMANDS = {
    "STATUS": ("status", None),
    "CEK": ("status", "id"),
    "CHECK": ("status", "en"),
    "STOP": ("stop", None),
    "BERHENTI": ("stop", "id"),
    "UNSUBSCRIBE": ("stop", "en"),
    "MULAI": ("start", "id"),
    "START": ("start", "en"),
    "BATAL": ("cancel", "id"),
    "CANCEL": ("cancel", "en"),
    "BANTUAN": ("help", "id"),
    "HELP": ("help", "en"),
    "MENU": ("help", None),
    "LAPOR": ("report", "id"),
    "REPORT": ("report", "en"),
}
BARE_COMMANDS = {"stop", "start", "cancel", "help"}  # only a message that is the command word alone
YES = {"YA", "Y", "IYA", "YES", "OK", "KIRIM", "SEND"}
NO = {"TIDAK", "NO", "N", "GAK", "ENGGAK"}
SKIP = {"LEWATI", "SKIP", "TIDAK", "NO", "TANPA FOTO", "NO PHOTO"}
GREETINGS = {
    "HALO",
    "HALLO",
    "HAI",
    "HI",
    "HELLO",
    "HEY",
    "P",
    "PAGI",
    "SIANG",
    "SORE",
    "MALAM",
    "SELAMAT PAGI",
    "SELAMAT SIANG",
    "SELAMAT SORE",
    "SELAMAT MALAM",
    "ASSALAMUALAIKUM",
    "PERMISI",
    "GOOD MORNING",
    "GOOD AFTERNOON",
    "GOOD EVENING",
}
PHONE_CHANNELS = ("whatsapp", "sms")


@dataclass
class Command:
    name: str
    rest: str
    language: str | None


def words(text: str) -> str:
    """The first line of the text upper-cased, without punctuation at its ends and with single spaces: how short
    answers (YA, LEWATI) are compared, also in an e-mail that quotes the question below the answer."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    first = lines[0] if lines else ""
    return " ".join(first.strip().strip(".!?,;:").upper().split())


def parse_command(text: str) -> Command | None:
    """The command the text starts with (Telegram's "/start@Bot" included), or None for ordinary text."""
    stripped = text.strip()
    if not stripped:
        return None
    head, _sep, rest = stripped.partition(" ")
    word = head.lstrip("/").split("@")[0].strip(".!?,;:").upper()
    if word not in COMMANDS:
        return None
    name, language = COMMANDS[word]
    rest = rest.strip()
    if name in BARE_COMMANDS and rest:
        return None
    if name == "status" and word != "STATUS" and rest and not TRACKING_RE.match(rest.upper()):
        return None  # "cek jalan rusak di ..." is a report, not a status request
    return Command(name, rest, language)


def normalize_tracking(text: str) -> str:
    raw = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


# --- entry point ------------------------------------------------------------------------------------------------


def process(message_id: int) -> str:
    """Handle one recorded inbound message (the ``process_message`` task). Returns the message's status."""
    message = InboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        return "missing"
    if message.status == InboundMessage.Status.RATE_LIMITED and message.conversation_id is None:
        return warn_rate_limited(message, conversation_for(message))
    if message.status != InboundMessage.Status.RECEIVED:
        return message.status  # handled before: a task run twice does nothing twice
    conversation = conversation_for(message)
    fetch_media(message)  # network calls, outside any transaction
    try:
        with transaction.atomic():
            conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
            message = InboundMessage.objects.select_for_update().get(pk=message.pk)
            if message.status != InboundMessage.Status.RECEIVED:
                return message.status
            status = Dialogue(conversation, message).run()
            message.status = status
            message.save(update_fields=["status", "report", "conversation"])
            return status
    except Exception as exc:
        log.exception("channel %s: processing message %s failed", message.provider, message.pk)
        InboundMessage.objects.filter(pk=message.pk).update(
            status=InboundMessage.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:4000]
        )
        return InboundMessage.Status.FAILED


def conversation_for(message: InboundMessage) -> Conversation:
    """The sender's conversation on this channel, made on the first message; name and language kept current."""
    parsed = message.parsed or {}
    try:
        with transaction.atomic():
            conversation, created = Conversation.objects.get_or_create(
                channel=message.channel, address_index=message.sender_index, defaults={"address": message.sender}
            )
    except IntegrityError:  # made by another worker at the same moment
        conversation = Conversation.objects.get(channel=message.channel, address_index=message.sender_index)
        created = False
    changes = {}
    name = pii.decrypt(parsed.get("sender_name") or "").strip()[:150]
    if name and name != conversation.name:
        changes["name"] = name
    language = provider_language(parsed.get("language", ""), created)
    if language and language != conversation.language:
        changes["language"] = language
    if changes:
        Conversation.objects.filter(pk=conversation.pk).update(**changes)
        for key, value in changes.items():
            setattr(conversation, key, value)
    InboundMessage.objects.filter(pk=message.pk).update(conversation=conversation)
    message.conversation = conversation
    return conversation


def provider_language(code: str, created: bool) -> str:
    """English when the provider says the sender uses English; Indonesian only for a new conversation (a sender
    who chose English with an English command keeps it)."""
    code = (code or "").lower()
    if code.startswith("en"):
        return "en"
    if created and (code.startswith("id") or code.startswith("in")):
        return "id"
    return ""


def warn_rate_limited(message: InboundMessage, conversation: Conversation) -> str:
    """A message over the limit (marked by the intake) is not handled; the sender hears it once per window."""
    now = timezone.now()
    window_start = now - RATE_WINDOW
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.rate_warned_at is None or conversation.rate_warned_at < window_start:
            conversation.rate_warned_at = now
            conversation.save(update_fields=["rate_warned_at"])
            with translation.override(conversation.language):
                text = _("Pesan Anda terlalu banyak. Mohon tunggu 10 menit, lalu kirim lagi.")
            outbound.reply(conversation, text, in_reply_to=message, kind=OutboundMessage.Kind.WARNING)
    log.info("channel %s: %s is over the rate limit", message.channel, pii.fingerprint(message.sender_index))
    return InboundMessage.Status.RATE_LIMITED


def fetch_media(message: InboundMessage) -> None:
    """Download the photos the payload only named (WhatsApp media id, Telegram file id, Twilio URL)."""
    pending = [m for m in message.media.all() if not m.file and not m.error]
    if not pending:
        return
    provider = get_provider(message.provider)
    for row in pending:
        try:
            if provider is None:
                raise ChannelError(f"provider {message.provider} is not enabled")
            media = provider.fetch_media(
                Media(content_type=row.content_type, name=row.name, provider_id=row.provider_id, url=row.url)
            )
            if not media.content:
                raise ChannelError("the provider returned no content")
        except ChannelError as exc:
            row.error = (exc.message or type(exc).__name__)[:2000]
            row.save(update_fields=["error"])
            log.warning("channel %s: media %s of message %s not fetched: %s", message.provider, row.pk, message.pk, exc)
            continue
        row.content_type = (media.content_type or row.content_type)[:100]
        row.name = (media.name or row.name)[:200]
        row.file.save(row.name or "media", ContentFile(media.content), save=False)
        row.save()


# --- the dialogue -----------------------------------------------------------------------------------------------


class Dialogue:
    """One step of one conversation: reads the message, changes the conversation, queues the replies."""

    def __init__(self, conversation: Conversation, message: InboundMessage):
        self.conversation = conversation
        self.message = message
        self.parsed = message.parsed or {}
        self.text = (message.text or "").strip()

    # replies

    def say(self, text: str, *, report=None, kind: str = OutboundMessage.Kind.REPLY, reporter_link=False) -> None:
        outbound.reply(
            self.conversation, text, report=report, in_reply_to=self.message, kind=kind, reporter_link=reporter_link
        )

    def save(self) -> None:
        self.conversation.save(update_fields=["state", "draft", "opted_out", "language", "last_report", "updated_at"])

    # dispatch

    def run(self) -> str:
        command = parse_command(self.text)
        if command and command.language:
            self.conversation.language = command.language
        with translation.override(self.conversation.language):
            if self.conversation.opted_out and not (command and command.name == "start"):
                return InboundMessage.Status.IGNORED
            if command:
                getattr(self, f"command_{command.name}")(command)
                self.save()
                return InboundMessage.Status.HANDLED
            report = self.report_awaiting_answer()
            if report is not None:
                self.add_info(report)
                return InboundMessage.Status.HANDLED
            self.guided_step()
            self.save()
            return InboundMessage.Status.HANDLED

    # commands

    def command_help(self, command: Command) -> None:
        self.say(help_text())

    def command_stop(self, command: Command) -> None:
        self.conversation.opted_out = True
        self.say(
            _("Anda berhenti menerima pesan dari %(site)s. Ketik MULAI untuk berlangganan lagi.")
            % {"site": settings.LAYAN_SITE_NAME},
            kind=OutboundMessage.Kind.OPT_OUT,
        )

    def command_start(self, command: Command) -> None:
        self.conversation.opted_out = False
        self.say(_("Selamat datang kembali. Anda akan menerima kabar laporan Anda lagi.") + "\n" + help_text())

    def command_cancel(self, command: Command) -> None:
        had_draft = bool(self.conversation.draft) or self.conversation.state != State.IDLE
        self.conversation.draft, self.conversation.state = {}, State.IDLE
        if had_draft:
            self.say(_("Laporan dibatalkan. Kirim pesan kapan saja untuk membuat laporan baru."))
        else:
            self.say(_("Tidak ada laporan yang sedang dibuat."))

    def command_status(self, command: Command) -> None:
        number = normalize_tracking(command.rest) if command.rest else ""
        if number and not TRACKING_RE.match(number):
            self.say(_("Ketik STATUS diikuti nomor laporan, misalnya STATUS K7QM-3XPA."))
            return
        report = None
        if number:
            report = Report.objects.filter(tracking_number=number).select_related("region").first()
        elif self.conversation.last_report_id:
            report = self.conversation.last_report
        if not number and report is None:
            self.say(_("Ketik STATUS diikuti nomor laporan, misalnya STATUS K7QM-3XPA."))
            return
        if report is None or not self.may_see(report):
            self.say(_("Laporan %(number)s tidak ditemukan.") % {"number": number})
            return
        self.say(status_text(report), report=report)

    def command_report(self, command: Command) -> None:
        """``LAPOR <lokasi>#<isi>`` makes a report at once; ``LAPOR <isi>`` starts the guided dialogue with it."""
        if "#" not in command.rest:
            self.text = command.rest
            if not self.text:
                self.conversation.draft, self.conversation.state = {}, State.IDLE
                self.ask_what(greeting=True)
                return
            self.guided_step()
            return
        where, _sep, what = command.rest.partition("#")
        where, what = where.strip(), what.strip()
        if not where or not what:
            self.say(_("Format: LAPOR <lokasi>#<isi laporan>. Contoh: LAPOR Jl. Kenari 5 Tegalsari#Lampu jalan mati"))
            return
        draft = {"what": what, "where": where, "region": resolve_region(where), "messages": [self.message.pk]}
        draft["media"] = [m.pk for m in self.usable_media()]
        self.apply_location(draft)
        self.submit(draft, keep_conversation_draft=True)

    def may_see(self, report: Report) -> bool:
        """The public status of a public report, or of a confidential one to its reporter on this channel."""
        if report.is_public:
            return True
        conversation = self.conversation
        if conversation.last_report_id == report.pk or report.id in self.reports_of_conversation():
            return True
        reporter = report.reporter
        if reporter is None or report.channel != conversation.channel:
            return False
        if conversation.channel == "email":
            return bool(reporter.email) and reporter.email.lower() == conversation.address.lower()
        return bool(reporter.phone) and str(reporter.phone) == conversation.address

    def reports_of_conversation(self) -> set[int]:
        made = InboundMessage.objects.filter(conversation=self.conversation, report__isnull=False)
        return set(made.values_list("report_id", flat=True))

    # answers to a report waiting for the reporter

    def report_awaiting_answer(self) -> Report | None:
        """The report this message answers: the one of our e-mail it replies to, or the conversation's last report
        while it waits for the reporter's information (TERTUNDA) and no new report is being written."""
        replied = [ref for ref in self.parsed.get("in_reply_to") or [] if ref]
        if replied:
            sent = OutboundMessage.objects.filter(message_id__in=replied, report__isnull=False).select_related("report")
            first = sent.order_by("-created_at").first()
            if first is not None:
                return first.report
        last = self.conversation.last_report
        if self.conversation.state == State.IDLE and last is not None and last.state == Report.State.TERTUNDA:
            return last
        return None

    def add_info(self, report: Report) -> None:
        media = self.usable_media()
        note = self.text or " ".join(m.caption for m in media if m.caption) or _("Foto tambahan dari pelapor.")
        if not self.text and not media:
            self.say(_("Pesan kosong; tulis informasi tambahan untuk laporan %(n)s.") % {"n": report.tracking_number})
            return
        try:
            cleaned = [clean_media(m) for m in media[: room_for_attachments(report)]]
            # report_awaiting_answer found the sender's own report: no key needed, none is stored to read
            event = perform(report, "add_info", Actor(proven_reporter=report), note=note)
        except TransitionError as exc:
            self.say(
                _("Laporan %(n)s tidak dapat ditambah informasi: %(why)s")
                % {"n": report.tracking_number, "why": exc.message}
            )
            return
        except ValidationError as exc:
            self.say(" ".join(exc.messages))
            return
        for content, content_type, name in cleaned:
            save_attachment(report, content, content_type, name, event=event)
        self.message.report = report
        thanks = _("Terima kasih, informasi tambahan untuk laporan %(n)s sudah kami terima.")
        self.say(thanks % {"n": report.tracking_number}, report=report)

    # the guided report

    def guided_step(self) -> None:
        conversation = self.conversation
        draft = dict(conversation.draft or {})
        state = conversation.state
        answer = words(self.text)
        media = self.usable_media()
        location = self.parsed.get("location")
        if state == State.CONFIRM and not media and not location:
            if answer in YES:
                self.submit(draft)
                return
            if answer in NO:
                self.command_cancel(Command("cancel", "", None))
                return
            self.say(confirm_prompt())
            return
        if state == State.IDLE and not draft:
            if answer in GREETINGS and not media and not location:
                self.ask_what(greeting=True)
                return
            draft = {"subject": (self.parsed.get("subject") or "").strip()[:200]}
        draft.setdefault("messages", []).append(self.message.pk)
        self.merge_text(draft, state, answer)
        self.apply_location(draft)
        draft["media"] = list(dict.fromkeys(draft.get("media", []) + [m.pk for m in media]))
        if not draft.get("what"):
            captions = " ".join(m.caption for m in media if m.caption)
            draft["what"] = captions
        conversation.draft = draft
        self.ask_next(draft)

    def merge_text(self, draft: dict, state: str, answer: str) -> None:
        text = self.text
        if not text:
            return
        if state == State.ASK_WHERE and not draft.get("where"):
            draft["where"] = text[:300]
            draft["region"] = draft.get("region") or resolve_region(text)
        elif state == State.ASK_PHOTO and answer in SKIP:
            draft["photo_skipped"] = True
        elif draft.get("what") and state in (State.ASK_PHOTO, State.CONFIRM, State.ASK_WHERE):
            draft["what"] = f"{draft['what']}\n{text}"
        else:
            draft["what"] = f"{draft['what']}\n{text}" if draft.get("what") else text

    def apply_location(self, draft: dict) -> None:
        location = self.parsed.get("location")
        if not location:
            return
        draft["latitude"], draft["longitude"] = location.get("latitude"), location.get("longitude")
        described = ", ".join(part for part in (location.get("name"), location.get("address")) if part)
        if described and not draft.get("where"):
            draft["where"] = described[:300]
        if not draft.get("region") and described:
            draft["region"] = resolve_region(described)

    def ask_next(self, draft: dict) -> None:
        conversation = self.conversation
        if not draft.get("what"):
            conversation.state = State.ASK_WHAT
            self.say(_("Apa yang ingin Anda laporkan? Ceritakan singkat masalahnya."))
        elif not draft.get("where") and draft.get("latitude") is None:
            conversation.state = State.ASK_WHERE
            self.say(_("Di mana lokasinya? Kirim lokasi (share location) atau tulis alamat dan kelurahannya."))
        elif not draft.get("media") and not draft.get("photo_skipped") and conversation.channel != "sms":
            conversation.state = State.ASK_PHOTO
            self.say(_("Ada foto? Kirim foto atau ketik LEWATI."))
        else:
            conversation.state = State.CONFIRM
            self.say(summary(draft) + "\n" + confirm_prompt())

    def ask_what(self, *, greeting: bool = False) -> None:
        self.conversation.state = State.ASK_WHAT
        lead = _("Halo, ini layanan pengaduan %(site)s.") % {"site": settings.LAYAN_SITE_NAME} + " " if greeting else ""
        self.say(lead + _("Apa yang ingin Anda laporkan? Ceritakan singkat masalahnya."))

    def usable_media(self) -> list[InboundMedia]:
        """This message's photos and documents that arrived and are a photo or PDF; the sender hears of the rest."""
        usable = []
        for row in self.message.media.all():
            if not row.file:
                self.say(_("Foto tidak dapat diambil dari %(channel)s; coba kirim lagi.") % {"channel": self.channel})
                continue
            try:
                clean_media(row)
            except ValidationError as exc:
                self.say(" ".join(exc.messages))
                continue
            usable.append(row)
        return usable

    @property
    def channel(self) -> str:
        return Report.Channel(self.conversation.channel).label if self.conversation.channel else ""

    def submit(self, draft: dict, *, keep_conversation_draft: bool = False) -> None:
        """Make the report; on invalid input the sender hears why and the draft stays as it was."""
        conversation = self.conversation
        try:
            with transaction.atomic():
                report = submit_report(new_report(draft), channel=conversation.channel, reporter=self.reporter())
        except ValidationError as exc:
            self.say(" ".join(exc.messages))
            return
        message_ids = set(draft.get("messages") or []) | {self.message.pk}
        InboundMessage.objects.filter(pk__in=message_ids).exclude(pk=self.message.pk).update(report=report)
        self.message.report = report
        conversation.last_report = report
        if not keep_conversation_draft:
            conversation.draft, conversation.state = {}, State.IDLE
        self.say(  # the secret link is made when the reply is sent: the stored text holds its placeholder
            _("Terima kasih. Laporan Anda tercatat dengan nomor %(number)s. Pantau dan lengkapi di %(link)s")
            % {"number": report.tracking_number, "link": keys.PLACEHOLDER},
            report=report,
            reporter_link=True,
        )

    def reporter(self) -> ReporterInfo:
        conversation = self.conversation
        info = ReporterInfo(name=conversation.name)
        if conversation.channel in PHONE_CHANNELS and valid_phone(conversation.address):
            info.phone = conversation.address
        if conversation.channel == "email":
            info.email = conversation.address
        return info


# --- helpers ----------------------------------------------------------------------------------------------------


HELP_TEXT = gettext_lazy(
    "Kirim laporan Anda: ceritakan masalahnya, lalu ikuti pertanyaannya. "
    "LAPOR lokasi#isi: lapor langsung. STATUS nomor: cek laporan. BATAL: batalkan. STOP: berhenti."
)


def help_text() -> str:
    return str(HELP_TEXT)


def confirm_prompt() -> str:
    return _("Balas YA untuk mengirim, BATAL untuk membatalkan.")


def summary(draft: dict) -> str:
    what = draft.get("what", "")
    what = what if len(what) <= 200 else what[:199] + "…"
    where = draft.get("where") or ""
    if draft.get("latitude") is not None:
        coordinates = f"{float(draft['latitude']):.5f}, {float(draft['longitude']):.5f}"
        where = f"{where} ({coordinates})" if where else coordinates
    region = Region.objects.filter(code=draft.get("region") or "").first()
    if region is not None:
        where = f"{where}, {region.name}"
    lines = [_("Ringkasan laporan:"), _("Isi: %(what)s") % {"what": what}, _("Lokasi: %(where)s") % {"where": where}]
    photos = len(draft.get("media") or [])
    if photos:
        lines.append(_("Foto: %(n)s") % {"n": photos})
    return "\n".join(lines)


def status_text(report: Report) -> str:
    """Public status and the last public update: never the content of a confidential report."""
    line = _("Laporan %(number)s: %(status)s") % {"number": report.tracking_number, "status": report.public_status}
    last = report.events.filter(is_public=True).order_by("-created_at", "-pk").first()
    if last is None:
        return line
    note = " ".join((last.note or "").split())
    note = note if len(note) <= 200 else note[:199] + "…"
    when = timezone.localtime(last.created_at).strftime("%d-%m-%Y")
    return f"{line}\n{when}: {note}" if note else line


def title_of(draft: dict) -> str:
    subject = (draft.get("subject") or "").strip()
    if subject:
        return subject[:200]
    first_line = (draft.get("what") or "").strip().splitlines()[0] if draft.get("what") else ""
    return first_line if len(first_line) <= TITLE_LENGTH else first_line[: TITLE_LENGTH - 1] + "…"


def new_report(draft: dict) -> NewReport:
    region = Region.objects.filter(code=draft.get("region") or "").first()
    media = InboundMedia.objects.filter(pk__in=draft.get("media") or []).order_by("pk")
    attachments = [clean_media(row) for row in media[: settings.LAYAN_ATTACHMENTS_PER_REPORT]]
    latitude, longitude = draft.get("latitude"), draft.get("longitude")
    return NewReport(
        title=title_of(draft),
        description=draft.get("what") or "",
        region=region,
        address=(draft.get("where") or "")[:300],
        latitude=round(float(latitude), 6) if latitude is not None else None,
        longitude=round(float(longitude), 6) if longitude is not None else None,
        attachments=attachments,
    )


def clean_media(row: InboundMedia):
    """The photo or PDF as a report attachment: type checked by content, image metadata (EXIF/GPS) stripped."""
    with row.file.open("rb") as handle:
        data = handle.read()
    return clean_upload(ContentFile(data, name=row.name or "foto"))


def room_for_attachments(report: Report) -> int:
    existing = report.attachments.filter(by_staff=False).count()
    return max(settings.LAYAN_ATTACHMENTS_PER_REPORT - existing, 0)


def valid_phone(address: str) -> bool:
    import phonenumbers

    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(address, settings.PHONENUMBER_DEFAULT_REGION))
    except phonenumbers.NumberParseException:
        return False


def resolve_region(text: str) -> str | None:
    """The village (desa/kelurahan) or district (kecamatan) the text names, by exact name of one to three words;
    when several match, the most specific one inside the others wins; when they disagree, none."""
    tokens = re.findall(r"[\w.'-]+", text.lower())
    grams = {" ".join(tokens[i : i + n]).strip(".,") for n in (1, 2, 3) for i in range(len(tokens) - n + 1)}
    grams = {g for g in grams if len(g) >= 3}
    if not grams:
        return None
    levels = (Region.Level.DESA, Region.Level.KECAMATAN)
    matches = list(
        Region.objects.annotate(lname=Lower("name"))
        .filter(level__in=levels, lname__in=grams)
        .values_list("code", flat=True)[:50]
    )
    if not matches:
        return None
    codes = set(matches)

    # a match is consistent when every other match is its ancestor or descendant; keep the deepest such one
    def related(a: str, b: str) -> bool:
        return a == b or a.startswith(b + ".") or b.startswith(a + ".")

    consistent = [c for c in codes if all(related(c, o) for o in codes)]
    if consistent:
        return max(consistent, key=len)
    # "Tegalsari" as kecamatan and as its kelurahan plus an unrelated one elsewhere: ambiguous
    return None
