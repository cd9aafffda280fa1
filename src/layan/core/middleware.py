from django.conf import settings


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
