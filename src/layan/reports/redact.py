"""Personal data citizens type into their own text (a NIK, a phone number, an e-mail address), masked on every
public surface: public pages and list, the REST API and Open311 for callers who do not handle the report, the
webhook payloads of public events, the "is this your problem?" hint, public timeline notes and the names of
attachments. The stored text is never changed: the staff who handle the report read the original.

One function, :func:`redact`, does it; every public surface calls it (or :func:`redact_report_text`). What it
must leave alone is as important as what it masks: tracking numbers (``K7QM-3XPA``), dates (``12-03-2024``),
times, amounts (``Rp 1.500.000``), RT/RW (``RT 003/RW 005``), postal codes and house numbers.
"""

import re

from django.utils.translation import gettext as _

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")

# A NIK (and the No KK, its family-card twin) is 16 digits, written together or in groups of 4-4-4-4 or 6-6-4
# (region, birth date, serial) with one kind of separator; never part of a longer run of digits.
NIK = re.compile(
    r"(?<![\d.,])(?:\d{16}"
    r"|\d{4}([ .-])\d{4}\1\d{4}\1\d{4}"  # 3578 0512 0390 0001
    r"|\d{6}([ .-])\d{6}\2\d{4}"  # 357805-120390-0001
    r"|\d{2}([ .-])\d{2}\3\d{2}\3\d{6}\3\d{4})"  # 35.78.05.120390.0001
    r"(?![\d]|[.,]\d)"
)

# A phone number candidate: +62 / 62 / 0 (or "(0") then digits with spaces, dots, dashes or brackets between them.
# Each candidate is then checked by its digits (:func:`_is_phone`), which is where dates and amounts drop out.
PHONE = re.compile(r"(?<![\w+])(?<!\d[.,/-])(?:\+\s?62|62|\(0|0)[\d ().-]{6,20}\d(?![\d])")
AMOUNT_BEFORE = re.compile(r"(?:Rp\.?|IDR|USD|\$)\s*$", re.IGNORECASE)
THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def _is_phone(candidate: str, before: str) -> bool:
    """An Indonesian phone number by its digits: mobile 08xx with 10-13 digits, landline 0 + area code (2-9...)
    with 9-12 digits; written with +62/62 instead of the leading 0 alike. Amounts ("Rp 62.500.000") and numbers
    grouped in thousands are not phones."""
    if AMOUNT_BEFORE.search(before) or THOUSANDS.match(candidate.strip()):
        return False
    digits = re.sub(r"\D", "", candidate)
    compact = candidate.replace(" ", "")
    if compact.startswith("+62"):
        national = "0" + digits[2:]
    elif candidate.startswith("62"):
        if not digits.startswith("628"):  # without "+", only a mobile number is safe to tell from other numbers
            return False
        national = "0" + digits[2:]
    else:
        national = digits
    if not national.startswith("0") or len(national) < 9:
        return False
    if national.startswith("08"):
        return 10 <= len(national) <= 13
    return national[1] in "23456789" and 9 <= len(national) <= 12


def redact(text: str) -> str:
    """``text`` with every NIK, phone number and e-mail address replaced by a mask (in the reader's language)."""
    if not text:
        return text
    text = EMAIL.sub(lambda m: _("[surel disembunyikan]"), text)
    text = NIK.sub(lambda m: _("[NIK disembunyikan]"), text)

    def phone(match):
        candidate, before = match.group(0), match.string[max(match.start() - 5, 0) : match.start()]
        if " " not in candidate and len(re.sub(r"\D", "", candidate)) > 13:
            return candidate  # one unbroken identifier longer than any phone number (an NPWP, a certificate)
        # the longest start of the candidate that is a phone number ("0812 3456 7890 - 10 orang" reads on)
        ends = [len(candidate)] + [m.start() for m in re.finditer(r"(?<=\d)[ ().-]+(?=\d)", candidate)][::-1]
        for end in ends:
            if _is_phone(candidate[:end], before):
                return _("[nomor telepon disembunyikan]") + candidate[end:]
        return candidate

    return PHONE.sub(phone, text)


def without_personal_data(query: str) -> str:
    """A search typed by the public, minus any NIK, phone number or e-mail address: the public search reads the
    stored (original) text, so searching for someone's number would tell which public report mentions them."""
    masked = redact(query or "")
    for mask in (_("[surel disembunyikan]"), _("[NIK disembunyikan]"), _("[nomor telepon disembunyikan]")):
        masked = masked.replace(mask, " ")
    return " ".join(masked.split())


REPORT_TEXT_FIELDS = ("title", "description", "address")


def redact_report_text(data: dict) -> dict:
    """``data`` (a serialized report) with its free-text fields redacted, for a public reader."""
    for name in REPORT_TEXT_FIELDS:
        if isinstance(data.get(name), str):
            data[name] = redact(data[name])
    return data
