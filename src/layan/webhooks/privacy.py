"""Erasure of a reporter's contact (``layan.reports.privacy``): the stored bodies of deliveries about their reports
lose the ``reporter`` object (a delivery not yet sent goes out without it)."""

import json

from .models import Delivery


def on_reporter_contact_erased(sender, *, report_ids, **kwargs):
    for delivery in Delivery.objects.filter(report_id__in=report_ids).only("pk", "body").iterator():
        try:
            data = json.loads(delivery.body)
        except ValueError:
            continue
        if _drop_reporter(data):
            Delivery.objects.filter(pk=delivery.pk).update(body=json.dumps(data, ensure_ascii=False))


def _drop_reporter(data) -> bool:
    changed = False
    if isinstance(data, dict):
        if data.get("reporter"):
            data["reporter"] = None
            changed = True
        for value in data.values():
            changed = _drop_reporter(value) or changed
    elif isinstance(data, list):
        for value in data:
            changed = _drop_reporter(value) or changed
    return changed
