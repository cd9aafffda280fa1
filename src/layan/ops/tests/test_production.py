"""The production settings as a deployment sets them: ``check --deploy`` clean, and each environment variable
turning on what docs/deployment.md says it does."""

import json

from .processes import Process, production_env

SHOW_SETTINGS = """
import json, logging
from django.conf import settings
from django.core.management import call_command
from django.db import router
from layan.reports.models import Report
from layan.ops.db_router import reading_from_replica

call_command("check", deploy=True, fail_level="WARNING")
with reading_from_replica():
    dashboard_db = router.db_for_read(Report)
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"]["LOCATION"],
    "tasks": settings.TASKS["default"]["BACKEND"],
    "rq_queues": sorted(settings.RQ_QUEUES),
    "rq_url": settings.RQ_QUEUES["notifications"]["URL"],
    "media": settings.STORAGES["default"]["BACKEND"],
    "bucket": settings.STORAGES["default"]["OPTIONS"]["bucket_name"],
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "replica": settings.DATABASES["replica"]["NAME"],
    "dashboard_db": dashboard_db,
    "formatter": type(logging.getLogger().handlers[0].formatter).__name__,
}))
"""


def test_production_settings_from_the_environment_pass_check_deploy(tmp_path):
    env = production_env(
        tmp_path,
        DATABASE_URL="postgres://layan@db.internal:5432/layan",
        DATABASE_REPLICA_URL="postgres://layan_ro@replica.internal:5432/layan",
        CACHE_URL="redis://cache.internal:6379/1",
        TASKS_BACKEND="rq",
        TASKS_REDIS_URL="redis://queue.internal:6379/0",
        LAYAN_MEDIA_BUCKET="lampiran-layan",
        LAYAN_MEDIA_ENDPOINT_URL="https://s3.example.go.id",
        ALLOWED_HOSTS="lapor.example.go.id",
        CONN_MAX_AGE="120",
        SECURE_SSL_REDIRECT="true",
    )
    env.pop("LOG_LEVEL")
    shell = Process(["shell", "-c", SHOW_SETTINGS], env, tmp_path / "shell.log")
    assert shell.popen.wait(timeout=120) == 0, shell.log()
    output = shell.log()
    assert "System check identified no issues" in output, output
    shown = json.loads(output.strip().splitlines()[-1])
    assert shown == {
        "cache": "django.core.cache.backends.redis.RedisCache",
        "cache_location": "redis://cache.internal:6379/1",
        "tasks": "django_tasks_rq.RQBackend",
        "rq_queues": ["default", "notifications", "sweeps", "training", "webhooks"],
        "rq_url": "redis://queue.internal:6379/0?socket_connect_timeout=5",
        "media": "storages.backends.s3.S3Storage",
        "bucket": "lampiran-layan",
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "conn_max_age": 120,
        "health_checks": True,
        "replica": "layan",
        "dashboard_db": "replica",
        "formatter": "JsonLineFormatter",
    }


def test_defaults_are_one_machine_with_the_database_queue(tmp_path):
    env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/layan.sqlite3")
    show = (
        "import json; from django.conf import settings; print(json.dumps([settings.TASKS['default']['BACKEND'], "
        "settings.CACHES['default']['BACKEND'], settings.STORAGES['default']['BACKEND'], "
        "'replica' in settings.DATABASES, 'django_rq' in settings.INSTALLED_APPS]))"
    )
    shell = Process(["shell", "-c", show], env, tmp_path / "shell.log")
    assert shell.popen.wait(timeout=120) == 0, shell.log()
    assert json.loads(shell.log().strip().splitlines()[-1]) == [
        "django_tasks_db.DatabaseBackend",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.files.storage.FileSystemStorage",
        False,
        False,
    ]
