"""The reports side of notifications: which events notify (public ones) and how they are queued."""

from layan.notifications.services import queue_for_event


def queue_notifications(event) -> None:
    if event.is_public:
        queue_for_event(event)
