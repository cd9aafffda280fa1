"""The REST API v1: thin views over the domain services.

- Reports: intake through ``reports.services.submit_report`` (channel ``api``), reading through
  ``public_reports`` / ``staff_reports``, transitions through ``reports.workflow``.
- Who may see and do what is asked of ``layan.core.permissions`` and the workflow; a report the caller may not see
  is 404 whether or not it exists, so tracking numbers cannot be probed.
- Errors are JSON with a stable code (``layan.api.errors``); throttles in ``layan.api.throttling``.
"""

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from layan.charter.models import Service
from layan.core import permissions
from layan.core.inputs import InputError, parse_id
from layan.core.models import Agency, Region
from layan.deadlines.models import PublishedPeriodReport
from layan.deadlines.publication import staff_report, staff_scope
from layan.deadlines.stats import QUARTER, Period, remembered
from layan.reports import idempotency, keys, workflow
from layan.reports import services as report_services
from layan.reports.models import PUBLIC_STATUS, Attachment, Category, Disposition, Report
from layan.reports.redact import without_personal_data
from layan.reports.workflow import Actor

from . import errors, filters
from . import schema as docs
from . import serializers as s
from .authentication import ApiKeyAuthentication, CsrfSessionAuthentication
from .models import ApiKey
from .parsers import SafeJSONParser
from .throttling import AnonymousThrottle, KeyOrUserThrottle, SubmitThrottle

REPORTER_SECRET_HEADER = "X-Reporter-Secret"
P = permissions


class V1Mixin:
    """What every v1 endpoint shares: API key or session login, throttles, the JSON error shape."""

    authentication_classes = [ApiKeyAuthentication, CsrfSessionAuthentication]
    throttle_classes = [AnonymousThrottle, KeyOrUserThrottle]
    parser_classes = [SafeJSONParser]
    renderer_classes = [JSONRenderer]  # errors stay JSON even for a browser

    def get_exception_handler(self):
        return errors.exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_ambiguous_parameters(request.query_params)


def refuse_ambiguous_parameters(params) -> None:
    """A query parameter given twice, or given empty, is refused (400) rather than read as its last value or as
    absent: the schema says a parameter is one value of its type, and a client sending ``?state=`` or
    ``?agency=1&agency=2`` meant something the API would otherwise silently not do."""
    fields = {}
    for name in params:
        values = params.getlist(name)
        if len(values) > 1:
            fields[name] = [_("Parameter ini diberikan lebih dari sekali.")]
        elif values[0] == "":
            fields[name] = [_("Parameter ini kosong: hapus parameter ini atau isi nilainya.")]
    if fields:
        raise exceptions.ValidationError(fields)


class StrictCursorPagination(CursorPagination):
    """DRF's cursor pagination with ``page_size`` checked: a value that is not a whole number from 1 to
    ``max_page_size`` is refused (400) instead of silently replaced by the default, and the schema says the
    range."""

    page_size_query_param = "page_size"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            message = _("page_size harus bilangan bulat dari 1 sampai %(max)s.") % {"max": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters


class NewestFirst(StrictCursorPagination):
    ordering = ("-created_at", "-pk")
    max_page_size = 200


class ByName(StrictCursorPagination):
    ordering = ("name", "pk")
    max_page_size = 500


class ByCode(StrictCursorPagination):
    ordering = ("code",)
    max_page_size = 1000


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- reports ---------------------------------------------------------------------------------------------------


def visible_reports(user):
    """The public reports, plus for staff and API keys those they handle (staff_reports, confidential ones
    included), plus for a citizen logged in on the web their own reports."""
    reports = report_services.public_reports()
    if user is None or not user.is_authenticated:
        return reports
    reports = reports | report_services.staff_reports(user)
    if getattr(user, "layan_api_key", None) is None:
        reports = reports | Report.objects.filter(reporter__user=user)
    return reports


RELATED = ("region", "category", "admin_agency", "reporter")  # what the report serializer reads beside the report


def _with_relations(reports):
    return reports.select_related(*RELATED).prefetch_related(
        Prefetch("dispositions", queryset=Disposition.objects.select_related("agency")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("event")),
    )


def _reread(report: Report) -> Report:
    """A report just made through the API, read again for the answer: the intake's routing may have held it for
    review or dispatched it. The related rows the intake already loaded are reused where the report still points
    at them (no joins to build), and it has no attachments to look up (the API takes none)."""
    fresh = Report.objects.prefetch_related(
        Prefetch("dispositions", queryset=Disposition.objects.select_related("agency")),
        Prefetch("attachments", queryset=Attachment.objects.none()),
    ).get(pk=report.pk)
    for name in RELATED:
        field = Report._meta.get_field(name)
        if field.is_cached(report):
            related = field.get_cached_value(report)
            if getattr(related, "pk", None) == getattr(fresh, field.attname):
                field.set_cached_value(fresh, related)
    return fresh


SECRET_PARAMETER = OpenApiParameter(
    REPORTER_SECRET_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The reporter's secret (returned once on creation): acts as the reporter (add_info, confirm, "
    "reopen, rate) and sees the report even when it is confidential.",
)
NUMBER_PARAMETER = OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH, description="Tracking number")
ACTION_PARAMETER = OpenApiParameter(
    "action_name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=s.ACTIONS, description="The workflow action."
)


@extend_schema_view(
    list=extend_schema(
        operation_id="reports_list",
        summary="List reports the caller may see",
        parameters=[s.ReportFilterSerializer],
        responses={200: s.ReportSerializer(many=True), **docs.LIST_ERRORS},
    ),
    retrieve=extend_schema(
        operation_id="reports_retrieve",
        summary="One report by tracking number",
        parameters=[NUMBER_PARAMETER, SECRET_PARAMETER],
        responses={200: s.ReportSerializer, **docs.READ_ERRORS},
    ),
    create=extend_schema(
        operation_id="reports_create",
        summary="Submit a report (channel api)",
        description="Needs an API key with report.intake, or a logged-in user (a citizen reporting for themself). "
        "The answer carries the reporter's secret and secret link: they are shown this once only.",
        request=s.ReportCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Any unique string of at most 255 characters: a retried POST with the same key (from "
                "the same account) files nothing new and answers 200 with the report the first POST made.",
            )
        ],
        responses={201: s.CreatedReportSerializer, 200: s.CreatedReportSerializer, **docs.WRITE_ERRORS},
    ),
)
class ReportViewSet(V1Mixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reports (laporan): the public ones for everybody; for API keys and staff with report.view also those their
    agencies handle, confidential ones included. The reporter's identity only where the handling staff may see
    it, never for anonymous reports."""

    serializer_class = s.ReportSerializer
    pagination_class = NewestFirst
    lookup_field = "tracking_number"
    lookup_url_kwarg = "number"
    lookup_value_regex = r"[A-Za-z0-9-]+"
    reporter_of = None  # pk of the report whose secret the caller sent

    def get_queryset(self):
        return _with_relations(visible_reports(self.request.user))

    def get_throttles(self):
        throttles = super().get_throttles()
        return throttles + [SubmitThrottle()] if self.action == "create" else throttles

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["access"] = s.ReportAccess(self.request, reporter_of=self.reporter_of)
        return context

    def _report(self, number: str) -> Report:
        """The report if the caller may see it, or proved to be its reporter; 404 otherwise."""
        number = (number or "").strip().upper()
        report = self.get_queryset().filter(tracking_number=number).first()
        secret = self.request.headers.get(REPORTER_SECRET_HEADER, "")
        if secret:
            candidate = report or _with_relations(Report.objects.filter(tracking_number=number)).first()
            if candidate is not None and keys.matches(candidate, secret):
                report, self.reporter_of = candidate, candidate.pk
        if report is None:
            raise exceptions.NotFound()
        return report

    def _actor(self) -> Actor:
        secret = self.request.headers.get(REPORTER_SECRET_HEADER, "")
        return Actor(user=self.request.user, reporter_secret=secret if self.reporter_of else "")

    def _fresh(self, report: Report) -> Report:
        return _with_relations(Report.objects.filter(pk=report.pk)).get()

    def list(self, request, *args, **kwargs):
        params = _validated(s.ReportFilterSerializer, request.query_params)
        reports = self.get_queryset()
        if params.get("q") and not P.has_perm(request.user, P.REPORT_VIEW):
            # the public never searches by someone's NIK, phone or e-mail (it would tell which report names them)
            params["q"] = without_personal_data(params["q"])
            reports = reports if params["q"] else reports.none()
        reports = filters.filter_reports(reports, params)
        page = self.paginate_queryset(reports)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, number=None):
        return Response(self.get_serializer(self._report(number)).data)

    def create(self, request):
        user = request.user
        if not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        entered_for_someone = isinstance(request.auth, ApiKey) or P.has_perm(user, P.REPORT_INTAKE)
        if isinstance(request.auth, ApiKey) and not P.has_perm(user, P.REPORT_INTAKE):
            raise exceptions.PermissionDenied(_("Kunci API ini tidak berizin mengirim laporan (report.intake)."))
        serializer = s.ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if entered_for_someone:  # a system or an officer enters a citizen's report
            reporter, entered_by = serializer.reporter_info(), user
        else:  # a citizen logged in on the web reports for themself
            reporter, entered_by = self._own_reporter(serializer, user), None
        try:  # a retried POST with the same Idempotency-Key answers with the report the first one made
            key = idempotency.key_of(request)
        except idempotency.BadKey as exc:
            raise exceptions.ValidationError({"Idempotency-Key": [str(exc)]}) from None
        report, created = idempotency.submit_once(
            user,
            key,
            lambda: report_services.submit_report(
                serializer.new_report(), channel=Report.Channel.API, reporter=reporter, entered_by=entered_by
            ),
        )
        self.reporter_of = report.pk
        stored = _reread(report)
        # the key minted at intake: only its digest is stored, shown this once; a retry (same Idempotency-Key, same
        # account) gets a fresh key of its own, since the first one exists nowhere any more
        stored.secret = report.secret if created else keys.mint(report, "api-retry")
        data = s.CreatedReportSerializer(stored, context=self.get_serializer_context()).data
        location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{report.tracking_number}/")
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(data, status=answer, headers={"Location": location})

    @staticmethod
    def _own_reporter(serializer, user):
        info = serializer.reporter_info(user=user)
        info.name = info.name or user.get_full_name() or user.get_username()
        info.email = info.email or user.email
        return info

    @extend_schema(
        operation_id="reports_actions_list",
        summary="What the caller may do with this report now",
        parameters=[NUMBER_PARAMETER, SECRET_PARAMETER],
        responses={200: s.ActionListSerializer, **docs.READ_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="actions", url_name="actions")
    def available_actions(self, request, number=None):
        report = self._report(number)
        actor = self._actor()
        entries = [
            self._entry(t, None)
            for t in workflow.allowed_actions(report, actor)
            if t.actor not in (workflow.AGENCY, workflow.SYSTEM)
        ]
        for disposition in report.dispositions.filter(state__in=Disposition.ACTIVE_STATES).select_related("agency"):
            entries += [
                self._entry(t, disposition)
                for t in workflow.allowed_actions(report, actor, disposition)
                if t.actor == workflow.AGENCY
            ]
        data = {"tracking_number": report.tracking_number, "version": report.version, "actions": entries}
        return Response(s.ActionListSerializer(data).data)

    @staticmethod
    def _entry(transition, disposition) -> dict:
        required, optional = s.ACTION_FIELDS[transition.action]
        return {
            "action": transition.action,
            "label": str(transition.label),
            "actor_kind": transition.actor,
            "disposition": disposition.pk if disposition else None,
            "agency": disposition.agency if disposition else None,
            "required_fields": ["version"] + (["disposition"] if disposition else []) + list(required),
            "optional_fields": list(optional),
        }

    @extend_schema(
        operation_id="reports_actions_perform",
        summary="Perform one workflow action",
        description="Send the report's `version` as last read: if the report changed since, nothing is saved and "
        "the answer is 409. Agency actions need the `disposition` (it may be left out when the caller's agency "
        "has exactly one). Which fields each action reads is listed by the actions endpoint.",
        parameters=[NUMBER_PARAMETER, ACTION_PARAMETER, SECRET_PARAMETER],
        request=s.ActionInputSerializer,
        responses={200: s.ActionResultSerializer, **docs.WRITE_ERRORS, 409: docs.CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)", url_name="perform-action")
    def perform_action(self, request, number=None, action_name=None):
        transition = workflow.TRANSITIONS.get(action_name)
        if transition is None or action_name not in s.ACTION_FIELDS:
            raise exceptions.NotFound(_("Aksi tidak dikenal."), code="unknown_action")
        report = self._report(number)
        raw = request.data if hasattr(request.data, "get") else {}
        actor = self._actor()
        disposition = self._disposition(report, transition, raw.get("disposition"))
        if str(raw.get("version", "")).isdigit() and int(raw["version"]) != report.version:
            raise errors.Conflict()
        workflow.check(report, action_name, actor, disposition)  # refused before the input is looked at
        context = {"request": request, "report": report, "action": action_name}
        serializer = s.ActionInputSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        event = workflow.perform(
            report,
            action_name,
            actor,
            version=serializer.validated_data["version"],
            disposition=disposition,
            **serializer.workflow_data(),
        )
        context = self.get_serializer_context()
        context["staff"] = context["access"].staff(report)
        result = s.ActionResultSerializer({"event": event, "report": self._fresh(report)}, context=context)
        return Response(result.data)

    def _disposition(self, report, transition, raw) -> Disposition | None:
        """The disposition an agency action is about: the one given, else the caller's only one that may act."""
        if transition.actor != workflow.AGENCY:
            return None
        dispositions = report.dispositions.select_related("agency")
        if raw not in (None, ""):
            try:
                found = dispositions.filter(pk=parse_id(raw)).first()
            except InputError:
                found = None
            if found is None:
                raise exceptions.ValidationError({"disposition": [_("Disposisi tidak ditemukan pada laporan ini.")]})
            return found
        user = self.request.user
        mine = [
            d
            for d in dispositions.filter(state__in=transition.disposition_states)
            if P.has_perm(user, transition.perm, d.agency_id)
        ]
        if len(mine) > 1:
            raise exceptions.ValidationError({"disposition": [_("Pilih disposisi instansi Anda.")]})
        return mine[0] if mine else None  # none: the workflow refuses with its own message

    @extend_schema(
        operation_id="reports_timeline",
        summary="The report's timeline",
        description="Public events for the public; every event (internal notes included) for staff who handle it.",
        parameters=[NUMBER_PARAMETER, SECRET_PARAMETER],
        responses={200: s.EventSerializer(many=True), **docs.READ_ERRORS},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, number=None):
        report = self._report(number)
        staff = s.ReportAccess(request).staff(report)
        events = report_services.timeline(report, public_only=not staff)
        return Response(s.EventSerializer(events, many=True, context={"staff": staff}).data)


# --- reference data --------------------------------------------------------------------------------------------


class ReferenceViewSet(V1Mixin, viewsets.ReadOnlyModelViewSet):
    """Read-only reference data, listed with validated filters."""

    filter_serializer = None
    filter_function = None

    def list(self, request, *args, **kwargs):
        params = _validated(self.filter_serializer, request.query_params)
        items = type(self).filter_function(self.get_queryset(), params)
        page = self.paginate_queryset(items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        operation_id="agencies_list",
        parameters=[s.AgencyFilterSerializer],
        responses={200: s.AgencySerializer(many=True), **docs.LIST_ERRORS},
    ),
    retrieve=extend_schema(operation_id="agencies_retrieve", responses={200: s.AgencySerializer, **docs.READ_ERRORS}),
)
class AgencyViewSet(ReferenceViewSet):
    """Active agencies (instansi): governments, OPD and their units, vertical offices, BUMN/BUMD, oversight."""

    serializer_class = s.AgencySerializer
    pagination_class = ByName
    filter_serializer = s.AgencyFilterSerializer
    filter_function = filters.filter_agencies
    queryset = Agency.objects.filter(is_active=True).prefetch_related("regions")


@extend_schema_view(
    list=extend_schema(
        operation_id="regions_list",
        description="Kemendagri regions. For cascading selects: `?level=provinsi`, then `?parent=<code>`.",
        parameters=[s.RegionFilterSerializer],
        responses={200: s.RegionSerializer(many=True), **docs.LIST_ERRORS},
    ),
    retrieve=extend_schema(
        operation_id="regions_retrieve",
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. 35.78.05")],
        responses={200: s.RegionSerializer, **docs.READ_ERRORS},
    ),
)
class RegionViewSet(ReferenceViewSet):
    """Kemendagri regions (wilayah): provinsi, kabupaten/kota, kecamatan, desa/kelurahan."""

    serializer_class = s.RegionSerializer
    pagination_class = ByCode
    filter_serializer = s.RegionFilterSerializer
    filter_function = filters.filter_regions
    queryset = Region.objects.all()
    lookup_field = "code"
    lookup_value_regex = r"[0-9.]+"


def _categories(queryset, params):
    return queryset


@extend_schema_view(
    list=extend_schema(
        operation_id="categories_list", responses={200: s.CategorySerializer(many=True), **docs.LIST_ERRORS}
    ),
    retrieve=extend_schema(
        operation_id="categories_retrieve",
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: s.CategorySerializer, **docs.READ_ERRORS},
    ),
)
class CategoryViewSet(ReferenceViewSet):
    """Active report categories (kategori)."""

    serializer_class = s.CategorySerializer
    pagination_class = ByName
    filter_serializer = s.serializers.Serializer
    filter_function = _categories
    queryset = Category.objects.filter(is_active=True).select_related("parent").prefetch_related("default_agencies")
    lookup_field = "slug"


def staff_agencies(user):
    """The agencies in which ``user`` holds any permission (a role there or a key of it): its staff."""
    scopes = [P.agency_scope(user, perm) for perm in sorted(P.ALL_PERMISSIONS)]
    if any(scope is P.EVERYTHING for scope in scopes):
        return P.EVERYTHING
    return frozenset().union(*scopes)


@extend_schema_view(
    list=extend_schema(
        operation_id="services_list",
        description="Published services of the catalogue; unpublished drafts only to the staff of their agency.",
        parameters=[s.ServiceFilterSerializer],
        responses={200: s.ServiceSerializer(many=True), **docs.LIST_ERRORS},
    ),
    retrieve=extend_schema(
        operation_id="services_retrieve",
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: s.ServiceSerializer, **docs.READ_ERRORS},
    ),
)
class ServiceViewSet(ReferenceViewSet):
    """The service catalogue (standar pelayanan) with the delivery components citizens read."""

    serializer_class = s.ServiceSerializer
    pagination_class = ByName
    filter_serializer = s.ServiceFilterSerializer
    filter_function = filters.filter_services
    lookup_field = "code"

    def get_queryset(self):
        visible = Q(is_published=True, agency__is_active=True)
        staff_of = staff_agencies(self.request.user)
        if staff_of is P.EVERYTHING:
            visible = Q()
        elif staff_of:
            visible |= Q(agency_id__in=staff_of)
        return Service.objects.filter(visible).select_related("agency").prefetch_related("categories").order_by("pk")


# --- statistics ------------------------------------------------------------------------------------------------


def _period(code: str | None) -> Period:
    if not code:
        return Period.containing(timezone.localdate(), QUARTER)
    try:
        return Period.parse(code)
    except InputError as error:
        raise exceptions.ValidationError({"period": [error.message]}) from None
    except ValueError:
        message = _("Periode tidak dikenal: gunakan mis. 2026-Q3 atau 2026-07.")
        raise exceptions.ValidationError({"period": [message]}) from None


def report_counts(reports) -> dict:
    """Counts of ``reports`` by public status, by channel and by agency dispatched to: aggregate figures only."""
    by_state = dict(reports.order_by().values_list("state").annotate(n=Count("pk")))
    by_status = [
        {"code": code, "label": str(PUBLIC_STATUS[states[0]]), "count": sum(by_state.get(x, 0) for x in states)}
        for code, states in s.public_status_groups().items()
    ]
    by_channel_raw = dict(reports.order_by().values_list("channel").annotate(n=Count("pk")))
    by_channel = [
        {"code": code, "label": str(label), "count": by_channel_raw.get(code, 0)}
        for code, label in Report.Channel.choices
    ]
    per_agency = (
        Disposition.objects.filter(report__in=reports.values("pk"))
        .order_by()
        .values_list("agency")
        .annotate(n=Count("report", distinct=True))
    )
    counts = dict(per_agency)
    agencies = Agency.objects.in_bulk(list(counts))
    by_agency = sorted(
        ({"agency": agencies[pk], "count": n} for pk, n in counts.items()),
        key=lambda row: (-row["count"], row["agency"].name),
    )
    return {
        "total": sum(by_state.values()),
        "by_public_status": by_status,
        "by_channel": by_channel,
        "by_agency": by_agency,
    }


def non_responders(user, period: Period, admin_agency: Agency | None) -> dict | None:
    """The non-responders report of ``layan.deadlines``: live within the caller's stats.view scope, else the
    snapshot published for the public (None when none was published for the period)."""
    if P.has_perm(user, P.STATS_VIEW):
        data = staff_report(user, period)
        return {**data, "source": "live", "published_at": None}
    published = PublishedPeriodReport.objects.filter(
        period_kind=period.kind, period_start=period.start, agency=admin_agency
    ).first()
    if published is None:
        return None
    return {**published.rows, "source": "published", "published_at": published.published_at}


class StatisticsView(V1Mixin, APIView):
    """Figures of a month or quarter."""

    @extend_schema(
        operation_id="statistics_retrieve",
        summary="Figures of a period",
        description="Reports received in the period by public status, channel and agency dispatched to, and the "
        "non-responders report (live for keys and staff with stats.view, else the published snapshot).",
        parameters=[s.StatisticsFilterSerializer],
        responses={200: s.StatisticsSerializer, **docs.LIST_ERRORS},
    )
    def get(self, request):
        params = _validated(s.StatisticsFilterSerializer, request.query_params)
        period = _period(params.get("period"))
        start, end = period.bounds()
        reports = Report.objects.filter(created_at__gte=start, created_at__lt=end)
        admin_agency = None
        if params.get("admin_agency") is not None:
            admin_agency = Agency.objects.filter(pk=params["admin_agency"]).first()
            if admin_agency is None:
                raise exceptions.ValidationError({"admin_agency": [_("Instansi tidak ditemukan.")]})
            reports = reports.filter(admin_agency_id__in=P.agency_subtree([admin_agency.pk]))
        period_data = {
            "code": period.code,
            "kind": period.kind,
            "label": str(period.label),
            "start": period.start,
            "end": period.end,
        }
        # Both parts read a whole period (about 100,000 reports a quarter at a million): kept for a few minutes
        # (deadlines.stats.remembered), the published snapshot until it is published again.
        when = (period.kind, period.start.isoformat(), admin_agency.pk if admin_agency else None)
        counts = remembered("report_counts", when, lambda: s.ReportCountsSerializer(report_counts(reports)).data)
        figures, responders = non_responders(request.user, period, admin_agency), None
        if figures is not None:
            version = figures["published_at"] or (staff_scope(request.user), figures["as_of"])
            responders = remembered("responders", (when, version), lambda: s.NonRespondersSerializer(figures).data)
        data = {"period": s.PeriodSerializer(period_data).data, "reports": counts, "non_responders": responders}
        return Response(data)


# --- anything else under /api/ ---------------------------------------------------------------------------------


@extend_schema(exclude=True)
class ApiNotFound(V1Mixin, APIView):
    """Unknown addresses under /api/ answer with the JSON error too (a missing trailing slash is redirected for
    GET, as Django's APPEND_SLASH would)."""

    throttle_classes = []

    def _not_found(self, request, *args, **kwargs):
        path = request.path_info
        if request.method in ("GET", "HEAD") and not path.endswith("/"):
            try:
                match = resolve(path + "/")
            except Resolver404:
                match = None
            if match is not None and getattr(match.func, "view_class", None) is not ApiNotFound:
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
        raise exceptions.NotFound()

    get = post = put = patch = delete = head = options = _not_found
