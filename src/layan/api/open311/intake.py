"""POST requests.{fmt}: the spec's form fields turned into Layan's intake (``reports.services.submit_report``).

Mapping (GeoReport v2 -> Layan):
- ``service_code`` -> the category; ``description`` -> the report's text; the title is ``attribute[title]`` or
  the description's first sentence (at most 200 characters);
- ``lat``/``long`` -> latitude/longitude; ``address_string`` -> address; ``address_id`` -> the Kemendagri region
  code (Layan's master address list is the Kemendagri region table), as is ``attribute[region]``, which wins;
  the spec wants a location: one of lat+long, address_string, address_id or attribute[region];
- ``first_name``/``last_name``, ``phone``, ``email`` -> the reporter (never shown back by Open311);
- ``media_url`` is kept as a link at the end of the text (Layan does not fetch remote files); an uploaded
  ``media`` file (multipart) becomes an attachment, checked and cleaned like any other;
- ``device_id`` and ``account_id`` are not stored (``account_id`` is echoed in the answer, as the spec shows).
Every problem found is reported at once (one error entry each); nothing is stored unless all is well.
"""

import datetime as dt
import re
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from layan.core import inputs
from layan.core.models import Agency, Region
from layan.reports.attachments import clean_upload
from layan.reports.models import Report
from layan.reports.services import NewReport, ReporterInfo

from . import catalog
from .render import Open311Error

MAX_DESCRIPTION = 4000  # the spec's limit
MAX_TITLE = 200
ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


@dataclass
class Submission:
    new: NewReport
    reporter: ReporterInfo
    account_id: str


def title_from(description: str) -> str:
    """The first sentence of the first line, shortened at a word to fit a report title."""
    line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    line = " ".join(line.split())
    match = re.match(r"(.+?[.!?])(\s|$)", line)
    sentence = match.group(1) if match else line
    if len(sentence) <= MAX_TITLE:
        return sentence
    cut = sentence[: MAX_TITLE - 1].rsplit(" ", 1)[0] or sentence[: MAX_TITLE - 1]
    return cut.rstrip(" ,;:") + "…"


class _Form:
    """Reads one POST, collecting every problem instead of stopping at the first."""

    def __init__(self, data, files):
        self.data = data
        self.files = files
        self.errors: list[str] = []
        self.attributes = self._attributes()

    def text(self, name: str, limit: int) -> str:
        value = (self.data.get(name) or "").strip()
        if len(value) > limit:
            self.errors.append(_("%(field)s paling banyak %(n)s karakter.") % {"field": name, "n": limit})
        return value[:limit]

    def _attributes(self) -> dict[str, str]:
        known = {attribute.code: attribute for attribute in catalog.attributes()}
        found = {}
        for key in self.data:
            match = ATTRIBUTE.match(key)
            if not match:
                continue
            code = match.group(1)
            if code not in known:
                self.errors.append(_("Atribut “%(code)s” tidak dikenal.") % {"code": code[:40]})
                continue
            value = (self.data.get(key) or "").strip()
            choices = [choice for choice, _label in known[code].choices]
            if value and choices and value not in choices:
                self.errors.append(
                    _("attribute[%(code)s] harus salah satu dari: %(values)s.")
                    % {"code": code, "values": ", ".join(choices)}
                )
                continue
            found[code] = value
        return found

    def coordinate(self, name: str, limit: int) -> float | None:
        raw = (self.data.get(name) or "").strip()
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = None
        if value is None or not -limit <= value <= limit:
            self.errors.append(_("%(field)s harus angka antara -%(n)s dan %(n)s.") % {"field": name, "n": limit})
            return None
        return round(value, 6)

    def region(self) -> Region | None:
        for name, code in (("attribute[region]", self.attributes.get("region")), ("address_id", self.address_id())):
            if code:
                region = Region.objects.filter(code=code).first()
                if region is None:
                    self.errors.append(
                        _("%(field)s harus kode wilayah Kemendagri yang dikenal, mis. 35.78.05.1001.") % {"field": name}
                    )
                return region
        return None

    def address_id(self) -> str:
        return (self.data.get("address_id") or "").strip()

    def occurred_on(self) -> dt.date | None:
        raw = self.attributes.get("occurred_on", "")
        if not raw:
            return None
        try:
            day = inputs.parse_day(raw)
        except inputs.InputError as error:
            self.errors.append(f"attribute[occurred_on]: {error.message}")
            return None
        if day is None:
            self.errors.append(_("attribute[occurred_on] harus tanggal, mis. 2026-03-02."))
        elif day > timezone.localdate():
            self.errors.append(_("Tanggal kejadian tidak boleh di masa depan."))
        return day

    def email(self) -> str:
        value = self.text("email", 254)
        if value:
            try:
                validate_email(value)
            except ValidationError as exc:
                self.errors.extend(exc.messages)
        return value

    def phone(self) -> str:
        raw = self.text("phone", 40)
        if not raw:
            return ""
        try:
            number = phonenumbers.parse(raw, "ID")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            self.errors.append(_("Nomor telepon tidak valid. Contoh: 0812 3456 7890."))
            return ""
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def media_url(self) -> str:
        value = self.text("media_url", 500)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.errors.append(_("media_url harus alamat http(s) yang valid."))
        return value

    def uploads(self) -> list:
        cleaned = []
        for uploaded in self.files.getlist("media"):
            try:
                cleaned.append(clean_upload(uploaded))
            except ValidationError as exc:
                self.errors.extend(exc.messages)
        return cleaned


def _category(form: _Form):
    code = form.text("service_code", 80)
    if not code:
        form.errors.append(_("service_code wajib diisi."))
        return None
    try:
        return catalog.category(code)
    except Open311Error as exc:
        form.errors.extend(exc.descriptions)
        return None


def _description(form: _Form) -> str:
    description = form.text("description", MAX_DESCRIPTION)
    if not description:
        form.errors.append(_("description wajib diisi: ceritakan apa yang terjadi."))
    return description


def _location(form: _Form) -> tuple[float | None, float | None, str, Region | None]:
    latitude, longitude = form.coordinate("lat", 90), form.coordinate("long", 180)
    if bool((form.data.get("lat") or "").strip()) != bool((form.data.get("long") or "").strip()):
        form.errors.append(_("Isi lintang dan bujur keduanya, atau kosongkan keduanya."))
    address = form.text("address_string", 300)
    region = form.region()
    if latitude is None and longitude is None and not (address or form.address_id() or form.attributes.get("region")):
        form.errors.append(_("Sebutkan lokasi: lat dan long, address_string, address_id atau attribute[region]."))
    return latitude, longitude, address, region


def parse(data, files, admin_agency: Agency | None) -> Submission:
    """The report and reporter a POST describes; Open311Error(400) listing every problem if it is not valid."""
    form = _Form(data, files)
    category = _category(form)
    description = _description(form)
    latitude, longitude, address, region = _location(form)
    title = form.attributes.get("title", "")[: MAX_TITLE + 1]
    if len(title) > MAX_TITLE:
        form.errors.append(_("attribute[title] paling banyak %(n)s karakter.") % {"n": MAX_TITLE})
    name = " ".join(part for part in (form.text("first_name", 75), form.text("last_name", 75)) if part)
    reporter = ReporterInfo(name=name, phone=form.phone(), email=form.email())
    occurred_on = form.occurred_on()
    media_url = form.media_url()
    uploads = form.uploads()
    account_id = form.text("account_id", 100)
    if form.errors:
        raise Open311Error(400, *form.errors)
    title = title or title_from(description)
    if media_url:
        description = f"{description}\n\n{_('Tautan media')}: {media_url}"
    new = NewReport(
        title=title,
        description=description,
        type=form.attributes.get("type") or Report.Type.PENGADUAN,
        category=category,
        region=region,
        address=address,
        latitude=latitude,
        longitude=longitude,
        occurred_on=occurred_on,
        privacy=form.attributes.get("privacy") or Report.Privacy.PUBLIC,
        admin_agency=admin_agency,
        attachments=uploads,
    )
    return Submission(new=new, reporter=reporter, account_id=account_id)
