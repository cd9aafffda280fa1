"""The reporter's secret link, kept as hashes only.

Whoever holds a report's secret link acts as its reporter (adds information, confirms, reopens, rates, sees the
non-public additions). So no readable row may hold one: the database keeps SHA-256 digests of the keys
(:class:`~layan.reports.models.ReporterKey`), never the keys.

How a later message can still carry a working link: every message that carries it gets a **fresh key minted at
send time** (its digest stored, the key itself only in the message that leaves). The stored body of the message
(``notifications.Notification.body``, ``channels.OutboundMessage.text``) carries :data:`PLACEHOLDER` instead,
and :func:`fill` replaces it when the message is sent. Chosen over a link signed with ``django.core.signing``
(nothing stored at all) because a signed link is only as secret as ``SECRET_KEY``: a leaked key file, or a
restored backup with its settings, would let anyone forge every reporter's link, and it cannot be revoked one by
one. With digests, a database dump and the settings together still open nothing.

Comparing: a key is looked for among its report's digests, each compared in constant time.
"""

from django.conf import settings
from django.utils.crypto import constant_time_compare

from .models import Report, ReporterKey, new_secret, secret_digest

# What a stored message body holds where the reporter's link goes; replaced by a fresh link when it is sent.
PLACEHOLDER = "{tautan_rahasia_pelapor}"
MAX_KEY_LENGTH = 100  # keys are 32 characters; anything much longer is not worth hashing


def mint(report: Report, purpose: str) -> str:
    """A new key for ``report``'s secret link; only its digest is stored. ``purpose`` says where it went."""
    key = new_secret()
    ReporterKey.objects.create(report=report, digest=secret_digest(key), purpose=purpose[:20])
    return key


def link(report: Report, purpose: str) -> str:
    """A fresh absolute secret link (``LAYAN_PUBLIC_URL``) for a message that leaves now."""
    return settings.LAYAN_PUBLIC_URL.rstrip("/") + report.reporter_url(mint(report, purpose))


def matches(report: Report, key: str) -> bool:
    """Whether ``key`` is one of the keys of ``report``'s secret link."""
    if not key or not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or report is None or report.pk is None:
        return False
    wanted = secret_digest(key)
    found = False
    for stored in ReporterKey.objects.filter(report=report).values_list("digest", flat=True):
        found |= constant_time_compare(wanted, stored)  # no early exit: every digest is compared
    return found


def fill(text: str, report: Report | None, purpose: str) -> str:
    """``text`` as it is sent: :data:`PLACEHOLDER` replaced by a fresh link to ``report``'s secret page (or by its
    public page's address when the report is gone from the message)."""
    if PLACEHOLDER not in text:
        return text
    if report is None:
        return text.replace(PLACEHOLDER, settings.LAYAN_PUBLIC_URL.rstrip("/"))
    return text.replace(PLACEHOLDER, link(report, purpose))
