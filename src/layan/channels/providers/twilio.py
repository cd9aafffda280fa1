"""Twilio Programmable Messaging (SMS): incoming messages and status callbacks in, the REST API out.

- Signature: Twilio signs every webhook with ``X-Twilio-Signature`` = base64(HMAC-SHA1(auth token, URL + every
  POST parameter's name and value, sorted by name)). The URL is the one Twilio requested: ``webhook_url`` from the
  settings when set (behind a proxy or TLS terminator the request's own URL differs; the request's query string is
  added to it when it has none), else the request's absolute URL. As Twilio's own validator does, the URL is
  tried with and without its default port. A JSON webhook (``?bodySHA256=`` in the URL) is checked by the hash of
  its body instead of the parameters. Without an ``auth_token`` nothing is accepted.
- Incoming message: ``MessageSid`` (the key that makes a redelivery harmless), ``From`` (normalised to E.164),
  ``Body``, and ``NumMedia`` pictures at ``MediaUrl0``... with ``MediaContentType0``...; the pictures are downloaded
  by the worker with the account's credentials (HTTP basic auth; Twilio redirects to its media store, and the
  credentials are not sent on there).
- Status callback (a ``MessageStatus`` parameter): becomes a StatusUpdate of the message we sent; ``ErrorCode``
  (e.g. 30003, unreachable handset) is kept as the error.
- Answer: empty TwiML. Replies are not TwiML but REST API calls from the worker, so a failed reply is retried.
- Sending: ``POST {api_url}/2010-04-01/Accounts/{account_sid}/Messages.json`` (To, From, Body) with basic auth.
  Twilio splits a long body into concatenated SMS itself (up to 1600 characters), so the body is not numbered; it
  is only fitted to the same cap of parts as the generic gateway (``max_segments``, else 6), keeping the link.
  Twilio's error answer ``{"code", "message", "more_info", "status"}``: 429 and 5xx are retried, other 4xx
  (21211 invalid To, 21610 the recipient answered STOP to Twilio) are not.
"""

import base64
import hashlib
import hmac
import mimetypes
from urllib.parse import parse_qs, urlsplit, urlunsplit

from django.http import HttpResponse
from django.utils.translation import gettext as _

from ..contract import BadSignature, Inbound, MalformedPayload, Media, Outbound, Provider, SendError, StatusUpdate
from . import chat, sms

SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_BODY = 1600  # Twilio refuses a longer body (error 21617)
MAX_MEDIA = 10  # Twilio delivers at most ten media per message
DEFAULT_PORTS = {"http": 80, "https": 443}


class TwilioProvider(Provider):
    name = "twilio"
    channel = "sms"

    # inbound

    def verify(self, request):
        token = self.config.get("auth_token", "")
        if not token:
            raise BadSignature(_("auth_token Twilio belum diatur; semua permintaan ditolak."))
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not given:
            raise BadSignature(_("Header X-Twilio-Signature tidak ada."))
        url = self.signed_url(request)
        body_hash = parse_qs(urlsplit(url).query).get("bodySHA256")
        if body_hash:
            if not hmac.compare_digest(hashlib.sha256(request.body).hexdigest(), body_hash[0]):
                raise BadSignature(_("Hash isi permintaan Twilio tidak cocok."))
            params = {}
        else:
            params = {key: request.POST.getlist(key) for key in request.POST}
        for candidate in url_variants(url):
            if hmac.compare_digest(signature(token, candidate, params).encode(), given.encode("utf-8", "replace")):
                return
        raise BadSignature(_("Tanda tangan Twilio tidak cocok untuk %(url)s.") % {"url": url})

    def signed_url(self, request) -> str:
        configured = self.config.get("webhook_url", "")
        if not configured:
            return request.build_absolute_uri()
        query = request.META.get("QUERY_STRING", "")
        return f"{configured}?{query}" if query and "?" not in configured else configured

    def parse(self, request):
        form = request.POST
        if not form:
            raise MalformedPayload(_("bukan formulir webhook Twilio"))
        sid = form.get("MessageSid") or form.get("SmsMessageSid") or form.get("SmsSid")
        if not sid:
            raise MalformedPayload(_("MessageSid tidak ada"))
        if "MessageStatus" in form:
            return [self.read_status(form, sid)]
        return [self.read_message(form, sid)]

    def read_status(self, form, sid: str) -> StatusUpdate:
        code, detail = form.get("ErrorCode", ""), form.get("ErrorMessage", "")
        error = f"Twilio {code}: {detail}".strip(": ") if code else detail
        return StatusUpdate(provider=self.name, provider_message_id=sid, status=form["MessageStatus"], error=error)

    def read_message(self, form, sid: str) -> Inbound:
        if not form.get("From"):
            raise MalformedPayload(_("From tidak ada"))
        inbound = Inbound(
            channel=self.channel,
            provider=self.name,
            message_id=sid,
            sender=sms.e164(form["From"]),
            text=form.get("Body", ""),
        )
        try:
            count = int(form.get("NumMedia") or 0)
        except ValueError as exc:
            raise MalformedPayload(_("NumMedia harus berupa angka")) from exc
        if not 0 <= count <= MAX_MEDIA:
            raise MalformedPayload(_("NumMedia di luar jangkauan"))
        for index in range(count):
            url = form.get(f"MediaUrl{index}", "")
            if not url.startswith(("https://", "http://")):
                raise MalformedPayload(_("MediaUrl%(i)s tidak ada") % {"i": index})
            content_type = form.get(f"MediaContentType{index}", "")
            inbound.media.append(
                Media(content_type=content_type, url=url, name=media_name(url, content_type), caption=inbound.text)
            )
        return inbound

    def acknowledge(self, request):
        return HttpResponse(EMPTY_TWIML, content_type="text/xml; charset=utf-8")

    # outbound

    def fetch_media(self, media: Media) -> Media:
        if media.content is not None or not media.url:
            return media
        content, served_type = chat.download(media.url, headers={"Authorization": self.basic_auth()})
        media.content = content
        media.content_type = media.content_type or served_type
        return media

    def send(self, message: Outbound) -> str:
        """One Messages resource; Twilio splits the body into concatenated SMS. Returns its ``sid``."""
        sid, sender = self.config.get("account_sid", ""), self.config.get("from_number", "")
        if not sid or not sender:
            raise SendError("Twilio: account_sid and from_number must be configured", retry=False)
        body = message_body(message.text, sms.max_segments(self.config))
        answer = chat.call(
            "POST",
            f"{self.api_url}/2010-04-01/Accounts/{sid}/Messages.json",
            classify_error,
            data={"To": sms.e164_or_as_is(message.to), "From": sender, "Body": body},
            headers={"Authorization": self.basic_auth()},
        )
        created = chat.error_body(answer)
        if not created.get("sid"):
            raise SendError(f"Twilio: no sid in the answer: {answer.text[:200]}", retry=False)
        return str(created["sid"])

    def max_length(self) -> int:
        return min(sms.text_capacity(sms.max_segments(self.config)), MAX_BODY)

    @property
    def api_url(self) -> str:
        return self.config.get("api_url", "").rstrip("/")

    def basic_auth(self) -> str:
        pair = f"{self.config.get('account_sid', '')}:{self.config.get('auth_token', '')}"
        return "Basic " + base64.b64encode(pair.encode()).decode("ascii")


def signature(token: str, url: str, params: dict[str, list[str]]) -> str:
    """Twilio's signature: the URL, then each parameter name with each of its values (names and values sorted)."""
    data = url + "".join(name + value for name in sorted(params) for value in sorted(set(params[name])))
    digest = hmac.new(token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def url_variants(url: str) -> list[str]:
    """``url`` as given, without its port and with the scheme's default port (Twilio signs either)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    userinfo = userinfo + "@" if userinfo else ""
    without = urlunsplit(parts._replace(netloc=userinfo + host))
    port = parts.port or DEFAULT_PORTS.get(parts.scheme, 80)
    with_port = urlunsplit(parts._replace(netloc=f"{userinfo}{host}:{port}"))
    return list(dict.fromkeys([url, without, with_port]))


def message_body(text: str, cap: int) -> str:
    """The reply in plain punctuation, fitted to ``cap`` concatenated SMS and Twilio's 1600 characters."""
    text = sms.plain(text).strip()
    return sms.fit(text, lambda body: len(body) <= MAX_BODY and sms.segment_count(body) <= cap, MAX_BODY)


def media_name(url: str, content_type: str) -> str:
    extension = mimetypes.guess_extension(content_type.split(";")[0].strip()) or ""
    return (url.rstrip("/").rsplit("/", 1)[-1] or "media") + extension


def classify_error(response) -> SendError:
    body = chat.error_body(response)
    code = body.get("code") or response.status_code
    text = f"Twilio {code}: {str(body.get('message', response.text))[:200]}"
    retry = response.status_code == 429 or response.status_code >= 500
    return SendError(text, retry=retry, status=response.status_code)
