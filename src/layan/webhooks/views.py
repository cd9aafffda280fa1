"""Staff pages of the outgoing webhooks: the agency's subscriptions, one subscription (its secret, test ping,
switch off and on), and its deliveries with their attempts and a "kirim ulang" button.

Who may open them is asked of ``layan.core.permissions`` (webhook.manage in the subscription's agency): without
the permission anywhere, 403; a subscription outside the user's agencies is 404 whether or not it exists.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.core import permissions

from . import services
from .forms import SubscriptionForm
from .models import Delivery

PAGE_SIZE = 25


def _require_manager(user) -> None:
    if not permissions.has_perm(user, permissions.WEBHOOK_MANAGE):
        raise PermissionDenied


def _subscription(request, pk):
    _require_manager(request.user)
    subscription = services.manageable(request.user).filter(pk=pk).first()
    if subscription is None:
        raise Http404
    return subscription


@login_required
def subscription_list(request):
    _require_manager(request.user)
    subscriptions = services.manageable(request.user).annotate(
        delivered=Count("deliveries", filter=Q(deliveries__state=Delivery.State.DELIVERED)),
        failing=Count("deliveries", filter=Q(deliveries__state__in=[Delivery.State.FAILED, Delivery.State.GAVE_UP])),
        last_delivery_at=Max("deliveries__created_at"),
    )
    return render(request, "webhooks/list.html", {"subscriptions": subscriptions})


@login_required
def subscription_create(request):
    _require_manager(request.user)
    form = SubscriptionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription = services.create_subscription(
                agency=data["agency"],
                name=data["name"],
                target_url=data["target_url"],
                events=data["events"],
                include_units=data["include_units"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Langganan dibuat. Simpan kunci rahasianya di sistem penerima."))
            return redirect(subscription.get_absolute_url())
    return render(request, "webhooks/form.html", {"form": form, "subscription": None})


@login_required
def subscription_edit(request, pk):
    subscription = _subscription(request, pk)
    initial = {
        "name": subscription.name,
        "target_url": subscription.target_url,
        "events": subscription.events,
        "include_units": subscription.include_units,
    }
    form = SubscriptionForm(request.POST or None, initial=initial, user=request.user, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_subscription(subscription, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect(subscription.get_absolute_url())
    return render(request, "webhooks/form.html", {"form": form, "subscription": subscription})


@login_required
def subscription_detail(request, pk):
    subscription = _subscription(request, pk)
    recent = subscription.deliveries.select_related("report").order_by("-created_at")[:5]
    return render(request, "webhooks/detail.html", {"subscription": subscription, "recent": recent})


@login_required
@require_POST
def subscription_action(request, pk, action):
    """Rotate the secret, send a test ping, switch off or on."""
    subscription = _subscription(request, pk)
    try:
        with transaction.atomic():
            if action == "rahasia":
                services.rotate_secret(subscription)
                messages.success(request, _("Kunci rahasia baru berlaku mulai sekarang. Perbarui sistem penerima."))
            elif action == "ping":
                services.send_ping(subscription)
                messages.success(request, _("Uji coba dikirim. Lihat hasilnya di daftar pengiriman."))
            elif action in ("nonaktifkan", "aktifkan"):
                services.set_active(subscription, action == "aktifkan")
                messages.success(
                    request, _("Langganan diaktifkan.") if action == "aktifkan" else _("Langganan dinonaktifkan.")
                )
            else:
                raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    target = "webhooks:deliveries" if action == "ping" else "webhooks:detail"
    return redirect(target, pk=subscription.pk)


@login_required
def delivery_list(request, pk):
    subscription = _subscription(request, pk)
    state = request.GET.get("status", "")
    deliveries = subscription.deliveries.select_related("report").order_by("-created_at")
    if state in Delivery.State.values:
        deliveries = deliveries.filter(state=state)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "subscription": subscription,
        "page": page,
        "state": state,
        "states": Delivery.State.choices,
        "query": f"status={state}" if state else "",
    }
    return render(request, "webhooks/deliveries.html", context)


def _delivery(request, pk, delivery_id):
    subscription = _subscription(request, pk)
    delivery = subscription.deliveries.select_related("report").filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404
    return subscription, delivery


def shown_body(user, delivery) -> str:
    """The body as sent, for the page: the reporter it names (sent to the agencies handling the report then) only
    to a user who may know who reported it now (``permissions.can_see_reporter``): managing an agency's webhooks
    is no right to the identity, and an agency that forwarded the report away no longer has it."""
    body = delivery.body or ""
    if delivery.report is None or permissions.can_see_reporter(user, delivery.report):
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body

    def hide(node):
        if isinstance(node, dict):
            return {
                key: (
                    {field: "[…]" for field in value} if key == "reporter" and isinstance(value, dict) else hide(value)
                )
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [hide(item) for item in node]
        return node

    return json.dumps(hide(data), ensure_ascii=False, indent=2)


@login_required
def delivery_detail(request, pk, delivery_id):
    subscription, delivery = _delivery(request, pk, delivery_id)
    context = {
        "subscription": subscription,
        "delivery": delivery,
        "body": shown_body(request.user, delivery),
        "attempts": delivery.attempt_log.all(),
    }
    return render(request, "webhooks/delivery.html", context)


@login_required
@require_POST
def delivery_redeliver(request, pk, delivery_id):
    subscription, delivery = _delivery(request, pk, delivery_id)
    try:
        with transaction.atomic():
            services.redeliver(delivery)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Pengiriman dijadwalkan ulang sekarang."))
    return redirect("webhooks:delivery", pk=subscription.pk, delivery_id=delivery.pk)
