"""The JSON parser of the REST API v1: DRF's, reading through ``layan.core.inputs.load_json`` so a body nested too
deep (100,000 levels made Python's parser raise RecursionError: a 500) or holding a NUL character anywhere (keys
included) is a 400 ``parse_error`` with a message in the caller's language."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from layan.core.inputs import InputError, load_json


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            return load_json(raw)
        except InputError as error:
            raise ParseError(error.message) from None
