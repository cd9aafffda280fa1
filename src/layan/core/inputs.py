"""The one place that says which ids, dates and moments a caller may send: every filter, form and API field that
reads them asks here, so none of them can pass a value the database or the time-zone arithmetic cannot hold.

Why bounds at all: an id wider than 64 bits overflows SQLite's INTEGER and PostgreSQL's bigint (a 500 before, not
a "not found"), and a moment in year 1 or 9999 overflows when it is converted between WIB and UTC (0001-01-01
00:00 WIB is in year 0 in UTC). Layan's data starts long after :data:`EARLIEST` and a filter or a report's date
beyond :data:`LATEST` means nothing, so both are refused with a message that names the range, in the caller's
language.

:class:`InputError` is a ``ValueError``, so a caller that already catches ``ValueError`` for "not a number" or
"not a date" refuses an out-of-range value the same way.
"""

import datetime as dt
import json

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

MIN_ID, MAX_ID = 1, 2**63 - 1  # an id column is a signed 64-bit integer on every database Layan runs on
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


class InputError(ValueError):
    """A value a caller sent that Layan cannot use; ``message`` is for people, in the active language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def range_message() -> str:
    return _("Tanggal harus antara %(earliest)s dan %(latest)s.") % {
        "earliest": EARLIEST.isoformat(),
        "latest": LATEST.isoformat(),
    }


def id_message() -> str:
    return _("Harus bilangan bulat antara %(min)s dan %(max)s.") % {"min": MIN_ID, "max": MAX_ID}


def parse_id(raw) -> int:
    """An id typed by a caller (``"42"``, ``42``) as an int within the database's range; InputError otherwise."""
    text = str(raw).strip() if raw is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        raise InputError(id_message())
    value = int(text)
    if not MIN_ID <= value <= MAX_ID:
        raise InputError(id_message())
    return value


def valid_ids(values) -> list[int]:
    """The values of ``values`` that are ids (for forms that ignore what is not one), in order."""
    found = []
    for value in values:
        try:
            found.append(parse_id(value))
        except InputError:
            continue
    return found


def check_date(day: dt.date) -> dt.date:
    """``day`` when it is within :data:`EARLIEST`..:data:`LATEST`; InputError otherwise."""
    if not EARLIEST <= (day.date() if isinstance(day, dt.datetime) else day) <= LATEST:
        raise InputError(range_message())
    return day


def check_year(year: int) -> int:
    if not EARLIEST.year <= year <= LATEST.year:
        raise InputError(range_message())
    return year


def check_moment(moment: dt.datetime) -> dt.datetime:
    """``moment`` (naive: in the current time zone) as an aware datetime in the current time zone, when it is
    within the range in its own zone and in UTC; InputError otherwise (instead of an OverflowError when converting
    it). Converted because ISO 8601 allows offsets up to 23:59 and PostgreSQL refuses any beyond 15:59 ("time zone
    displacement out of range": a 500 that schemathesis found)."""
    check_date(moment)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        check_date(moment.astimezone(dt.UTC))
        return moment.astimezone(timezone.get_current_timezone())
    except OverflowError:
        raise InputError(range_message()) from None


def parse_moment(raw: str) -> dt.datetime | None:
    """An ISO 8601 / W3C date-time or date (midnight, in the current time zone) as an aware datetime within the
    range; None when ``raw`` is neither; InputError when it is one out of range."""
    raw = (raw or "").strip()
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = dt.datetime.combine(day, dt.time()) if day else None
    except ValueError:  # well formed but impossible, e.g. 2026-02-30, or an offset past 24 hours
        return None
    return None if moment is None else check_moment(moment)


def parse_day(raw: str) -> dt.date | None:
    """A date, or a date-time read as its date in the current time zone, within the range; None when ``raw`` is
    neither; InputError when it is one out of range."""
    moment = parse_moment(raw)
    if moment is None:
        return None
    return check_date(timezone.localtime(moment).date())


# --- JSON bodies ---------------------------------------------------------------------------------------------------

MAX_JSON_DEPTH = 64  # no payload Layan reads (its API, the channel providers') nests deeper than a handful


def _too_deep(data, limit: int) -> bool:
    """Whether ``data`` nests lists/objects deeper than ``limit`` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def load_json(raw: bytes | str, *, max_depth: int = MAX_JSON_DEPTH):
    """``raw`` parsed as JSON, refused (InputError) when it is not JSON, nests deeper than ``max_depth`` (a body
    nested 100,000 levels deep made Python's parser raise RecursionError: a 500) or holds a NUL character, which
    no text field may store (PostgreSQL refuses it in text columns)."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise InputError(_("Isi JSON bersarang terlalu dalam.")) from None
    except ValueError as error:  # includes UnicodeDecodeError and json.JSONDecodeError
        raise InputError(_("Isi permintaan bukan JSON yang valid: %(error)s") % {"error": error}) from None
    if _too_deep(data, max_depth):
        raise InputError(_("Isi JSON bersarang terlalu dalam."))
    if has_nul(data):
        raise InputError(nul_message())
    return data


# --- NUL characters ------------------------------------------------------------------------------------------------


def nul_message() -> str:
    return _("Karakter NUL (\\x00) tidak diizinkan.")


def has_nul(data) -> bool:
    """Whether a NUL character is in ``data``: a string, or any key or string within parsed JSON."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False
