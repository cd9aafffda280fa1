"""The demo settings with mail written by ``stall_mail.StallingFileBackend`` (see there)."""

from layan.settings.demo import *  # noqa: F403

EMAIL_BACKEND = "layan.ops.tests.stall_mail.StallingFileBackend"
