"""The providers' webhook endpoint: ``/kanal/<provider>/webhook/``. Thin: store raw, verify, parse, hand over."""

import logging

from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import intake
from .contract import BadSignature, MalformedPayload
from .models import InboundRequest
from .registry import get_provider

log = logging.getLogger(__name__)


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
    raw = intake.store_request(provider_name, request)  # before anything reads it: the audit trail
    try:
        provider.verify(request)
    except BadSignature as exc:
        intake.mark_request(raw, InboundRequest.Status.REJECTED, exc.message)
        log.warning("channel %s: refused request %s from %s: %s", provider_name, raw.pk, raw.remote_addr, exc.message)
        return HttpResponse(_("Tanda tangan tidak sah."), status=403, content_type="text/plain; charset=utf-8")
    try:
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
