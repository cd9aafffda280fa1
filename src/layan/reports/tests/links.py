"""Test helper: the reporter's secret links found in a text (an e-mail, a channel message, a page)."""

import re

from layan.reports import keys


def reporter_keys_in(text: str, report) -> list[str]:
    """The keys of every ``/lacak/<report's number>/<key>/`` link in ``text``."""
    return re.findall(rf"/lacak/{re.escape(report.tracking_number)}/([A-Za-z0-9_-]+)/", text)


def working_reporter_link_in(text: str, report) -> bool:
    """Whether ``text`` carries a secret link of ``report`` that opens its reporter page."""
    return any(keys.matches(report, key) for key in reporter_keys_in(text, report))
