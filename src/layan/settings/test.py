"""Test settings: the demo settings with fast password hashing and an in-memory email outbox.

``DATABASE_URL`` chooses the database exactly as in production, so the same suite runs on SQLite and
PostgreSQL.
"""

import tempfile
from pathlib import Path

from .demo import *  # noqa: F403
from .demo import TASKS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="layan-test-media-"))
TASKS = {"default": {**TASKS["default"], "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file, not memory, for the SQLite test database: tests that start real processes (the task worker, a live
# server) must reach the same database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.mkdtemp(prefix="layan-test-db-")) / "test.sqlite3")}  # noqa: F405

# Figures of the dashboards are computed afresh in tests (production keeps them a few minutes: deadlines.stats)
LAYAN_STATS_CACHE_SECONDS = 0

# The suite logs in with Client.login (no request, which django-axes needs) and as admins without a second factor;
# the tests of the lockout and of two-factor turn them on (layan.core.tests.test_login_security).
AXES_ENABLED = False
LAYAN_2FA_REQUIRED = False
