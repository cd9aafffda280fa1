"""Erasure of a reporter's contact (``layan.reports.privacy``): the notification rows addressed to them lose the
address; one still waiting to be sent is given up (there is nobody left to send it to)."""

from django.utils.translation import gettext as _

from .models import Notification


def on_reporter_contact_erased(sender, *, report_ids, email_indexes, **kwargs):
    rows = Notification.objects.filter(event__report_id__in=report_ids, recipient_index__in=email_indexes)
    rows.filter(status=Notification.Status.PENDING).update(
        status=Notification.Status.FAILED, last_error=_("Kontak pelapor sudah dihapus.")
    )
    rows.update(recipient="", recipient_index="")
