"""Production mode: everything from the environment, nothing guessed. See docs/deployment.md.

Refuses to start without SECRET_KEY. Adds to the shared settings (base.py): the database's persistent
connections and an optional read replica for dashboards, a shared cache (Redis), the task queue on the database or
on Redis (RQ), attachments on S3-compatible object storage, hashed and compressed static files served by
WhiteNoise, JSON log lines on stdout, and the HTTPS settings ``manage.py check --deploy`` asks for.
"""

from django.core.exceptions import ImproperlyConfigured

from layan.ops.logs import logging_config
from layan.ops.taskqueue import RQ_BACKEND, resolve_backend, rq_queues

from .base import *  # noqa: F403
from .base import DATABASES, INSTALLED_APPS, TASKS, env

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY belum diatur / SECRET_KEY is not set. Production mode refuses to start without it: "
        "set the SECRET_KEY environment variable to a long random value "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if not env.list("LAYAN_DATA_KEY", default=[]):
    raise ImproperlyConfigured(
        "LAYAN_DATA_KEY belum diatur / LAYAN_DATA_KEY is not set. Production mode refuses to start without the key "
        "that encrypts citizens' contact details: set it to a Fernet key "
        "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') and keep it "
        "apart from the database's backups."
    )
DEBUG = env.bool("DEBUG", default=False)
LAYAN_MODE = "production"

# --- HTTPS (TLS ends at the reverse proxy, which sends X-Forwarded-Proto) ------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Joining the browsers' HSTS preload list is the decision of whoever owns the registrable domain (often the
# regional government's go.id domain, not this service's host), so it is not turned on here by default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- database: persistent connections, checked before reuse; an optional replica for dashboards ------------------
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"].update(CONN_MAX_AGE=CONN_MAX_AGE, CONN_HEALTH_CHECKS=True)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # an unreachable database fails /readyz fast
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"].update(
        CONN_MAX_AGE=CONN_MAX_AGE, CONN_HEALTH_CHECKS=True, ATOMIC_REQUESTS=False, TEST={"MIRROR": "default"}
    )
    DATABASE_ROUTERS = ["layan.ops.db_router.ReplicaRouter"]

# --- cache: shared by every process (throttles, the webhook subscription cache, metrics figures) ------------------
# CACHE_URL=redis://127.0.0.1:6379/1 uses Django's own RedisCache; the default is per process (one process only).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith(("RedisCache", "redis.cache.RedisCache")):
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
CACHES["default"].setdefault("KEY_PREFIX", env.str("CACHE_KEY_PREFIX", default="layan"))
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.db")

# --- task queue: the database (default) or Redis through RQ (TASKS_BACKEND=rq) -----------------------------------
TASKS = {"default": {**TASKS["default"], "BACKEND": resolve_backend(env.str("TASKS_BACKEND", default="database"))}}
if TASKS["default"]["BACKEND"] == RQ_BACKEND:
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]
    RQ_QUEUES = rq_queues(
        env.str("TASKS_REDIS_URL", default=env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")),
        TASKS["default"]["QUEUES"],
        timeout=env.int("TASKS_TIMEOUT", default=600),
    )

# --- static files: hashed names, compressed, served by WhiteNoise from STATIC_ROOT after `layan collectstatic` -----
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_MAX_AGE = env.int("WHITENOISE_MAX_AGE", default=3600)  # hashed files are cached forever anyway

# --- attachments (media) on S3-compatible object storage when a bucket is named (django-storages) -----------------
LAYAN_MEDIA_BUCKET = env.str("LAYAN_MEDIA_BUCKET", default=env.str("AWS_STORAGE_BUCKET_NAME", default=""))
if LAYAN_MEDIA_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": LAYAN_MEDIA_BUCKET,
            "endpoint_url": env.str("LAYAN_MEDIA_ENDPOINT_URL", default=env.str("AWS_S3_ENDPOINT_URL", default=""))
            or None,
            "region_name": env.str("LAYAN_MEDIA_REGION", default=env.str("AWS_S3_REGION_NAME", default="")) or None,
            "access_key": env.str("LAYAN_MEDIA_ACCESS_KEY", default=env.str("AWS_ACCESS_KEY_ID", default="")) or None,
            "secret_key": env.str("LAYAN_MEDIA_SECRET_KEY", default=env.str("AWS_SECRET_ACCESS_KEY", default=""))
            or None,
            "location": env.str("LAYAN_MEDIA_PREFIX", default="media"),
            # attachments are private: Layan serves them itself after its permission check (never public URLs)
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": env.str("LAYAN_MEDIA_ADDRESSING_STYLE", default="") or None,
        },
    }

# --- logging: JSON lines on stdout (LOG_FORMAT=plain for humans) --------------------------------------------------
LOGGING = logging_config(
    level=env.str("LOG_LEVEL", default="INFO"), json_lines=env.str("LOG_FORMAT", default="json") != "plain"
)
