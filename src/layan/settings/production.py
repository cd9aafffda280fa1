"""Production mode: refuses to start without SECRET_KEY and turns on the security headers."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY belum diatur / SECRET_KEY is not set. Production mode refuses to start without it: "
        "set the SECRET_KEY environment variable to a long random value "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
DEBUG = env.bool("DEBUG", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
WHITENOISE_USE_FINDERS = False
LAYAN_MODE = "production"
