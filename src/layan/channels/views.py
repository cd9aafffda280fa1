"""The providers' webhook endpoint: ``/kanal/<provider>/webhook/``. Thin: cap the size, verify, store, parse, hand
over.

The signature is checked before anything is stored: unsigned posts of 2 MB each were once stored whole before
their refusal (20 of them added 42 MB). A refused request leaves a short record only (the headers that matter and
the first ``LAYAN_CHANNEL_REJECTED_EXCERPT`` bytes, for the administrator who must see why a provider's posts
fail), purged after ``LAYAN_CHANNEL_REJECTED_KEEP_DAYS`` (``intake.purge_rejected``, run by the worker). A body
larger than ``LAYAN_CHANNEL_MAX_BODY_BYTES`` is refused (413) before it is read, and a client posting more than
``RATE_LIMIT_CHANNEL_WEBHOOK`` is answered 429 (providers retry later). A request whose payload holds a
NUL character is refused as malformed (400), as every other path refuses it (``core.middleware``)."""

import logging

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from layan.core import ratelimit
from layan.core.inputs import nul_message

from . import intake
from .contract import BadSignature, MalformedPayload
from .models import InboundRequest
from .registry import get_provider

log = logging.getLogger(__name__)


def max_body_bytes() -> int:
    return int(getattr(settings, "LAYAN_CHANNEL_MAX_BODY_BYTES", 256 * 1024))


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


@csrf_exempt
def webhook(request, provider_name: str):
    provider = get_provider(provider_name)
    if provider is None:
        raise Http404(_("Kanal tidak dikenal atau tidak aktif."))
    if request.method == "GET":
        answer = provider.handshake(request)
        return answer if answer is not None else HttpResponseNotAllowed(["POST"])
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    wait = ratelimit.hit(request, "layan_webhook")  # per client IP, before anything is read or stored
    if wait is not None:
        response = HttpResponse(
            _("Terlalu banyak permintaan. Coba lagi dalam %(seconds)s detik.") % {"seconds": wait},
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(wait)
        return response
    limit = max_body_bytes()
    declared = _declared_length(request)
    if declared is None or declared > limit or len(request.body) > limit:
        log.warning("channel %s: refused a body of %s bytes (limit %s)", provider_name, declared, limit)
        message = _("Isi permintaan terlalu besar (paling banyak %(n)s bita).") % {"n": limit}
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    try:
        provider.verify(request)
    except BadSignature as exc:
        raw = intake.store_rejected(provider_name, request, exc.message)
        log.warning("channel %s: refused request %s from %s: %s", provider_name, raw.pk, raw.remote_addr, exc.message)
        return HttpResponse(_("Tanda tangan tidak sah."), status=403, content_type="text/plain; charset=utf-8")
    raw = intake.store_request(provider_name, request)  # before anything reads it: the audit trail
    try:
        if intake.has_nul(request):
            raise MalformedPayload(str(nul_message()))
        items = provider.parse(request)
    except MalformedPayload as exc:
        intake.mark_request(raw, InboundRequest.Status.MALFORMED, exc.message)
        log.warning("channel %s: malformed request %s: %s", provider_name, raw.pk, exc.message)
        return JsonResponse(
            {
                "error": {
                    "code": "malformed_payload",
                    "message": _("Isi permintaan tidak dapat dibaca: %(why)s") % {"why": exc.message},
                    "request_id": raw.pk,
                }
            },
            status=400,
        )
    intake.accept(raw, items)
    return provider.acknowledge(request)


webhook.reads_raw_body = True  # core.middleware.RefuseNulMiddleware leaves the body to this view (after verify)
