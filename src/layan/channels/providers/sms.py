"""SMS: a generic HTTP gateway (inbound webhook, outbound HTTP), and the segmentation both SMS providers share.

Segmentation (GSM 03.38 and 3GPP TS 23.040):

- A text is sent in GSM-7 when every character is in the GSM 03.38 basic table or its extension table (an
  extension character, e.g. ``{`` or ``€``, takes an escape plus itself: two septets); otherwise in UCS-2, where
  a character outside the Basic Multilingual Plane (an emoji) takes two 16-bit units.
- One SMS carries 160 GSM-7 septets or 70 UCS-2 units; a message of several parts loses room to the
  concatenation header, 153 or 67 per part. A long reply is split at word boundaries into parts of that size
  and numbered "(1/3) " (the prefix counted in the part), so it reads in order on a feature phone: the generic
  gateway sends each part as an SMS of its own, in the encoding of that part (an emoji in one part does not make
  the link in another UCS-2). The parts keep the multipart size so that each stays one SMS even where a gateway
  adds its own header. Twilio gets one body and concatenates it itself, in one encoding for the whole text.
- A reply longer than the cap (``max_segments`` of the provider's settings, else 6 parts) is cut at a word
  boundary with an ellipsis, and the links and tracking numbers that fell in the cut part are put back at its end:
  the citizen can always open the report and quote its number. Typographic punctuation (curly quotes, dashes,
  the ellipsis character) is written in its plain GSM form first, so a single ``’`` does not halve the room.

Generic gateway (``LAYAN_CHANNELS["sms"]``): the gateway POSTs each SMS it receives to ``/kanal/sms/webhook/``,
form-encoded or JSON (one object, a list, or ``{"messages": [...]}``), with the fields ``from`` (or ``msisdn``,
``sender``), ``to``, ``text`` (or ``message``, ``content``, ``body``), an id (``message_id``, ``id`` or ``smsId``)
and optionally ``timestamp`` (Unix seconds or milliseconds, or ISO 8601). It proves itself with the shared secret
``inbound_secret`` in the header ``X-Layan-Token`` or ``Authorization: Bearer <secret>``; without a configured
secret nothing is accepted. Numbers are normalised to E.164 (``0812...`` and ``62812...`` -> ``+62812...``).

Without an id the message id is derived from sender, text and timestamp, so a redelivery is still recognised;
a gateway that sends neither an id nor a timestamp gets a fresh id for every request, and a redelivery then
cannot be told from a new message (two "YA" from the same phone must stay two answers).

Outbound: one ``POST send_url`` per part, JSON ``{"to", "from", "text"}`` with ``Authorization: Bearer
send_token``; any non-2xx answer is a SendError (5xx/429 retried by the worker). A retry after a failure in the
middle resends the reply from its first part: a citizen may read a part twice, but never misses one.
"""

import datetime as dt
import hashlib
import hmac
import re
import uuid

import phonenumbers
from django.conf import settings
from django.http import QueryDict
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from layan.core import inputs
from layan.core.inputs import InputError, load_json

from .. import http
from ..contract import BadSignature, Inbound, MalformedPayload, Outbound, Provider, SendError

# --- segmentation -------------------------------------------------------------------------------------------------

GSM7 = "GSM-7"
UCS2 = "UCS-2"
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
SINGLE_LIMIT = {GSM7: 160, UCS2: 70}
PART_LIMIT = {GSM7: 153, UCS2: 67}
DEFAULT_MAX_SEGMENTS = 6
PLAIN_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\t": " ",
    }
)
LINK_RE = re.compile(r"https?://\S+")
TRACKING_RE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b")


def plain(text: str) -> str:
    """Curly quotes, dashes, the ellipsis character and odd spaces in their GSM-7 forms."""
    return text.translate(PLAIN_PUNCTUATION)


def encoding(text: str) -> str:
    """GSM-7 when every character is in the GSM 03.38 basic or extension table, else UCS-2."""
    return GSM7 if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else UCS2


def char_units(char: str, coding: str) -> int:
    """Septets (GSM-7: 2 for an extension character) or 16-bit units (UCS-2: 2 outside the BMP) of one character."""
    if coding == GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def units(text: str, coding: str | None = None) -> int:
    """The room ``text`` takes in an SMS, in septets or UCS-2 units."""
    coding = coding or encoding(text)
    return sum(char_units(c, coding) for c in text)


def segment_count(text: str) -> int:
    """How many SMS the network bills for ``text`` sent as one concatenated message (as Twilio sends it)."""
    coding = encoding(text)
    if units(text, coding) <= SINGLE_LIMIT[coding]:
        return 1
    count, room = 1, PART_LIMIT[coding]
    for char in text:
        size = char_units(char, coding)
        if size > room:  # an escape sequence or surrogate pair is never cut between two parts
            count, room = count + 1, PART_LIMIT[coding]
        room -= size
    return count


def split(text: str) -> list[str]:
    """``text`` as the SMS to send: itself when it fits one SMS, else parts of at most 153 septets / 67 units, cut
    at a paragraph, line or word boundary and numbered "(1/3) " (the prefix counted in the part).

    Each part is sent as an SMS of its own, so each part has the room of its own encoding: an emoji in the first
    part does not squeeze the link in the last one into 67-unit pieces that no phone would put back together."""
    coding = encoding(text)
    if units(text, coding) <= SINGLE_LIMIT[coding]:
        return [text]
    digits = 1
    while True:
        prefix = len(f"({'9' * digits}/{'9' * digits}) ")  # ASCII: one unit per character in both codings
        parts = _pieces(text, prefix)
        if len(str(len(parts))) <= digits:
            break
        digits += 1
    total = len(parts)
    return [f"({number}/{total}) {part}" for number, part in enumerate(parts, 1)]


def _pieces(text: str, prefix: int) -> list[str]:
    pieces, rest = [], text.strip()
    while rest:
        head = _longest_part(rest, prefix)
        if len(head) == len(rest):
            pieces.append(rest)
            break
        cut = _boundary(head)
        piece = rest[:cut].strip()
        if piece:
            pieces.append(piece)
        rest = rest[cut:].strip()
    return pieces


def _longest_part(text: str, prefix: int) -> str:
    """The longest head of ``text`` that fits one part after a ``prefix`` of ASCII characters: in GSM-7 while
    every character so far is GSM-7, in UCS-2 from the first one that is not."""
    septets = ucs2 = 0
    coding = GSM7
    for index, char in enumerate(text):
        if coding == GSM7 and char not in GSM7_BASIC and char not in GSM7_EXTENSION:
            coding = UCS2
        septets += char_units(char, GSM7)
        ucs2 += char_units(char, UCS2)
        if (septets if coding == GSM7 else ucs2) > PART_LIMIT[coding] - prefix:
            return text[:index]
    return text


def _boundary(head: str) -> int:
    """After the last paragraph break, line break or space in the second half of ``head``, else its end."""
    for separator in ("\n\n", "\n", " "):
        position = head.rfind(separator)
        if position >= len(head) // 2:
            return position + len(separator)
    return len(head)


def max_segments(config: dict) -> int:
    return max(int(config.get("max_segments") or DEFAULT_MAX_SEGMENTS), 1)


ELLIPSIS = "..."  # "…" is not GSM-7: it would make the whole part UCS-2, with less than half the room


def fit(text: str, fits, most: int) -> str:
    """``text`` itself when ``fits(text)``, else its longest head cut at a word boundary, followed by an ellipsis
    and the links and tracking numbers that were in the cut part, that ``fits``. ``most`` bounds the characters
    that can fit at all (every character takes at least one unit), so a very long text is not tried word by word."""
    if fits(text):
        return text
    text = text.strip()
    for cut in reversed([cut for cut in _cut_points(text) if cut <= most]):
        candidate = _shortened(text, cut)
        if fits(candidate):
            return candidate
    low, high = 0, len(text)  # not even the kept links fit: cut the text anywhere
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle].rstrip() + ELLIPSIS):
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def _cut_points(text: str) -> list[int]:
    """Word boundaries of ``text`` (0 included), ascending."""
    return [0] + [m.start() for m in re.finditer(r"\s+", text) if m.start() > 0]


def _shortened(text: str, cut: int) -> str:
    head, rest = text[:cut].rstrip().rstrip(".,;:"), text[cut:]
    links = [m.group(0) for m in LINK_RE.finditer(rest)]
    numbers = [m.group(0) for m in TRACKING_RE.finditer(rest)]
    kept = [n for n in numbers if n not in head and not any(n in link for link in links)] + links
    kept = list(dict.fromkeys(kept))
    tail = ("\n" + " ".join(kept)) if kept else ""
    body = head + ELLIPSIS if head else ""
    return (body + tail).strip()


def segments(text: str, cap: int) -> list[str]:
    """The numbered SMS of a reply, at most ``cap`` of them (longer replies shortened by :func:`fit`)."""
    text = plain(text).strip()
    return split(fit(text, lambda candidate: len(split(candidate)) <= cap, cap * SINGLE_LIMIT[GSM7]))


def text_capacity(cap: int) -> int:
    """The most characters ``cap`` numbered GSM-7 parts can carry: what ``max_length`` answers. A text in UCS-2
    or with extension characters carries less, and is fitted by the provider when it is sent."""
    if cap == 1:
        return SINGLE_LIMIT[GSM7]
    digits = len(str(cap))
    return cap * (PART_LIMIT[GSM7] - len(f"({'9' * digits}/{'9' * digits}) "))


# --- phone numbers ------------------------------------------------------------------------------------------------


def e164(raw: str) -> str:
    """``raw`` in E.164 (``0812-3456-7890``, ``6281234567890`` -> ``+6281234567890``), or MalformedPayload.

    A number in international form without its "+" (how gateways write an MSISDN) is read as such when that is a
    valid number; any other is read in the default region (Indonesia)."""
    raw = str(raw or "").strip()
    digits = re.sub(r"[\s().-]", "", raw)
    if not re.fullmatch(r"\+?\d+", digits):  # "whatsapp:+62...", "LAYAN", "1-800-FLOWERS": not an SMS sender
        raise MalformedPayload(_("nomor pengirim tidak dikenal: %(number)s") % {"number": raw[:40]})
    candidates = []
    if digits.isdigit() and not digits.startswith("0"):
        candidates.append(("+" + digits, phonenumbers.is_valid_number))
    candidates.append((raw, phonenumbers.is_possible_number))
    for candidate, acceptable in candidates:
        try:
            number = phonenumbers.parse(candidate, settings.PHONENUMBER_DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            continue
        if acceptable(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise MalformedPayload(_("nomor pengirim tidak dikenal: %(number)s") % {"number": raw[:40]})


# --- the generic gateway --------------------------------------------------------------------------------------------

SENDER_FIELDS = ("from", "msisdn", "sender")
TEXT_FIELDS = ("text", "message", "content", "body")
ID_FIELDS = ("message_id", "id", "smsId")
TIME_FIELDS = ("timestamp", "sent_at", "time")
TOKEN_HEADER = "X-Layan-Token"


class GenericSmsProvider(Provider):
    name = "sms"
    channel = "sms"

    # inbound

    def verify(self, request):
        expected = self.config.get("inbound_secret", "")
        if not expected:
            raise BadSignature(_("inbound_secret gateway SMS belum diatur; semua permintaan ditolak."))
        given = request.headers.get(TOKEN_HEADER, "")
        if not given:
            scheme, _sep, credentials = request.headers.get("Authorization", "").partition(" ")
            given = credentials.strip() if scheme.lower() == "bearer" else ""
        if not given:
            raise BadSignature(_("Token gateway SMS tidak ada (header X-Layan-Token atau Authorization: Bearer)."))
        if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace")):
            raise BadSignature(_("Token gateway SMS tidak cocok."))

    def parse(self, request):
        return [self.read_message(fields) for fields in self.messages_of(request)]

    def messages_of(self, request) -> list[dict]:
        """The SMS of the request as dictionaries: a JSON object, a JSON list, ``{"messages": [...]}``, or a form."""
        content_type = request.content_type or ""
        if "json" in content_type or (not request.POST and request.body.lstrip()[:1] in (b"{", b"[")):
            try:
                data = load_json(request.body)
            except InputError as exc:
                raise MalformedPayload(exc.message) from exc
            except (ValueError, UnicodeDecodeError) as exc:
                raise MalformedPayload(_("bukan JSON yang sah")) from exc
            if isinstance(data, dict) and isinstance(data.get("messages"), list):
                data = data["messages"]
            items = data if isinstance(data, list) else [data]
            if not items or not all(isinstance(item, dict) for item in items):
                raise MalformedPayload(_("harus berupa objek SMS atau daftar objek SMS"))
            return items
        form = request.POST if request.POST else QueryDict(request.body, encoding="utf-8")
        if not form:
            raise MalformedPayload(_("isi permintaan kosong"))
        return [{key: form.get(key) for key in form}]

    def read_message(self, fields: dict) -> Inbound:
        sender = _first(fields, SENDER_FIELDS)
        if sender is None or str(sender).strip() == "":
            raise MalformedPayload(_("nomor pengirim (from) tidak ada"))
        text = _first(fields, TEXT_FIELDS)
        if text is None:
            raise MalformedPayload(_("teks SMS (text) tidak ada"))
        if not isinstance(text, str):
            raise MalformedPayload(_("teks SMS harus berupa teks"))
        number = e164(str(sender))
        stamp = _first(fields, TIME_FIELDS)
        sent_at = read_time(stamp) if stamp not in (None, "") else None
        given_id = _first(fields, ID_FIELDS)
        message_id = str(given_id).strip() if given_id not in (None, "") else derived_id(number, text, stamp)
        return Inbound(
            channel=self.channel, provider=self.name, message_id=message_id, sender=number, text=text, sent_at=sent_at
        )

    # outbound

    def send(self, message: Outbound) -> str:
        """One POST per part; returns the gateway's id of the last part (or "" when it answers none)."""
        url = self.config.get("send_url", "")
        if not url:
            raise SendError("SMS gateway: send_url is not configured", retry=False)
        headers = {"Authorization": f"Bearer {self.config.get('send_token', '')}"}
        to = e164_or_as_is(message.to)
        sent_id = ""
        for part in segments(message.text, max_segments(self.config)):
            payload = {"to": to, "from": self.config.get("sender_id", ""), "text": part}
            answer = http.post_json(url, payload, headers=headers)
            sent_id = gateway_id(answer) or sent_id
        return sent_id

    def max_length(self) -> int:
        return text_capacity(max_segments(self.config))


def _first(fields: dict, names: tuple[str, ...]):
    """The value of the first of ``names`` present in ``fields`` (case-insensitive)."""
    lowered = {str(key).lower(): value for key, value in fields.items()}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def read_time(value) -> dt.datetime:
    """Unix seconds or milliseconds, or ISO 8601 (a time without zone is the server's)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if number is not None:
        try:
            return dt.datetime.fromtimestamp(number / 1000 if number > 1e11 else number, tz=dt.UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise MalformedPayload(_("timestamp tidak sah")) from exc
    parsed = parse_datetime(str(value)) if isinstance(value, str) else None
    if parsed is None:
        raise MalformedPayload(_("timestamp tidak sah"))
    try:
        return inputs.check_moment(parsed)  # aware, and within the range a database and UTC can hold
    except inputs.InputError as exc:
        raise MalformedPayload(_("timestamp tidak sah")) from exc


def derived_id(sender: str, text: str, stamp) -> str:
    """A stable id from sender, text and the gateway's timestamp; a fresh one when there is no timestamp (see the
    module docstring: the same text from the same phone at another time is another message)."""
    if stamp in (None, ""):
        return f"noid-{uuid.uuid4().hex}"
    digest = hashlib.sha256(f"{sender}\x1f{stamp}\x1f{text}".encode()).hexdigest()
    return f"sha256-{digest[:40]}"


def e164_or_as_is(address: str) -> str:
    try:
        return e164(address)
    except MalformedPayload:
        return address


def gateway_id(response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    value = _first(data, ID_FIELDS)
    return str(value) if value not in (None, "") else ""
