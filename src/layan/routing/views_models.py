"""The administrators' page of the routing models (``/staf/perutean/``): the versions of each model with their
cross-validated figures, which one is active (activate another, roll back), retraining, the auto-dispatch policy
with the threshold and share a precision implies, and how the suggestions fared with the dispatchers lately.

Open to system administrators and admins who verify reports (report.verify anywhere); others get 403.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from layan.core import permissions
from layan.reports.models import ReportEvent

from . import store, suggest, training
from .models import RouterModel, RoutingPolicy, Suggestion

T = RouterModel.Target
Outcome = Suggestion.Outcome
PRECISIONS = (Decimal("0.80"), Decimal("0.85"), Decimal("0.90"), Decimal("0.95"), Decimal("0.99"))
VERSIONS_SHOWN = 20
LIVE_DAYS = 30


def _require_admin(user) -> None:
    if not permissions.has_perm(user, permissions.REPORT_VERIFY):
        raise PermissionDenied


class PolicyForm(forms.ModelForm):
    target_precision = forms.DecimalField(
        label=gettext_lazy("Ketepatan minimal"),
        min_value=Decimal("0.80"),
        max_value=Decimal("0.99"),
        max_digits=3,
        decimal_places=2,
        help_text=gettext_lazy(
            "Antara 0,80 dan 0,99. Disposisi otomatis hanya bila model terbukti benar setidaknya sesering ini."
        ),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.80", "max": "0.99"}),
    )

    class Meta:
        model = RoutingPolicy
        fields = ["auto_dispatch", "target_precision"]
        labels = {"auto_dispatch": gettext_lazy("Disposisi otomatis aktif")}
        help_texts = {
            "auto_dispatch": gettext_lazy(
                "Laporan yang ditahan pemeriksaan penyalahgunaan atau mirip laporan lain tidak pernah "
                "didisposisikan otomatis."
            )
        }


def _impact(model: RouterModel | None, precision) -> dict:
    cutoff = suggest.threshold(model, precision)
    return {
        "precision": precision,
        "percent": int(round(float(precision) * 100)),
        "threshold": cutoff,
        "threshold_percent": None if cutoff is None else int(round(cutoff * 100)),
        "share_percent": round(suggest.share_at(model, cutoff) * 100, 1),
    }


def _source_label(source: str) -> str:
    if source == "history":
        return _("riwayat disposisi")
    if source.startswith("csv:"):
        return _("CSV %(name)s") % {"name": source[4:]}
    return source


def _versions(target: str) -> list[RouterModel]:
    rows = list(RouterModel.objects.filter(target=target).select_related("trained_by")[:VERSIONS_SHOWN])
    for model in rows:
        e = model.evaluation or {}
        model.figures = {
            key: round(e[key] * 100, 1) if isinstance(e.get(key), int | float) else None
            for key in ("top1", "top3", "macro_f1", "auto_dispatch_share_at_95", "auto_dispatch_share_at_90")
        }
        model.mapped = sum(1 for value in (model.label_map or {}).values() if value is not None)
        model.source_label = _source_label(model.source)
    return rows


def live_figures(days: int = LIVE_DAYS, *, now: dt.datetime | None = None) -> dict:
    """How the suggestions fared with the dispatchers over the last ``days``: decided suggestions by outcome, the
    live precision of the first suggestion (accepted or auto-dispatched and kept, over every decision), and how
    many automatic dispatches were later corrected (forwarded by the agency or returned and re-dispatched)."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    auto_event = ReportEvent.objects.filter(report_id=OuterRef("report_id"), action="auto_dispatch")
    counts = Suggestion.objects.filter(decided_at__gte=since).aggregate(
        accepted=Count("pk", filter=Q(outcome=Outcome.ACCEPTED)),
        auto=Count("pk", filter=Q(outcome=Outcome.AUTO)),
        corrected=Count("pk", filter=Q(outcome=Outcome.CORRECTED)),
    )
    counts["auto_corrected"] = (
        Suggestion.objects.filter(decided_at__gte=since, outcome=Outcome.CORRECTED).filter(Exists(auto_event)).count()
    )
    counts["pending"] = Suggestion.objects.filter(created_at__gte=since, outcome=Outcome.PENDING).count()
    decided = counts["accepted"] + counts["auto"] + counts["corrected"]
    right = counts["accepted"] + counts["auto"]
    auto_total = counts["auto"] + counts["auto_corrected"]
    counts.update(
        days=days,
        decided=decided,
        precision=round(100 * right / decided, 1) if decided else None,
        auto_precision=round(100 * counts["auto"] / auto_total, 1) if auto_total else None,
    )
    return counts


def _context(request, policy_form: PolicyForm | None = None) -> dict:
    from layan.reports.views_staff import _staff_links

    policy = RoutingPolicy.current()
    # a row just created holds its default as a float: the table compares decimals
    policy.target_precision = Decimal(str(policy.target_precision)).quantize(Decimal("0.01"))
    active = {m.target: m for m in RouterModel.objects.filter(is_active=True)}
    agency_model = active.get(T.AGENCY)
    precisions = sorted(set(PRECISIONS) | {policy.target_precision})
    preview = None
    asked = request.GET.get("ketepatan", "").replace(",", ".")
    try:
        if asked and Decimal("0.80") <= Decimal(asked) <= Decimal("0.99"):
            preview = _impact(agency_model, Decimal(asked).quantize(Decimal("0.01")))
    except ArithmeticError:
        preview = None
    return {
        "staff_links": _staff_links(request.user),
        "current": "routing",
        "targets": [
            {
                "target": t,
                "label": T(t).label,
                "versions": _versions(t),
                "active": active.get(t),
                "previous": store.previous_version(t) if t in active else None,
            }
            for t in T.values
        ],
        "policy": policy,
        "policy_form": policy_form or PolicyForm(instance=policy, auto_id="id_policy_%s"),
        "impacts": [_impact(agency_model, p) for p in precisions],
        "current_impact": _impact(agency_model, policy.target_precision),
        "preview": preview,
        "agency_model": agency_model,
        "live": live_figures(),
        "min_examples": training.min_examples(),
    }


@login_required
def models_page(request):
    _require_admin(request.user)
    return render(request, "routing/models.html", _context(request))


def _back():
    return redirect(reverse("routing:models"))


def _target(request) -> str:
    target = request.POST.get("target", "")
    return target if target in T.values else T.AGENCY


@login_required
@require_POST
def activate(request):
    _require_admin(request.user)
    try:
        version = int(request.POST.get("version", ""))
        model = training.activate(_target(request), version)
    except ValueError:
        messages.error(request, _("Pilih versi yang akan diaktifkan."))
    except training.RoutingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(model)s sekarang aktif.") % {"model": model})
    return _back()


@login_required
@require_POST
def rollback(request):
    _require_admin(request.user)
    try:
        model = training.rollback(_target(request))
    except training.RoutingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Dikembalikan ke %(model)s.") % {"model": model})
    return _back()


@login_required
@require_POST
def retrain(request):
    """Queue a retraining from history (the worker runs it: on a large history it takes minutes)."""
    _require_admin(request.user)
    from django_tasks import TaskResultStatus

    from .tasks import retrain_router

    result = retrain_router.enqueue(only_if_changed=False, user_id=request.user.pk)
    if result.status == TaskResultStatus.SUCCESSFUL:  # a backend that runs tasks at once (tests, small setups)
        for target, outcome in result.return_value.items():
            messages.info(request, f"{T(target).label}: {outcome}")
    elif result.status == TaskResultStatus.FAILED:
        messages.error(request, _("Pelatihan ulang gagal. Lihat log pekerja latar."))
    else:
        messages.success(
            request, _("Pelatihan ulang dijadwalkan. Versi baru tampil di halaman ini setelah pekerja latar selesai.")
        )
    return _back()


@login_required
def policy(request):
    _require_admin(request.user)
    if request.method != "POST":
        return _back()
    current = RoutingPolicy.current()
    form = PolicyForm(request.POST, instance=current, auto_id="id_policy_%s")
    if not form.is_valid():
        return render(request, "routing/models.html", _context(request, form), status=400)
    saved = form.save(commit=False)
    saved.updated_by = request.user
    saved.save()
    if saved.auto_dispatch:
        impact = _impact(RouterModel.objects.filter(target=T.AGENCY, is_active=True).first(), saved.target_precision)
        if impact["threshold"] is None:
            messages.warning(
                request,
                _(
                    "Kebijakan disimpan, tetapi model aktif tidak pernah mencapai ketepatan %(p)s%%: "
                    "belum ada laporan yang akan didisposisikan otomatis."
                )
                % {"p": impact["percent"]},
            )
            return _back()
    messages.success(request, _("Kebijakan perutean disimpan."))
    return _back()


urlpatterns = [
    path("staf/perutean/", models_page, name="models"),
    path("staf/perutean/aktifkan/", activate, name="models-activate"),
    path("staf/perutean/kembalikan/", rollback, name="models-rollback"),
    path("staf/perutean/latih-ulang/", retrain, name="models-retrain"),
    path("staf/perutean/kebijakan/", policy, name="models-policy"),
]
