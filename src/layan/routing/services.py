"""Routing at intake and after: the one place the rest of Layan calls into routing.

Data flows one way: :func:`on_report_submitted` runs inside the intake's transaction (``reports.services.
submit_report``) right after the report is stored: the abuse screen (``abuse``), the duplicate check
(``duplicates``), the agency/category suggestion (``suggest``) and, when the administrators allow it and the
model is sure enough, the auto-dispatch. The workflow tells routing when a report is dispatched (every dispatch
decision is a training label), when it stops being open (it leaves the duplicate index) and when it is open
again (it is indexed again).
"""

import datetime as dt

from . import abuse, duplicates, suggest


def on_report_submitted(report, *, at: dt.datetime) -> None:
    """Screen, index, suggest and maybe auto-dispatch a report that has just been stored."""
    screening = abuse.screen(report)
    candidates = duplicates.index_and_find(report, at=at)
    suggestion = suggest.suggest_for(report)
    if suggestion is not None:
        suggest.maybe_auto_dispatch(report, suggestion, screening=screening, duplicates=candidates)


def on_dispatched(report, agencies, actor, *, at: dt.datetime) -> None:
    """A dispatch decision (by a person or the system): it settles the report's suggestion (accepted or corrected)."""
    suggest.record_decision(report, agencies, actor, at=at)


def on_left_open(report) -> None:
    """The report is no longer open (closed, archived, done): it stops being a duplicate candidate."""
    duplicates.unindex(report)


def on_reopened(report, *, at: dt.datetime) -> None:
    """The report is open again (the reporter objected to its closure): it is a duplicate candidate again."""
    duplicates.reindex(report, at=at)


def staff_panel(user, report) -> dict:
    """What the staff report page shows of routing: the suggestion, duplicate candidates, the abuse screen."""
    return {
        "suggestion": suggest.panel(user, report),
        "duplicates": duplicates.panel(user, report),
        "screening": abuse.panel(user, report),
    }
