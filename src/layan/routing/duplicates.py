"""Duplicate candidates: a new report close in text, place and time to an open one. (First version.)"""


def index_and_find(report, *, at) -> list:
    return []


def unindex(report) -> None:
    from .models import TextKey

    TextKey.objects.filter(report=report).delete()


def panel(user, report) -> dict | None:
    return None
