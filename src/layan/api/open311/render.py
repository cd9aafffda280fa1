"""Output of the Open311 endpoint: the same data as JSON or as XML, chosen by the ``.json`` / ``.xml`` suffix, and
errors in the spec's own shape::

    [{"code": 403, "description": "..."}]
    <errors><error><code>403</code><description>...</description></error></errors>

The XML is built with ElementTree (so text is escaped) from the same Python structures as the JSON. The spec names
the element of each list's items (``<services><service>``, ``<attributes><attribute>``...): :data:`ITEM_TAGS`.
"""

import datetime as dt
import json
import re
from decimal import Decimal
from xml.etree import ElementTree

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# list element -> the element of each of its items, as in the spec's XML examples
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}

# characters XML 1.0 cannot carry at all (control characters other than tab, newline, carriage return)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """A refusal in the spec's error format: an HTTP status and one description per problem, for people."""

    def __init__(self, status: int, *descriptions):
        super().__init__("; ".join(str(d) for d in descriptions))
        self.status = status
        self.descriptions = [str(d) for d in descriptions]


def w3_datetime(value: dt.datetime | None) -> str | None:
    """W3C date-time with the server's offset, e.g. ``2026-03-02T09:15:00+07:00``, as the spec asks."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return _NOT_XML.sub("", str(value))


def _append(parent: ElementTree.Element, tag: str, value) -> None:
    element = ElementTree.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS.get(tag, "item")
        for item in value:
            _append(element, item_tag, item)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    """``data`` (a list of items, or a dict) under the element ``root``, as an XML document."""
    element = ElementTree.Element(root)
    if isinstance(data, dict):
        for key, value in data.items():
            _append(element, key, value)
    else:
        item_tag = ITEM_TAGS[root]
        for item in data:
            _append(element, item_tag, item)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, dt.datetime):
            return w3_datetime(o)
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def respond(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    """``data`` in the format of the URL's suffix; ``root`` names the XML document element."""
    if fmt == "xml":
        body = to_xml(root, data)
    else:
        body = json.dumps(data, cls=_Encoder, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    errors = [{"code": error.status, "description": text} for text in error.descriptions]
    return respond(fmt if fmt in FORMATS else "json", "errors", errors, status=error.status)
