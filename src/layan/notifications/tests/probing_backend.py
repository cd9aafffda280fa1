"""A mail backend for the tests (Django's in-memory outbox) that, while it "talks to the mail server", writes to
the database from another connection with a one-second lock timeout, as the web process would meanwhile; what
became of that write is in ``PROBES``."""

import threading

from django.core.mail.backends import locmem
from django.db import OperationalError, connection

PROBES: list[str] = []


def write_from_another_connection() -> None:
    from layan.core.models import Region

    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA busy_timeout = 1000")
            else:
                cursor.execute("SET lock_timeout = '1s'")
        Region.objects.filter(code="35").update(name="Jawa Timur")
        from layan.notifications.models import Notification

        Notification.objects.filter(status=Notification.Status.PENDING).update(last_error="")
        PROBES.append("written")
    except OperationalError as exc:
        PROBES.append(f"blocked: {exc}")
    finally:
        connection.close()


class ProbingBackend(locmem.EmailBackend):
    def send_messages(self, messages):
        probe = threading.Thread(target=write_from_another_connection)
        probe.start()
        probe.join(timeout=30)
        return super().send_messages(messages)
