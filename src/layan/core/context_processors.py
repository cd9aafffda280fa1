from django.conf import settings

from . import permissions


def layan(request):
    user = getattr(request, "user", None)
    return {
        "layan_site_name": settings.LAYAN_SITE_NAME,
        "layan_demo_without_2fa": getattr(settings, "LAYAN_MODE", "") == "demo" and not settings.LAYAN_2FA_REQUIRED,
        "is_staff_member": bool(user and permissions.is_staff_member(user)),
        "can_view_reports": bool(user and permissions.has_perm(user, permissions.REPORT_VIEW)),
        "can_view_stats": bool(user and permissions.has_perm(user, permissions.STATS_VIEW)),
        "can_take_reports": bool(user and permissions.has_perm(user, permissions.REPORT_INTAKE)),
        "can_view_audit": bool(user and permissions.has_perm(user, permissions.AUDIT_VIEW)),
        "can_manage_webhooks": bool(user and permissions.has_perm(user, permissions.WEBHOOK_MANAGE)),
    }
