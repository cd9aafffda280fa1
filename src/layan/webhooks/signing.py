"""Signing of webhook bodies: GitHub's ``X-Hub-Signature-256`` scheme under Layan's name, so integrators can
reuse the verifiers they already have.

The sender computes HMAC-SHA256 over the exact bytes of the request body, keyed with the subscription's secret
(its UTF-8 bytes), and sends ``X-Layan-Signature-256: sha256=<lowercase hex digest>``. A receiver verifies it
like this (Python; any language with HMAC-SHA256 works the same way)::

    import hashlib, hmac

    def verify(body: bytes, secret: str, header: str) -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, header or "")

    # in the view: verify(request.body, SECRET, request.headers["X-Layan-Signature-256"])

Verify the raw body *before* parsing it (re-serialised JSON will not match), compare in constant time, and
dedupe on ``X-Layan-Delivery``: a delivery that timed out on our side may arrive twice.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "X-Layan-Signature-256"
EVENT_HEADER = "X-Layan-Event"
DELIVERY_HEADER = "X-Layan-Delivery"
USER_AGENT = "Layan-Webhook/1"
PREFIX = "sha256="


def _key(secret: str | bytes) -> bytes:
    return secret if isinstance(secret, bytes) else secret.encode("utf-8")


def sign(body: bytes, secret: str | bytes) -> str:
    """The value of the signature header for ``body``."""
    return PREFIX + hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str | bytes, header: str | None) -> bool:
    """Whether ``header`` (the received ``X-Layan-Signature-256``) signs ``body`` with ``secret``."""
    if not header or not secret:
        return False
    return hmac.compare_digest(sign(body, secret).encode("ascii"), header.strip().encode("ascii", "replace"))


def headers(body: bytes, secret: str, event_type: str, delivery_id) -> dict[str, str]:
    """Every header of one delivery request."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event_type,
        DELIVERY_HEADER: str(delivery_id),
        SIGNATURE_HEADER: sign(body, secret),
    }
