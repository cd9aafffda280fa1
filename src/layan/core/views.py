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
