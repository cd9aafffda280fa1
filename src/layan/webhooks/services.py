"""Which subscription hears which report event, and the subscriptions' own life (create, edit, switch off and
on, rotate the secret, ping, redeliver).

Routing, for one event and one active subscription (its *reach*: its agency, plus the units below it when
``include_units``); the first type that applies *and* that the subscription asked for is delivered, so a
subscriber gets one delivery per event:

1. ``report.dispatched``: the event opened a disposition to an agency in reach (dispatch, verification with
   agencies, forward to it);
2. ``report.closed``: the report reached ``ditutup`` or ``arsip`` and the agency handles it;
3. ``report.escalated``: the sweep's reminder or escalation about a clock of an agency in reach (to the
   liaison officer, the head, or the supervising body);
4. ``report.updated``: any public timeline event of a report the agency handles (it is the admin agency, has an
   active disposition, or is the event's own agency, e.g. the one that forwarded it away).
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from layan.core import permissions
from layan.reports.models import Disposition, Report, ReportEvent

from . import hooks, payloads
from .delivery import enqueue_attempt
from .models import PING, Delivery, EventType, Subscription, new_secret
from .targets import validate_target_url

log = logging.getLogger(__name__)
T = EventType
SWEEP_ACTIONS = ("reminder", "escalation")
OPENING_ACTIONS = ("dispatch", "forward")


@dataclass
class Reach:
    """The agencies whose events a subscription hears (``events``) and whose staff scope reads the report
    (``view``: the agency and all its units, as for a staff member of it)."""

    events: set[int]
    view: set[int]


def reach_of(subscription: Subscription, subtrees: dict[int, set[int]]) -> Reach:
    """``subtrees``: each subscribing agency's own subtree (``permissions.subtrees``)."""
    view = subtrees.get(subscription.agency_id) or {subscription.agency_id}
    return Reach(events=view if subscription.include_units else {subscription.agency_id}, view=view)


def event_type_for(subscription: Subscription, event: ReportEvent, dispositions, opened, reach: Reach) -> str | None:
    """The one event type this subscription gets for ``event`` (see the module docstring), or None."""
    report = event.report
    mine = reach.events
    opens = event.action in OPENING_ACTIONS
    active = {d.agency_id for d in dispositions if d.state in Disposition.ACTIVE_STATES and _held(d, event, opened)}
    involved = bool(mine & ({report.admin_agency_id, event.agency_id} | active))
    candidates = []
    if opens and any(d.agency_id in mine for d in dispositions if d.pk in opened):
        candidates.append(T.DISPATCHED)
    if involved and event.to_state in Report.FINAL_STATES and event.from_state not in Report.FINAL_STATES:
        candidates.append(T.CLOSED)
    is_ladder = event.actor_kind == "system" and event.action in SWEEP_ACTIONS
    if is_ladder and event.agency_id in mine and event.clock_effect != "remind:reporter":
        candidates.append(T.ESCALATED)
    if involved and event.is_public:
        candidates.append(T.UPDATED)
    return next((str(c) for c in candidates if c in subscription.events), None)


def _held(disposition: Disposition, event: ReportEvent, opened: set[int]) -> bool:
    """Whether the agency already held this disposition when ``event`` happened. The fan-out may run after later
    transitions (the queue lags), so a disposition opened after the event does not count; one opened by the
    event's own transition counts for its dispatch or forward only, so verifying with agencies (events "verify"
    then "dispatch") tells a new agency once, of the dispatch. (Back-dated events, e.g. imported history, are
    older than every disposition: only the admin agency hears of them.)"""
    if disposition.pk in opened:
        return event.action in OPENING_ACTIONS
    return disposition.dispatched_at <= event.created_at


def fan_out(event_ids: list[int], opened: dict[str, list[int]] | None = None) -> list[Delivery]:
    """Create the deliveries of these events (idempotent) and queue their first attempts."""
    opened = opened or {}
    subscriptions = list(Subscription.objects.filter(is_active=True).select_related("agency"))
    if not subscriptions or not event_ids:
        return []
    events = list(
        ReportEvent.objects.filter(pk__in=event_ids)
        .select_related("report__admin_agency", "report__region", "report__category", "report__reporter", "agency")
        .order_by("created_at", "pk")
    )
    by_report: dict[int, list[Disposition]] = {}
    for d in Disposition.objects.filter(report_id__in={e.report_id for e in events}).select_related("agency"):
        by_report.setdefault(d.report_id, []).append(d)
    subtrees = permissions.subtrees({s.agency_id for s in subscriptions})
    reaches = {s.pk: reach_of(s, subtrees) for s in subscriptions}
    created = []
    with translation.override(settings.LANGUAGE_CODE):
        for event in events:
            dispositions = by_report.get(event.report_id, [])
            ids = set(opened.get(str(event.pk), []))
            for subscription in subscriptions:
                event_type = event_type_for(subscription, event, dispositions, ids, reaches[subscription.pk])
                if event_type:
                    delivery = _create(subscription, event, event_type, dispositions, reaches[subscription.pk])
                    if delivery is not None:
                        created.append(delivery)
    for delivery in created:
        enqueue_attempt(delivery.pk, 1)
    return created


def _create(subscription, event, event_type, dispositions, reach: Reach) -> Delivery | None:
    """One delivery, unless it already exists (a fan-out task run twice) and was attempted."""
    delivery = Delivery(
        subscription=subscription,
        event_type=event_type,
        report=event.report,
        report_event=event,
        max_attempts=settings.LAYAN_WEBHOOK_MAX_ATTEMPTS,
    )
    delivery.next_attempt_at = delivery.created_at
    report_part = payloads.report_data(event.report, dispositions, reach.view, reach.events)
    delivery.body = payloads.build(delivery.pk, event_type, delivery.created_at, event=event, report_part=report_part)
    try:
        with transaction.atomic():
            delivery.save(force_insert=True)
    except IntegrityError:
        # made by an earlier run of this fan-out; if that run failed before queueing its first attempt (a locked
        # database, a killed worker: the task is then run again, ``layan.ops.leases``), queue it now. Queued
        # twice, the attempt is still claimed once (``delivery.claim``).
        return Delivery.objects.filter(
            subscription=subscription,
            report_event=event,
            event_type=event_type,
            attempts=0,
            state=Delivery.State.PENDING,
        ).first()
    return delivery


# --- the subscriptions' life -------------------------------------------------------------------------------------


def manageable(user):
    """The subscriptions ``user`` may manage: those of the agencies in which they hold webhook.manage."""
    qs = Subscription.objects.select_related("agency")
    return permissions.filter_by_scope(qs, user, permissions.WEBHOOK_MANAGE)


def _check_and_save(subscription: Subscription) -> Subscription:
    subscription.target_url = validate_target_url(subscription.target_url)
    subscription.full_clean()
    subscription.save()
    hooks.forget_active_subscriptions()
    return subscription


@transaction.atomic
def create_subscription(*, agency, name, target_url, events, include_units=False, user=None) -> Subscription:
    if user is not None and not permissions.has_perm(user, permissions.WEBHOOK_MANAGE, agency):
        raise ValidationError(_("Anda tidak berwenang mengelola webhook instansi ini."))
    subscription = Subscription(
        agency=agency,
        name=name,
        target_url=target_url,
        events=list(events),
        include_units=include_units,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    return _check_and_save(subscription)


@transaction.atomic
def update_subscription(subscription: Subscription, **fields) -> Subscription:
    for name in ("name", "target_url", "events", "include_units"):
        if name in fields:
            setattr(subscription, name, list(fields[name]) if name == "events" else fields[name])
    return _check_and_save(subscription)


def set_active(subscription: Subscription, active: bool) -> Subscription:
    """Switch on (clearing the failure count and the reason) or off by hand."""
    subscription.is_active = active
    if active:
        subscription.failure_streak, subscription.disabled_reason, subscription.disabled_at = 0, "", None
    else:
        subscription.disabled_reason = _("Dinonaktifkan oleh admin.")
        subscription.disabled_at = timezone.now()
    subscription.save(update_fields=["is_active", "failure_streak", "disabled_reason", "disabled_at"])
    hooks.forget_active_subscriptions()
    return subscription


def rotate_secret(subscription: Subscription) -> str:
    """A new secret, in force at once for every attempt from now on (pending retries included)."""
    subscription.secret = new_secret()
    subscription.secret_rotated_at = timezone.now()
    subscription.save(update_fields=["secret", "secret_rotated_at"])
    return subscription.secret


def send_ping(subscription: Subscription) -> Delivery:
    """A test delivery (type ``ping``, no report), sent like any other, with a single attempt."""
    if not subscription.is_active:
        raise ValidationError(_("Aktifkan langganan terlebih dahulu."))
    delivery = Delivery(subscription=subscription, event_type=PING, max_attempts=1)
    delivery.next_attempt_at = delivery.created_at
    with translation.override(settings.LANGUAGE_CODE):
        extra = payloads.ping_extra(subscription)
    delivery.body = payloads.build(delivery.pk, PING, delivery.created_at, extra=extra)
    delivery.save(force_insert=True)
    transaction.on_commit(lambda: enqueue_attempt(delivery.pk, 1), robust=True)
    return delivery


def redeliver(delivery: Delivery) -> Delivery:
    """Send a delivered or given-up delivery once more, now: same id, same body, signed with today's secret."""
    if not delivery.subscription.is_active:
        raise ValidationError(_("Aktifkan langganan terlebih dahulu."))
    number = delivery.attempts + 1
    updated = Delivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, state__in=[Delivery.State.DELIVERED, Delivery.State.GAVE_UP]
    ).update(state=Delivery.State.PENDING, max_attempts=number, next_attempt_at=timezone.now())
    if not updated:
        raise ValidationError(_("Pengiriman ini sedang dicoba ulang otomatis; tunggu hasilnya."))
    transaction.on_commit(lambda: enqueue_attempt(delivery.pk, number), robust=True)
    delivery.refresh_from_db()
    return delivery


def stuck_deliveries(older_than: dt.timedelta = dt.timedelta(minutes=15)):
    """Deliveries whose next attempt is long overdue (a worker died after claiming it): ``redrive`` them."""
    return Delivery.objects.filter(
        state__in=[Delivery.State.PENDING, Delivery.State.FAILED],
        next_attempt_at__lt=timezone.now() - older_than,
        subscription__is_active=True,
    )


def redrive(older_than: dt.timedelta = dt.timedelta(minutes=15)) -> int:
    count = 0
    for pk, attempts in stuck_deliveries(older_than).values_list("pk", "attempts"):
        enqueue_attempt(pk, attempts + 1)
        count += 1
    return count
