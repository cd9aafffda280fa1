from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import escape


class IndonesianFirstMiddleware:
    """Pages are in Bahasa Indonesia unless the user picked a language with the switcher (its cookie).

    Browsers in Indonesia often send ``Accept-Language: en`` because the phone's system language is English;
    that must not turn a government page into English. API clients (paths under /api/ and /open311/) still
    negotiate with Accept-Language. Sits just before Django's LocaleMiddleware.
    """

    API_PREFIXES = ("/api/", "/open311/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.API_PREFIXES) and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RefuseNulMiddleware:
    """A NUL character is refused on every path, with a 400 in the caller's language: in the URL's path, the query
    string (names and values) and form bodies (urlencoded and multipart: names, values, file names). No field
    stores it (PostgreSQL refuses it in text, and on SQLite it cut text short), and before this only the forms
    and the REST API's text fields refused it: Open311's form posts, filters read by hand and query strings reached
    the views. JSON bodies are refused by their parsers (``layan.core.inputs.load_json``: the REST API's parser
    and the channel providers'), which see the decoded text, ``\\u0000`` escapes included.

    A view marked ``reads_raw_body = True`` (the channel webhooks: they verify a signature over the raw bytes
    first, and reading a multipart form here would consume them) has its body checked by the view itself.

    Sits after LocaleMiddleware (the message follows the request's language) and before CSRF (which reads forms).
    The refusal has the shape of the surface: the API's JSON error, Open311's error list, plain text elsewhere.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if self._has_nul(request, check_body=not getattr(view_func, "reads_raw_body", False)):
            return nul_refusal(request)
        return None

    def _has_nul(self, request, *, check_body: bool) -> bool:
        if "\x00" in request.path or "\x00" in request.META.get("QUERY_STRING", ""):
            return True
        if _querydict_has_nul(request.GET):
            return True
        if not check_body or request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        if request.content_type not in self.FORM_TYPES:
            return False
        try:
            form, files = request.POST, request.FILES
        except Exception:  # noqa: BLE001 - a malformed body is the view's (and Django's) to refuse, not ours
            return False
        return _querydict_has_nul(form) or any("\x00" in (upload.name or "") for upload in files.values())


def _querydict_has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)


def nul_refusal(request) -> HttpResponse:
    """The 400 answer to a request with a NUL character, shaped as the surface it came to answers errors."""
    from .inputs import nul_message

    message = str(nul_message())
    path = request.path
    if path.startswith("/api/"):
        body = {"error": {"code": "nul_character", "message": message}}
        return JsonResponse(body, status=400)
    if path.startswith("/open311/"):
        if path.endswith(".xml"):
            xml = (
                f"<?xml version='1.0' encoding='utf-8'?>\n<errors><error><code>400</code><description>{escape(message)}"
            )
            return HttpResponse(
                xml + "</description></error></errors>", status=400, content_type="text/xml; charset=utf-8"
            )
        return JsonResponse([{"code": 400, "description": message}], status=400, safe=False)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
