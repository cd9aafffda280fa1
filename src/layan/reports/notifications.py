"""The reports side of notifications: which events notify (public ones) and how they are queued."""

from layan.notifications.services import queue_for_event


def queue_notifications(event) -> None:
    """Queue delivery of a public event, when anyone (confirmed) is listening: a follower by e-mail, or the
    reporter's conversation on the messaging channel the report came from (``layan.channels``)."""
    from layan.channels.outbound import has_listeners
    from layan.webhooks.hooks import report_event_recorded

    if not event.is_public:
        return
    report_event_recorded(event)  # the agencies' webhooks (layan.webhooks): one cached check if none subscribes
    if event.report.followers.filter(confirmed=True).exists() or has_listeners(event.report):
        queue_for_event(event)
