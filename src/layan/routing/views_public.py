"""The citizen's "is this your problem?" while typing a report (``/lapor/mirip/``).

The report form fetches it with htmx when typing pauses (the title, the description and the region picked so
far); it answers an HTML fragment with up to three similar OPEN PUBLIC reports: only their title, place, date,
status and a link, each with "Saya juga mengalami" (the report's own support button, on its public page, opened
beside the form so the draft is kept). Confidential, archived and held reports are never among them
(``duplicates.similar_public`` reads ``reports.services.public_reports``). Without htmx the same address answers a
small page. Anonymous callers are throttled per client IP (``API_THROTTLE_SIMILAR``, default 60 a minute: typing
pauses give a few a minute); over it, the answer is 429 and the form simply shows no hint.
"""

import re

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from layan.api.throttling import AnonymousThrottle
from layan.reports.forms_public import region_labels

from . import duplicates

REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
MAX_TEXT = 2000


def _param(request, *names: str) -> str:
    return next((request.GET[name] for name in names if request.GET.get(name)), "")[:MAX_TEXT]


def _region(request) -> str | None:
    """The most precise region picked on the form (desa, else kecamatan, else kabupaten/kota)."""
    for name in ("wilayah", "desa", "kecamatan", "kabkota"):
        code = request.GET.get(name, "").strip()
        if code and REGION_CODE.match(code):
            return code
    return None


class SimilarThrottle(AnonymousThrottle):
    scope = "layan_similar"


def similar(request):
    throttle = SimilarThrottle()
    if not throttle.allow_request(request, None):
        seconds = int(throttle.wait() or 1)
        response = HttpResponse(
            _("Terlalu banyak pencarian laporan serupa. Coba lagi dalam %(seconds)s detik.") % {"seconds": seconds},
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(seconds)
        return response
    title, description = _param(request, "judul", "title"), _param(request, "isi", "description")
    reports = duplicates.similar_public(title, description, _region(request)) if (title or description) else []
    labels = region_labels([r.region for r in reports if r.region_id])
    for report in reports:
        report.region_label = labels.get(report.region_id, "")
    fragment = bool(request.headers.get("HX-Request"))
    template = "routing/public/_similar.html" if fragment else "routing/public/similar.html"
    response = render(
        request, template, {"reports": reports, "searched": bool(title or description), "standalone": not fragment}
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


urlpatterns = [path("lapor/mirip/", similar, name="similar")]
