"""Changes to services and maklumat are audited, and readable by whoever reads the agency's audit trail."""

from auditlog.registry import auditlog

from layan.core.audit import entries_of, register_scope_filter

from .models import Maklumat, Service

auditlog.register(Service, m2m_fields={"categories"}, exclude_fields=["updated_at"])
auditlog.register(Maklumat, exclude_fields=["updated_at"])


@register_scope_filter
def _charter_entries(scope):
    services = Service.objects.filter(agency_id__in=scope).values_list("pk", flat=True)
    maklumat = Maklumat.objects.filter(agency_id__in=scope).values_list("pk", flat=True)
    return entries_of(Service, services) | entries_of(Maklumat, maklumat)
