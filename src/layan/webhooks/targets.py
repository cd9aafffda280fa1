"""Where webhooks may go: the guard against server-side request forgery (SSRF).

A subscriber chooses the URL, and Layan's server makes the request: without a guard, an agency admin could make
it call the cloud metadata service (169.254.169.254), the database, or any service on the internal network and
read the answer on the deliveries page. So a target must be http(s) and, unless
``LAYAN_WEBHOOK_ALLOW_PRIVATE`` is on (the demo and the tests), every address its host resolves to must be a
public one. The URL is checked when the subscription is saved (:func:`validate_target_url`) and again at every
send: :func:`session` connects through connection classes that check the address the socket *actually*
connected to, so a DNS answer that changes between the check and the request (DNS rebinding) gains nothing.
Redirects are not followed and proxies from the environment are not used, for the same reason.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class ForbiddenAddress(OSError):
    """The target resolved to or connected to an address webhooks may not reach."""


def allow_private() -> bool:
    return bool(getattr(settings, "LAYAN_WEBHOOK_ALLOW_PRIVATE", False))


def is_public_address(address: str) -> bool:
    """Globally routable unicast: not loopback, private, link-local (cloud metadata), shared, reserved or
    multicast. IPv4 addresses written as IPv6 (``::ffff:127.0.0.1``) are judged as IPv4."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_address(address: str) -> None:
    if not allow_private() and not is_public_address(address):
        raise ForbiddenAddress(_("Alamat %(address)s adalah alamat internal/privat.") % {"address": address})


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError(_("Nama host “%(host)s” tidak dapat ditemukan.") % {"host": host}) from exc
    return sorted({info[4][0] for info in infos})


def validate_target_url(url: str) -> str:
    """Return the URL if webhooks may be sent there; raise ValidationError with the reason (in Indonesian)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ValidationError(_("Alamat URL tidak valid.")) from exc
    if parts.scheme not in ("http", "https"):
        raise ValidationError(_("Alamat harus diawali http:// atau https://."))
    if not parts.hostname:
        raise ValidationError(_("Alamat URL tidak memuat nama host."))
    if parts.username or parts.password:
        raise ValidationError(
            _("Jangan menaruh nama pengguna atau kata sandi di URL; penerima memeriksa tanda tangan.")
        )
    if allow_private():
        return url
    for address in _resolve(parts.hostname, port):
        if not is_public_address(address):
            raise ValidationError(
                _(
                    "Alamat “%(host)s” menuju alamat internal/privat (%(address)s). Webhook hanya boleh dikirim "
                    "ke alamat publik."
                )
                % {"host": parts.hostname, "address": address}
            )
    return url


# --- the guarded HTTP session ------------------------------------------------------------------------------------


class _PeerCheck:
    """Check the address the socket connected to, after the connection and before a byte is sent."""

    def _new_conn(self):
        sock = super()._new_conn()
        try:
            check_address(sock.getpeername()[0])
        except ForbiddenAddress:
            sock.close()
            raise
        return sock


class _GuardedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


def session() -> requests.Session:
    """A requests session whose every connection passes :func:`check_address`; no environment proxies."""
    s = requests.Session()
    s.trust_env = False
    adapter = GuardedAdapter(max_retries=0)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s
