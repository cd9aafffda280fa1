"""The reports side of notifications: which events notify (public ones) and how they are queued."""

from layan.notifications.services import queue_for_event


def queue_notifications(event) -> None:
    """Queue delivery of a public event, when anyone (confirmed) is listening."""
    if event.is_public and event.report.followers.filter(confirmed=True).exists():
        queue_for_event(event)
