"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under ``/open311/v2/``, discovery at
``/open311/discovery.{json,xml}``.

Services are Layan's report categories (:mod:`.catalog`), a posted request goes through the one intake of every
channel (:mod:`.intake`, channel ``open311``), requests are reports read as the public (or the API key) may see
them (:mod:`.service_requests`), in JSON or XML with the spec's errors (:mod:`.render`); the views are thin.
"""
