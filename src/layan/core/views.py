import math

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from . import audit, permissions
from .models import Agency, Membership


def home(request):
    context = {"agency_count": Agency.objects.filter(is_active=True).count()}
    if request.user.is_authenticated:
        context["memberships"] = Membership.objects.filter(user=request.user, is_active=True).select_related("agency")
    return render(request, "core/home.html", context)


@login_required
def audit_log(request):
    """The audit trail, for oversight bodies and admins, limited to the agencies in their scope."""
    if not permissions.has_perm(request.user, permissions.AUDIT_VIEW):
        raise PermissionDenied
    page = Paginator(audit.entries_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page})


def login_lockout(request, original_response=None, credentials=None):
    """The page django-axes shows instead of the login form once a username is locked out from an address
    (``AXES_LOCKOUT_CALLABLE``): HTTP 429, in the user's language, saying how long to wait."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "core/lockout.html", context, status=429)
