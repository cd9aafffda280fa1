"""For the tests that kill a worker in the middle of sending: Django's file mail backend (one file per message
sent, as with ``EMAIL_URL=filemail://``) that, with ``LAYAN_TEST_MAIL_STALL_AT=n``, stops before handing over the
n-th message this process sends: it writes ``stalled`` into the mail directory and waits to be killed. So the
test knows the worker is in the middle of a batch, with that message not yet handed to "the mail server".

``stall_settings`` is the demo settings with this backend, for the worker processes of those tests."""

import itertools
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends import filebased

_sent = itertools.count(1)


class StallingFileBackend(filebased.EmailBackend):
    def send_messages(self, email_messages):
        stall_at = int(os.environ.get("LAYAN_TEST_MAIL_STALL_AT") or 0)
        for _message in email_messages:
            if next(_sent) == stall_at:
                (Path(settings.EMAIL_FILE_PATH) / "stalled").write_text(str(os.getpid()))
                while True:  # until SIGKILL
                    time.sleep(60)
        return super().send_messages(email_messages)

    def _get_filename(self):
        """One file per message, named so that none is ever overwritten (the file backend's own name has only a
        timestamp and the backend's id(), which two processes may share)."""
        if self._fname is None:
            self._fname = os.path.join(self.file_path, f"{time.time_ns()}-{os.getpid()}-{id(self)}.log")
        return self._fname
