"""Query filters of the list endpoints, applied to already-validated parameters (see the *FilterSerializer classes).
They narrow what the caller may see; they never widen it."""

from django.db.models import Q

from layan.core.models import Region
from layan.reports import services as report_services
from layan.reports.models import Disposition

from .serializers import public_status_groups


def region_and_below(field: str, code: str) -> Q:
    """``field`` (a region code) is ``code`` or a region below it: Kemendagri codes nest by dotted prefix."""
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


def filter_reports(reports, params: dict):
    if params.get("state"):
        reports = reports.filter(state=params["state"])
    if params.get("public_status"):
        reports = reports.filter(state__in=public_status_groups()[params["public_status"]])
    for name in ("type", "privacy", "channel"):
        if params.get(name):
            reports = reports.filter(**{name: params[name]})
    if params.get("category"):
        reports = reports.filter(category__slug=params["category"])
    if params.get("region"):
        reports = reports.filter(region_and_below("region__code", params["region"]))
    if params.get("agency") is not None:
        dispatched = Disposition.objects.filter(agency_id=params["agency"]).values("report_id")
        reports = reports.filter(pk__in=dispatched)
    if params.get("admin_agency") is not None:
        reports = reports.filter(admin_agency_id=params["admin_agency"])
    if params.get("created_after"):
        reports = reports.filter(created_at__gte=params["created_after"])
    if params.get("created_before"):
        reports = reports.filter(created_at__lt=params["created_before"])
    if params.get("overdue"):
        reports = reports.filter(pk__in=report_services.overdue_report_ids())
    if params.get("q"):
        reports = report_services.search(reports, params["q"])
    return reports


def filter_agencies(agencies, params: dict):
    for name in ("kind", "level"):
        if params.get(name):
            agencies = agencies.filter(**{name: params[name]})
    if params.get("parent") is not None:
        agencies = agencies.filter(parent_id=params["parent"])
    if params.get("region"):
        # an agency serving a region serves every region below it
        codes = Region(code=params["region"]).ancestor_codes
        agencies = agencies.filter(regions__code__in=codes).distinct()
    if params.get("q"):
        agencies = agencies.filter(Q(name__icontains=params["q"]) | Q(short_name__icontains=params["q"]))
    return agencies


def filter_regions(regions, params: dict):
    if params.get("parent"):
        regions = regions.filter(parent_id=params["parent"])
    if params.get("level"):
        regions = regions.filter(level=params["level"])
    if params.get("code"):
        regions = regions.filter(region_and_below("code", params["code"]))
    if params.get("q"):
        regions = regions.filter(name__icontains=params["q"])
    return regions


def filter_services(services, params: dict):
    if params.get("agency") is not None:
        services = services.filter(agency_id=params["agency"])
    if params.get("category"):
        services = services.filter(categories__slug=params["category"]).distinct()
    if params.get("q"):
        services = services.filter(Q(name__icontains=params["q"]) | Q(description__icontains=params["q"]))
    return services
