"""Environment-driven settings shared by every mode.

Every value a deployment changes comes from the environment (django-environ), see the settings table in
README.md. Paths default to a data directory (``$LAYAN_DATA_DIR``, default ``./var``).
"""

from datetime import timedelta
from pathlib import Path

import environ

PACKAGE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DATA_DIR = Path(env.str("LAYAN_DATA_DIR", default="var")).expanduser().resolve()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files, no CDN
    "rest_framework_api_key",
    "phonenumber_field",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "axes",  # login throttling and lockout (site and admin)
    "django_otp",  # two-factor authentication for staff (layan.core.twofactor)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # backup codes
    "csp",  # Content-Security-Policy header on every response
    "layan.core",
    "layan.reports",
    "layan.deadlines",
    "layan.notifications",
    "layan.charter",
    "layan.api",
    "layan.webhooks",
    "layan.channels",
    "layan.routing",
    "layan.ops",
]

MIDDLEWARE = [
    "layan.ops.middleware.OpsMiddleware",  # /healthz, /readyz, /metrics before the host check; request ids
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "layan.core.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "layan.core.middleware.RefuseNulMiddleware",  # NUL in a path, query string or form body: 400 (issue 15)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session passed its second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "layan.core.twofactor.StaffSessionMiddleware",  # staff sessions: idle and absolute limits
    "layan.core.twofactor.TwoFactorMiddleware",  # staff with 2FA (or who must enrol) reach only the 2FA pages
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out login into the lockout page (last, as axes asks)
]

ROOT_URLCONF = "layan.urls"
WSGI_APPLICATION = "layan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "layan.core.context_processors.layan",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'layan.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web process use the file at once; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes checks every login (site and admin) before the password is: 5 failures of one username from one
# address lock that pair out for 15 minutes (a page saying so, HTTP 429), a success resets the count.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LAYAN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("LAYAN_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "layan.core.views.login_lockout"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["csrfmiddlewaretoken"]  # the password is never stored either (axes masks it)
# The client address is REMOTE_ADDR only: a client-sent X-Forwarded-For would let a script change "its" address
# at every try. Behind the reverse proxy, `layan serve` (waitress, --trusted-proxy) puts the client's address there.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Two-factor authentication (layan.core.twofactor): required for platform admins, system administrators and
# oversight accounts (they enrol at their first login before any staff page), offered to every other staff member.
# The demo and the test settings turn the requirement off; whoever has enrolled is always asked for a code.
LAYAN_2FA_REQUIRED = env.bool("LAYAN_2FA_REQUIRED", default=True)
OTP_TOTP_ISSUER = env.str("LAYAN_2FA_ISSUER", default=env.str("LAYAN_SITE_NAME", default="Layan"))  # in the app

# Staff sessions end after LAYAN_STAFF_SESSION_HOURS in all, or LAYAN_STAFF_IDLE_MINUTES without a request;
# citizens' sessions keep Django's defaults. Cookies: HttpOnly, SameSite=Lax (production adds Secure).
LAYAN_STAFF_SESSION_HOURS = env.float("LAYAN_STAFF_SESSION_HOURS", default=8)
LAYAN_STAFF_IDLE_MINUTES = env.float("LAYAN_STAFF_IDLE_MINUTES", default=30)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp 4): no inline script, nothing from elsewhere. The Swagger UI page (/api/docs/)
# and the admin run under it unchanged (tests/e2e/test_csp.py checks the browser reports no violation).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # style="..." attributes of the templates (no script can run from one); <style> elements stay refused
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Bahasa Indonesia first; English available through the language switcher.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if env.str("EMAIL_FILE_PATH", default=""):  # for filemail://, as an absolute path
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Layan <no-reply@layan.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "notifications", "sweeps", "webhooks", "training"],  # training: routing models
    }
}
# Leases of the database queue (layan.ops.leases): a worker renews its lease every third of it; a task whose
# worker's lease expired (the worker was killed) is queued again, and a failed Layan task is retried after
# RETRY_SECONDS x 1, 2, 4 ... until MAX_ATTEMPTS runs in all. Uploads parked by the report form are deleted by
# the worker after PENDING_UPLOAD_HOURS.
LAYAN_TASK_LEASE_SECONDS = env.float("LAYAN_TASK_LEASE_SECONDS", default=60.0)
LAYAN_TASK_MAX_ATTEMPTS = env.int("LAYAN_TASK_MAX_ATTEMPTS", default=5)
LAYAN_TASK_RETRY_SECONDS = env.float("LAYAN_TASK_RETRY_SECONDS", default=30.0)
LAYAN_PENDING_UPLOAD_HOURS = env.float("LAYAN_PENDING_UPLOAD_HOURS", default=24.0)
# How long a worker holds a notification e-mail while handing it to the mail server (then another may send it).
LAYAN_NOTIFICATION_CLAIM_SECONDS = env.float("LAYAN_NOTIFICATION_CLAIM_SECONDS", default=90.0)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "layan.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_VERSIONING_CLASS": None,
    # layan.api v1 throttles per key/user and per IP (anonymous); its views set their own exception handler
    "DEFAULT_THROTTLE_RATES": {
        "layan_anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "layan_user": env.str("API_THROTTLE_USER", default="1200/minute"),
        "layan_create": env.str("API_THROTTLE_CREATE", default="30/minute"),
        "layan_similar": env.str("API_THROTTLE_SIMILAR", default="60/minute"),  # /lapor/mirip/, per IP
        # layan.core.ratelimit: what a script could flood (issue 15); per client IP unless said otherwise
        "layan_report_form": env.str("RATE_LIMIT_REPORT_FORM", default="20/hour"),  # reports sent from /lapor/
        "layan_follow": env.str("RATE_LIMIT_FOLLOW", default="10/hour"),  # follow requests (each mails a link)
        "layan_follow_address": env.str("RATE_LIMIT_FOLLOW_ADDRESS", default="3/day"),  # ... to one e-mail address
        "layan_webhook": env.str("RATE_LIMIT_CHANNEL_WEBHOOK", default="600/minute"),  # posts to /kanal/*/webhook/
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Layan API",
    "DESCRIPTION": "REST API of Layan: reports (laporan), agencies, regions, categories, services, statistics.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["layan.api.schema.only_v1"],
    "ENUM_NAME_OVERRIDES": {
        "ReportStateEnum": "layan.reports.models.Report.State",
        "ReportPrivacyEnum": "layan.reports.models.Report.Privacy",
        "ReportChannelEnum": "layan.reports.models.Report.Channel",
        "ReportTypeEnum": "layan.reports.models.Report.Type",
        "ReportWeightEnum": "layan.reports.models.Report.Weight",
        "ArchiveReasonEnum": "layan.reports.models.Report.ArchiveReason",
        "DispositionStateEnum": "layan.reports.models.Disposition.State",
        "RegionLevelEnum": "layan.core.models.Region.Level",
        "AgencyKindEnum": "layan.core.models.Agency.Kind",
        "AgencyLevelEnum": "layan.core.models.Agency.Level",
    },
}

PHONENUMBER_DEFAULT_REGION = "ID"
PHONENUMBER_DB_FORMAT = "E164"

AUDITLOG_INCLUDE_ALL_MODELS = False

# Layan's own settings.
LAYAN_SITE_NAME = env.str("LAYAN_SITE_NAME", default="Layan")
LAYAN_REGIONS_FILE = env.str("LAYAN_REGIONS_FILE", default="")
LAYAN_PUBLIC_URL = env.str("LAYAN_PUBLIC_URL", default="http://127.0.0.1:8000")
LAYAN_ATTACHMENT_MAX_BYTES = env.int("LAYAN_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
LAYAN_ATTACHMENTS_PER_REPORT = env.int("LAYAN_ATTACHMENTS_PER_REPORT", default=5)
# images with more pixels are refused from their header, before decoding (a small PNG can decode to gigabytes)
LAYAN_IMAGE_MAX_PIXELS = env.int("LAYAN_IMAGE_MAX_PIXELS", default=40_000_000)
# PDFs are re-rendered page by page as images (nothing of the original file is kept): at most this many pages
LAYAN_PDF_MAX_PAGES = env.int("LAYAN_PDF_MAX_PAGES", default=20)
# a new report is public at once (true) or only once an admin verified it (false, the default)
LAYAN_PUBLISH_ON_SUBMIT = env.bool("LAYAN_PUBLISH_ON_SUBMIT", default=False)
LAYAN_ESCALATION_ENABLED = env.bool("LAYAN_ESCALATION_ENABLED", default=True)
LAYAN_OPEN311_JURISDICTION = env.str("LAYAN_OPEN311_JURISDICTION", default="")  # default: the public URL's host
LAYAN_OPEN311_CONTACT = env.str("LAYAN_OPEN311_CONTACT", default="")
# Outgoing webhooks (layan.webhooks): attempts per delivery, HTTP timeouts in seconds, how many deliveries in a
# row may give up before a subscription is switched off, and whether targets on private/loopback addresses are
# allowed (never in production: it would let a subscriber make the server call its own internal network).
LAYAN_WEBHOOK_MAX_ATTEMPTS = env.int("LAYAN_WEBHOOK_MAX_ATTEMPTS", default=8)
LAYAN_WEBHOOK_CONNECT_TIMEOUT = env.float("LAYAN_WEBHOOK_CONNECT_TIMEOUT", default=5.0)
LAYAN_WEBHOOK_READ_TIMEOUT = env.float("LAYAN_WEBHOOK_READ_TIMEOUT", default=10.0)
LAYAN_WEBHOOK_DISABLE_AFTER = env.int("LAYAN_WEBHOOK_DISABLE_AFTER", default=5)
LAYAN_WEBHOOK_ALLOW_PRIVATE = env.bool("LAYAN_WEBHOOK_ALLOW_PRIVATE", default=False)

# Messaging channels (layan.channels): credentials from the environment; a provider without its secrets is off.
# The *_URL settings point at the providers' real APIs; tests point them at a local recorder.
LAYAN_CHANNELS = {
    "whatsapp": {
        "enabled": env.bool("WHATSAPP_ENABLED", default=True),
        "verify_token": env.str("WHATSAPP_VERIFY_TOKEN", default=""),
        "app_secret": env.str("WHATSAPP_APP_SECRET", default=""),
        "access_token": env.str("WHATSAPP_ACCESS_TOKEN", default=""),
        "phone_number_id": env.str("WHATSAPP_PHONE_NUMBER_ID", default=""),
        "graph_url": env.str("WHATSAPP_GRAPH_URL", default="https://graph.facebook.com/v21.0"),
    },
    "telegram": {
        "enabled": env.bool("TELEGRAM_ENABLED", default=True),
        "bot_token": env.str("TELEGRAM_BOT_TOKEN", default=""),
        "secret_token": env.str("TELEGRAM_SECRET_TOKEN", default=""),
        "api_url": env.str("TELEGRAM_API_URL", default="https://api.telegram.org"),
    },
    "sms": {  # a generic HTTP SMS gateway (e.g. a local operator's or an Android gateway app)
        "enabled": env.bool("SMS_ENABLED", default=True),
        "inbound_secret": env.str("SMS_INBOUND_SECRET", default=""),
        "send_url": env.str("SMS_SEND_URL", default=""),
        "send_token": env.str("SMS_SEND_TOKEN", default=""),
        "sender_id": env.str("SMS_SENDER_ID", default="LAYAN"),
    },
    "twilio": {
        "enabled": env.bool("TWILIO_ENABLED", default=True),
        "account_sid": env.str("TWILIO_ACCOUNT_SID", default=""),
        "auth_token": env.str("TWILIO_AUTH_TOKEN", default=""),
        "from_number": env.str("TWILIO_FROM_NUMBER", default=""),
        "api_url": env.str("TWILIO_API_URL", default="https://api.twilio.com"),
        # the public URL Twilio posts to, as Twilio signs it (behind a proxy the request's own URL differs)
        "webhook_url": env.str("TWILIO_WEBHOOK_URL", default=""),
    },
    "email": {
        "enabled": env.bool("EMAIL_CHANNEL_ENABLED", default=True),
        "address": env.str("LAYAN_REPORT_EMAIL", default="lapor@layan.localhost"),
        "gateway_host": env.str("MAIL_GATEWAY_HOST", default="127.0.0.1"),
        "gateway_port": env.int("MAIL_GATEWAY_PORT", default=2525),
        "imap_url": env.str("IMAP_URL", default=""),  # imaps://user:password@host:993/INBOX
    },
}
# Which provider sends on each channel (SMS can go out through the generic gateway or Twilio).
LAYAN_CHANNEL_SENDERS = {
    "whatsapp": "whatsapp",
    "telegram": "telegram",
    "sms": env.str("SMS_SENDER", default="sms"),
    "email": "email",
}
LAYAN_CHANNEL_HTTP_TIMEOUT = env.float("LAYAN_CHANNEL_HTTP_TIMEOUT", default=10.0)
LAYAN_CHANNEL_RATE_LIMIT = env.int("LAYAN_CHANNEL_RATE_LIMIT", default=20)  # messages per sender per 10 minutes
LAYAN_CHANNEL_SEND_ATTEMPTS = env.int("LAYAN_CHANNEL_SEND_ATTEMPTS", default=6)  # then an outbound message fails
# Webhooks of the channels: a larger body is refused (413) unread; a request refused for its signature keeps only a
# short record (its first bytes), deleted after some days by the worker (layan.channels.intake.purge_rejected)
LAYAN_CHANNEL_MAX_BODY_BYTES = env.int("LAYAN_CHANNEL_MAX_BODY_BYTES", default=256 * 1024)
LAYAN_CHANNEL_REJECTED_EXCERPT = env.int("LAYAN_CHANNEL_REJECTED_EXCERPT", default=256)
LAYAN_CHANNEL_REJECTED_KEEP_DAYS = env.int("LAYAN_CHANNEL_REJECTED_KEEP_DAYS", default=7)

# Routing suggestions (layan.routing): retraining from the deployment's own dispatch decisions. A training needs at
# least MIN_EXAMPLES labelled reports (and two agencies); at most MAX_EXAMPLES of the newest are used. The worker
# retrains every RETRAIN_HOURS (0 = never; one worker per slot); a duplicate candidate scoring at least
# DUPLICATE_BLOCKS keeps a report from being dispatched automatically.
LAYAN_ROUTER_MIN_EXAMPLES = env.int("LAYAN_ROUTER_MIN_EXAMPLES", default=50)
LAYAN_ROUTER_MAX_EXAMPLES = env.int("LAYAN_ROUTER_MAX_EXAMPLES", default=200_000)
LAYAN_ROUTER_RETRAIN_HOURS = env.float("LAYAN_ROUTER_RETRAIN_HOURS", default=168)
LAYAN_ROUTER_DUPLICATE_BLOCKS = env.float("LAYAN_ROUTER_DUPLICATE_BLOCKS", default=0.8)

# Operations (layan.ops, docs/deployment.md): who may scrape /metrics (a bearer token, or client addresses or
# networks; neither = 404), how long the figures read from the database are cached, and the dashboard views whose
# GET requests read from the replica when DATABASE_REPLICA_URL is set (production settings).
LAYAN_METRICS_TOKEN = env.str("LAYAN_METRICS_TOKEN", default="")
LAYAN_METRICS_ALLOWED_IPS = env.list("LAYAN_METRICS_ALLOWED_IPS", default=[])
LAYAN_METRICS_DB_TTL = env.int("LAYAN_METRICS_DB_TTL", default=30)
LAYAN_REPLICA_VIEWS = env.list(
    "LAYAN_REPLICA_VIEWS",
    default=[
        "deadlines:staff-stats",
        "deadlines:staff-export",
        "deadlines:published-list",
        "deadlines:published-detail",
        "deadlines:published-export",
        "reports:public-list",
        "api:statistics",
    ],
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # secrets masked and 403s on one line, on every handler (layan.ops.logs.RedactSecrets)
    "filters": {"redact": {"()": "layan.ops.logs.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Duplicates and the abuse screen (layan.routing.duplicates / abuse)
LAYAN_DUPLICATE_WINDOW_DAYS = env.int("LAYAN_DUPLICATE_WINDOW_DAYS", default=30)
LAYAN_DUPLICATE_HINT_DAYS = env.int("LAYAN_DUPLICATE_HINT_DAYS", default=90)
LAYAN_DUPLICATE_THRESHOLD = env.float("LAYAN_DUPLICATE_THRESHOLD", default=0.22)
LAYAN_ABUSE_REPEAT_COUNT = env.int("LAYAN_ABUSE_REPEAT_COUNT", default=5)
LAYAN_ABUSE_REPEAT_MINUTES = env.int("LAYAN_ABUSE_REPEAT_MINUTES", default=60)

# --- personal data at rest (layan.core.pii) ------------------------------------------------------------------------
# Fernet keys, comma-separated: the first encrypts, all decrypt (prepend a new key to rotate, then run
# `layan rotate_data_key`). Empty: a fixed development key, for development and tests only (production refuses).
LAYAN_DATA_KEY = env.list("LAYAN_DATA_KEY", default=[])
# The HMAC key of the blind indexes (lookups by phone/e-mail); default: derived from the last LAYAN_DATA_KEY.
LAYAN_DATA_INDEX_KEY = env.str("LAYAN_DATA_INDEX_KEY", default="")
# Days after a report closes (ditutup/arsip) that its reporter's contact is erased (0: at closure).
LAYAN_CONTACT_RETENTION_DAYS = env.int("LAYAN_CONTACT_RETENTION_DAYS", default=365)
