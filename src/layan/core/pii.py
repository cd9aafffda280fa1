"""Personal data at rest: who a reporter is, and where their contact sits.

The rule, written once and used by every model that holds a citizen's contact (``core.Citizen``, the reporter's
``reports.Follower``, the recipient of ``notifications.Notification``, the channels' conversations and messages):

- The contact is stored encrypted (:class:`EncryptedTextField`, Fernet from ``cryptography``) with a key from the
  environment (``LAYAN_DATA_KEY``), so a database dump, a backup or the Django admin's raw view does not reveal
  it. Several comma-separated keys rotate: the first encrypts, all decrypt (MultiFernet); ``layan
  rotate_data_key`` rewrites every row under the first key.
- Nothing looks a contact up by its clear value. Where a phone number or an address must be found (the channel's
  conversation with a sender, the follower of a report, the call-centre lookup), the row carries a *blind index*:
  an HMAC of the normalised value under a separate key (:func:`blind_index`). The index says "same value" and
  nothing else; without the key it cannot be reversed by trying every phone number.
- Empty stays empty (not encrypted), so "no contact" and "contact erased" are visible as such.

Development and tests run without ``LAYAN_DATA_KEY``: the key is then a fixed development key (:func:`_derived`).
Production mode refuses to start without it (``layan.settings.production``).
"""

import base64
import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact

TOKEN_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80, then a 64-bit timestamp)


def _derived(label: str) -> bytes:
    """The development key: a fixed, publicly known value, so the demo's web server, its worker and the tests'
    subprocesses (each with its own settings module and SECRET_KEY) read each other's rows. It protects nothing,
    which is why production mode refuses to start without LAYAN_DATA_KEY."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"layan:{label}:development only".encode()).digest())


def development_key() -> str:
    """The key used when LAYAN_DATA_KEY is not set (tests hand it to the production-mode processes they start, so
    that both read the same rows)."""
    return _derived("data-key").decode()


@cache
def _keys() -> tuple[bytes, ...]:
    configured = [k.strip() for k in getattr(settings, "LAYAN_DATA_KEY", []) or [] if k.strip()]
    if not configured:
        return (_derived("data-key"),)
    try:
        for key in configured:
            Fernet(key)
    except ValueError:
        raise ImproperlyConfigured(
            "LAYAN_DATA_KEY tidak sah / is not valid: each comma-separated key must be 32 url-safe base64-encoded "
            "bytes (python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
        ) from None
    return tuple(k.encode() for k in configured)


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


@cache
def _index_key() -> bytes:
    """The HMAC key of blind indexes. It must outlive key rotation (an index computed under another key finds
    nothing), so it is its own setting; by default it is derived from the *last* data key, the oldest one kept."""
    configured = getattr(settings, "LAYAN_DATA_INDEX_KEY", "")
    if configured:
        return configured.encode()
    return hashlib.sha256(b"layan-blind-index:" + _keys()[-1]).digest()


def reset_keys() -> None:
    """Forget the cached keys (tests that change the settings; ``rotate_data_key``)."""
    for function in (_keys, _fernet, _index_key):
        function.cache_clear()


def encrypt(value: str) -> str:
    if not value:
        return value
    return _fernet().encrypt(value.encode()).decode("ascii")


def decrypt(value: str) -> str:
    """The clear text of a stored value; a value stored before encryption (no token prefix) is returned as is."""
    if not value or not value.startswith(TOKEN_PREFIX):
        return value
    try:
        return _fernet().decrypt(value.encode("ascii")).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "Data pribadi tidak dapat dibuka dengan LAYAN_DATA_KEY / personal data cannot be decrypted with "
            "LAYAN_DATA_KEY: the key that encrypted it is missing from the list."
        ) from None


def rotate(value: str) -> str:
    """The value re-encrypted under the first key (clear legacy values get encrypted)."""
    if not value:
        return value
    if not value.startswith(TOKEN_PREFIX):
        return encrypt(value)
    return _fernet().rotate(value.encode("ascii")).decode("ascii")


# --- normalising and indexing ----------------------------------------------------------------------------------


def normalise_phone(value) -> str:
    """E.164 (``+6281234567890``) of a phone number in any common Indonesian writing; the text stripped otherwise
    (a Telegram chat id, an unparseable number)."""
    import phonenumbers

    text = str(value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, getattr(settings, "PHONENUMBER_DEFAULT_REGION", "ID"))
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value) -> str:
    return str(value or "").strip().lower()


def normalise_address(channel: str, value) -> str:
    """A channel's sender address as compared: e-mail lower-cased, phone numbers in E.164, chat ids as given."""
    if channel == "email" or "@" in str(value or ""):
        return normalise_email(value)
    if channel in ("whatsapp", "sms"):
        return normalise_phone(value)
    return str(value or "").strip()


def blind_index(kind: str, value: str) -> str:
    """A keyed, one-way fingerprint of an already normalised value (``kind`` keeps a phone and an e-mail with the
    same text apart). Empty for an empty value, so empty never matches a row."""
    if not value:
        return ""
    return hmac.new(_index_key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:40]


def phone_index(value) -> str:
    return blind_index("phone", normalise_phone(value))


def email_index(value) -> str:
    return blind_index("email", normalise_email(value))


def address_index(channel: str, value) -> str:
    return blind_index(f"address:{channel}", normalise_address(channel, value))


INDEX_LENGTH = 40
INDEXERS = {
    "phone": lambda instance, value: phone_index(value),
    "email": lambda instance, value: email_index(value),
    "address": lambda instance, value: address_index(instance.channel, value),  # by the row's own channel
}


class BlindIndexField(models.CharField):
    """The blind index of another field of the row (``source``), computed on every save, ``bulk_create``
    included. Filter on it with the same function: ``filter(phone_index=pii.phone_index(number))``."""

    def __init__(self, *args, source: str = "", kind: str = "email", **kwargs):
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", INDEX_LENGTH)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind=self.kind)
        for key, default in (("max_length", INDEX_LENGTH), ("blank", True), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = INDEXERS[self.kind](model_instance, getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


# --- the model field -------------------------------------------------------------------------------------------


class _EmptyOnly(Exact):
    """``field=""``: the only comparison an encrypted column can answer (is there a value at all?)."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f'{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: compare only with "", '
                "find rows through its blind index (layan.core.pii)"
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token, read back in clear. Only ``=""`` and ``isnull`` lookups mean anything on it
    (the token differs on every write): find rows through a blind index column instead."""

    description = "Text encrypted at rest"

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyOnly
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # Django then says the lookup is not supported: a clear error, never a silent empty result

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value is not None else value

    def to_python(self, value):
        if isinstance(value, str) or value is None:
            return value
        return str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


class EncryptedBinaryField(models.BinaryField):
    """Bytes stored encrypted (a channel's raw request: it names the sender). Read back in clear."""

    description = "Bytes encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        value = bytes(value)
        if value.startswith(TOKEN_PREFIX.encode()):
            try:
                return _fernet().decrypt(value)
            except InvalidToken:
                raise ImproperlyConfigured("personal data cannot be decrypted with LAYAN_DATA_KEY") from None
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is not None and len(value):
            value = _fernet().encrypt(bytes(value))
        return super().get_db_prep_value(value, connection, prepared)


# --- showing without revealing (the Django admin) --------------------------------------------------------------


def fingerprint(index: str) -> str:
    """A row's contact as the admin shows it: a short piece of its blind index (rows with the same contact share
    it; the contact itself cannot be read back from it)."""
    return f"#{index[:8]}" if index else "—"


def mask_contact(value) -> str:
    """``+6281234567890`` -> ``+62***890``, ``siti@example.com`` -> ``s***@example.com``, a name -> ``S***``."""
    text = str(value or "")
    if not text:
        return ""
    if "@" in text:
        local, _at, domain = text.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if len(text) > 6 and sum(c.isdigit() for c in text) >= 6:
        return f"{text[:3]}***{text[-3:]}"
    return f"{text[:1]}***"


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_NAMED = re.compile(r'("(?:name|first_name|last_name|username|profile_name|from|From|sender)"\s*:\s*)"(?:[^"\\]|\\.)*"')


def redact(text: str) -> str:
    """Text with e-mail addresses, phone-like digit runs and the JSON values of name fields replaced (a provider's
    raw request, shown to an administrator for diagnosis)."""
    text = _NAMED.sub(r'\1"[…]"', text)
    text = _EMAIL.sub("[surel]", text)
    return _PHONE.sub("[nomor]", text)
