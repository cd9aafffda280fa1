"""The reporter's contact: kept while it serves the report, then erased; the reporter's own copy of what is held
about them, and their erasure on request (UU 27/2022 on personal data: access, deletion, purpose limitation).

Where the contact sits (encrypted at rest, ``layan.core.pii``): the report's ``core.Citizen`` (one per report
unless the reporter is logged in), the reporter's ``Follower`` row, and, in the apps that deliver updates, the
notification rows, the channel conversation and messages, the webhook deliveries' bodies. This module erases the
first two and announces :data:`reporter_contact_erased`; each of those apps clears its own rows in a receiver
connected in its ``AppConfig.ready`` (a domain never imports its subscribers).

When:
- an anonymous report's contact exists only to tell the reporter of its progress: it is erased once the report
  is final (ditutup/arsip), after :data:`ANONYMOUS_GRACE` so that the closing update is delivered first;
- every other reporter's contact ``LAYAN_CONTACT_RETENTION_DAYS`` after the closure of their last report;
- at once when the reporter asks (:func:`erase_citizen`, from their page reached by the secret link).
The reports stay, anonymised: their text, timeline and figures are the public record.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.dispatch import Signal
from django.utils import timezone

from layan.core.models import Citizen

from .models import Follower, Report

log = logging.getLogger(__name__)

ANONYMOUS_GRACE = dt.timedelta(hours=1)  # the closing update is queued at closure and sent within minutes

# sent inside the erasing transaction: report_ids (the reports whose reporter's contact goes), email_indexes (the
# blind indexes of the reporter's e-mail addresses, to find rows addressed to them among other followers')
reporter_contact_erased = Signal()


def erase_citizen(citizen: Citizen, *, at: dt.datetime | None = None, unlink_user: bool = False) -> list[int]:
    """Erase ``citizen``'s contact (name, phone, e-mail, NIK) and every copy the platform keeps for their reports;
    their reports stay, anonymised. Returns the ids of those reports. ``unlink_user``: the reports are no longer
    tied to the citizen's account either (asked by the citizen)."""
    at = at or timezone.now()
    with transaction.atomic():
        citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
        report_ids = list(citizen.reports.values_list("pk", flat=True))
        reporter_followers = Follower.objects.filter(report_id__in=report_ids, is_reporter=True)
        email_indexes = {i for i in reporter_followers.values_list("email_index", flat=True) if i}
        if citizen.email_index:
            email_indexes.add(citizen.email_index)
        reporter_followers.delete()
        citizen.name = citizen.phone = citizen.email = citizen.nik = ""
        citizen.erased_at = at
        fields = ["name", "phone", "email", "nik", "phone_index", "email_index", "erased_at"]
        if unlink_user:
            citizen.user = None
            fields.append("user")
        citizen.save(update_fields=fields)
        reporter_contact_erased.send(sender=Citizen, report_ids=report_ids, email_indexes=email_indexes)
    log.info("reporter contact erased: citizen %s, %s reports", citizen.pk, len(report_ids))
    return report_ids


def _still_needed(cutoff: dt.datetime):
    """A report of the citizen that still needs their contact: open, or closed after ``cutoff``."""
    return Report.objects.filter(reporter=OuterRef("pk")).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gt=cutoff) | ~Q(state__in=Report.FINAL_STATES)
    )


def contacts_due(at: dt.datetime | None = None):
    """Citizens whose contact is due for erasure at ``at``: anonymous reporters once their report is final (after
    the grace), everyone else ``LAYAN_CONTACT_RETENTION_DAYS`` after their last report closed."""
    at = at or timezone.now()
    retention = dt.timedelta(days=settings.LAYAN_CONTACT_RETENTION_DAYS)
    anonymous = Exists(Report.objects.filter(reporter=OuterRef("pk"), privacy=Report.Privacy.ANONIM))
    kept = Citizen.objects.filter(erased_at__isnull=True)
    due_anonymous = kept.filter(anonymous).exclude(Exists(_still_needed(at - ANONYMOUS_GRACE)))
    due_others = kept.filter(created_at__lt=at - retention).exclude(Exists(_still_needed(at - retention)))
    return Citizen.objects.filter(Q(pk__in=due_anonymous.values("pk")) | Q(pk__in=due_others.values("pk")))


def erase_due_contacts(at: dt.datetime | None = None, *, limit: int = 500) -> int:
    """The periodic job (``layan worker``, in the sweep's slot; ``layan erase_contacts``): erase what is due.
    Idempotent and safe in two processes (each citizen is erased under its row lock; a second pass finds it
    erased). Returns how many citizens were erased."""
    at = at or timezone.now()
    count = 0
    for citizen in contacts_due(at).order_by("pk")[:limit]:
        if Citizen.objects.filter(pk=citizen.pk, erased_at__isnull=True).exists():
            erase_citizen(citizen, at=at)
            count += 1
    return count


def data_held(report: Report) -> dict:
    """What the platform holds about the reporter of ``report``, as the reporter downloads it (JSON): their contact
    as stored for this report, and the reports made under the same record, with what staff recorded."""
    citizen = report.reporter
    reports = citizen.reports.order_by("created_at") if citizen is not None else Report.objects.filter(pk=report.pk)
    return {
        "format": "layan-data-pelapor/1",
        "generated_at": timezone.now().isoformat(),
        "reporter": None
        if citizen is None
        else {
            "name": citizen.name,
            "phone": citizen.phone,
            "email": citizen.email,
            "nik": citizen.nik,
            "has_account": citizen.user_id is not None,
            "created_at": citizen.created_at.isoformat(),
            "contact_erased_at": citizen.erased_at.isoformat() if citizen.erased_at else None,
        },
        "updates_by_email": [
            {"report": f.report.tracking_number, "email": f.email, "since": f.created_at.isoformat()}
            for f in Follower.objects.filter(report__in=reports, is_reporter=True).select_related("report")
        ],
        "reports": [
            {
                "tracking_number": r.tracking_number,
                "type": r.type,
                "title": r.title,
                "description": r.description,
                "address": r.address,
                "latitude": str(r.latitude) if r.latitude is not None else None,
                "longitude": str(r.longitude) if r.longitude is not None else None,
                "privacy": r.privacy,
                "channel": r.channel,
                "state": r.state,
                "created_at": r.created_at.isoformat(),
                "closed_at": r.closed_at.isoformat() if r.closed_at else None,
                "rating": r.rating,
                "rating_comment": r.rating_comment,
                "attachments": [a.original_name for a in r.attachments.filter(by_staff=False)],
            }
            for r in reports
        ],
    }
