"""The Open311 GeoReport v2 views: plain Django views, thin over :mod:`.catalog`, :mod:`.intake` and
:mod:`.service_requests`. Each answers in the format of its URL suffix and refuses in the spec's error format.

``api_key`` is read as the spec sends it (a form field of the POST, a query parameter of a GET; the
``X-Api-Key`` header is accepted too). A wrong, revoked or expired key is refused (403), never treated as no key.
The views are CSRF exempt: they take no session, only the key. A POST is answered 200 with the spec's array
(as in the spec's examples and what simple clients check for), not 201.
"""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from layan.core import permissions, ratelimit
from layan.reports import idempotency
from layan.reports.models import Report
from layan.reports.services import submit_report

from ..authentication import user_for_key
from . import catalog, intake
from . import service_requests as requests_
from .render import Open311Error, error_response, respond


def open311(*methods):
    """Allow only ``methods`` and turn an :class:`Open311Error` into the spec's error answer."""

    allowed = [*methods, "HEAD"] if "GET" in methods else list(methods)

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, fmt="json", **kwargs):
            try:
                if request.method not in allowed:
                    raise Open311Error(
                        405, _("Metode %(method)s tidak didukung di alamat ini.") % {"method": request.method}
                    )
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                response = error_response(fmt, error)
                if error.status == 405:
                    response["Allow"] = ", ".join(allowed)
                if getattr(error, "retry_after", None):
                    response["Retry-After"] = str(error.retry_after)
                return response

        return wrapper

    return decorate


def _caller(request, *, required: bool = False):
    """The API key's service user, None without a key; a key that is not valid is refused."""
    raw = request.POST.get("api_key") or request.GET.get("api_key") or request.headers.get("X-Api-Key", "")
    if not raw:
        if required:
            raise Open311Error(403, _("api_key wajib diisi untuk mengirim laporan."))
        return None
    user = user_for_key(raw)
    if user is None:
        raise Open311Error(403, _("Kunci API tidak valid, sudah dicabut atau kedaluwarsa."))
    return user


def _throttle(request, user, *, create: bool = False) -> None:
    """The REST API's rates, on the same counters (a key's requests count once, whichever API it calls): reading
    per key (``layan_user``) or per client IP (``layan_anon``), posting per key (``layan_create``). Open311 went
    around them before."""
    if create:
        limits = [("layan_create", f"user-{user.pk}")]
    elif user is not None:
        limits = [("layan_user", str(user.pk))]
    else:
        limits = [("layan_anon", None)]
    wait = ratelimit.first_hit(request, *limits)
    if wait is not None:
        error = Open311Error(
            429, _("Terlalu banyak permintaan. Coba lagi dalam %(seconds)s detik.") % {"seconds": wait}
        )
        error.retry_after = wait
        raise error


def _jurisdiction(request):
    return catalog.jurisdiction(request.POST.get("jurisdiction_id") or request.GET.get("jurisdiction_id"))


@open311("GET")
def discovery(request, fmt):
    v2_url = settings.LAYAN_PUBLIC_URL.rstrip("/") + reverse("open311:v2")
    return respond(fmt, "discovery", catalog.discovery(v2_url))


@open311("GET")
def service_list(request, fmt):
    _jurisdiction(request)
    return respond(fmt, "services", [catalog.service(item) for item in catalog.categories()])


@open311("GET")
def service_definition(request, service_code, fmt):
    _jurisdiction(request)
    return respond(fmt, "service_definition", catalog.service_definition(catalog.category(service_code)))


@open311("GET", "POST")
def service_requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    user = _caller(request)
    _throttle(request, user)
    reports = requests_.search(requests_.visible(user, _jurisdiction(request)), request.GET)
    return respond(fmt, "service_requests", requests_.as_requests(reports, user))


def _create(request, fmt):
    user = _caller(request, required=True)
    if not permissions.has_perm(user, permissions.REPORT_INTAKE):
        raise Open311Error(403, _("Kunci API ini tidak berizin mengirim laporan (report.intake)."))
    _throttle(request, user, create=True)
    submission = intake.parse(request.POST, request.FILES, _jurisdiction(request))
    try:  # a retried POST with the same Idempotency-Key header answers with the request the first one made
        report, _created = idempotency.submit_once(
            user,
            idempotency.key_of(request),
            lambda: submit_report(
                submission.new, channel=Report.Channel.OPEN311, reporter=submission.reporter, entered_by=user
            ),
        )
    except idempotency.BadKey as exc:
        raise Open311Error(400, str(exc)) from None
    except ValidationError as exc:
        raise Open311Error(400, *exc.messages) from None
    answer = {
        "service_request_id": report.tracking_number,
        "token": requests_.token_for(report),
        "service_notice": _("Laporan diterima dengan nomor %(number)s dan akan diverifikasi.")
        % {"number": report.tracking_number},
        "account_id": submission.account_id or None,
    }
    return respond(fmt, "service_requests", [answer])


@open311("GET")
def service_request(request, service_request_id, fmt):
    user = _caller(request)
    _throttle(request, user)
    report = requests_.one(requests_.visible(user, _jurisdiction(request)), service_request_id)
    return respond(fmt, "service_requests", requests_.as_requests([report], user))


@open311("GET")
def token(request, token, fmt):
    _jurisdiction(request)
    return respond(fmt, "service_requests", [requests_.resolve_token(token)])


@open311("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
def not_found(request, fmt):
    raise Open311Error(404, _("Alamat ini tidak ada di layanan Open311."))


def not_found_any(request, path=""):
    """Any other address under /open311/: the spec's 404, in XML when the address asks for XML."""
    return not_found(request, fmt="xml" if path.endswith(".xml") else "json")
