"""Retried POSTs file a report once: a client (REST API, Open311) may send ``Idempotency-Key: <anything unique>``
with a new report; the same key from the same account again returns the report the first request made.

The key is stored in the transaction that stores the report, so two requests racing with one key make one report:
the loser's insert of the key fails, its whole transaction (report, timeline, queued notifications) is rolled back
and it answers with the winner's report."""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import IntakeKey, Report

HEADER = "Idempotency-Key"
MAX_LENGTH = 255


class BadKey(ValueError):
    pass


def key_of(request) -> str:
    """The request's key ("" when none); raises BadKey for one no client would send."""
    key = request.headers.get(HEADER, "").strip()
    if len(key) > MAX_LENGTH:
        raise BadKey(_("Idempotency-Key terlalu panjang (paling banyak %(n)s karakter).") % {"n": MAX_LENGTH})
    return key


def submit_once(user, key: str, submit: Callable[[], Report]) -> tuple[Report, bool]:
    """``submit()`` unless ``user`` already filed a report with ``key``: (the report, whether it is new)."""
    if not key or user is None or not user.is_authenticated:
        return submit(), True
    earlier = IntakeKey.objects.filter(user=user, key=key).select_related("report").first()
    if earlier is not None:
        return earlier.report, False
    try:
        with transaction.atomic():
            report = submit()
            IntakeKey.objects.create(user=user, key=key, report=report)
    except IntegrityError:
        earlier = IntakeKey.objects.filter(user=user, key=key).select_related("report").first()
        if earlier is None:
            raise
        return earlier.report, False
    return report, True
