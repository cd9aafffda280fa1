"""The reporter's personal data, from their page reached by the secret link: download what is held about them
(JSON), and ask for its erasure, with a confirmation step (``layan.reports.privacy``)."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import privacy
from .views_public import _private, _report_by_secret


@require_GET
def my_data(request, number, secret):
    report = _report_by_secret(number, secret)
    body = json.dumps(privacy.data_held(report), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="data-pelapor-{report.tracking_number}.json"'
    return _private(response)


@require_http_methods(["GET", "POST"])
def erase_my_data(request, number, secret):
    """GET: what erasure means, and a button; POST with ``confirm=ya``: erase. The reports stay, anonymised."""
    report = _report_by_secret(number, secret)
    citizen = report.reporter
    erased = citizen is None or (citizen.erased_at is not None and not citizen.has_contact)
    if request.method == "POST" and request.POST.get("confirm") == "ya":
        if not erased:
            privacy.erase_citizen(citizen, unlink_user=True)
        messages.success(request, _("Data pribadi Anda sudah dihapus. Laporan Anda tetap ada, tanpa identitas Anda."))
        return redirect("reports:reporter", report.tracking_number, secret)
    context = {"report": report, "secret": secret, "erased": erased}
    return _private(render(request, "reports/public/erase_data.html", context))
