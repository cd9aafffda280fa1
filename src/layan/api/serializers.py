"""Serializers of the REST API v1: what goes out (reports, timeline, reference data, statistics) and what comes in
(a new report, a workflow action, list filters).

They shape data only. What a caller may see is decided by ``layan.reports.services`` (``content_visible``,
``reporter_visible_to``) and ``layan.core.permissions``; the serializers ask, through :class:`ReportAccess`.
"""

import copy

from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from layan.charter.models import Service
from layan.core import inputs, permissions
from layan.core.models import Agency, Region
from layan.core.nik import validate_nik
from layan.reports import services as report_services
from layan.reports import workflow
from layan.reports.models import PUBLIC_STATUS, Attachment, Category, Disposition, Report, ReportEvent
from layan.reports.redact import redact, redact_report_text


def public_status_groups() -> dict[str, list[str]]:
    """The LAPOR! public statuses, each under a stable code (its first internal state): ``{"terverifikasi":
    ["terverifikasi", "terdisposisi"], ...}``. Grouped on the untranslated labels of ``PUBLIC_STATUS``."""
    groups: dict[str, list[str]] = {}
    with translation.override(None):
        for state in Report.State.values:
            groups.setdefault(str(PUBLIC_STATUS[state]), []).append(state)
    return {states[0]: states for states in groups.values()}


PUBLIC_STATUS_CODES = list(public_status_groups())


def public_status_code(state: str) -> str:
    return next(code for code, states in public_status_groups().items() if state in states)


REGION_CODE = RegexValidator(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$", _("Kode wilayah Kemendagri tidak valid."))


# --- fields that read ids and dates through layan.core.inputs ----------------------------------------------------


class IdField(serializers.IntegerField):
    """An id: a positive integer a database column can hold (the schema says so with minimum and maximum)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", inputs.MIN_ID)
        kwargs.setdefault("max_value", inputs.MAX_ID)
        super().__init__(**kwargs)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row by id; an id too wide for the database is "not found", as any other unknown id (DRF's own
    field let the database's OverflowError through)."""

    def to_internal_value(self, data):
        try:
            inputs.parse_id(data)
        except inputs.InputError:
            if isinstance(data, bool) or not isinstance(data, int | str):
                self.fail("incorrect_type", data_type=type(data).__name__)
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class MomentField(serializers.DateTimeField):
    """A date-time (or a date: its midnight) within ``inputs.EARLIEST``..``inputs.LATEST``."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                moment = inputs.parse_moment(value)
            except inputs.InputError as error:
                raise serializers.ValidationError(error.message) from None
            if moment is not None:
                return moment
        try:
            return inputs.check_moment(super().to_internal_value(value))
        except (inputs.InputError, OverflowError):
            raise serializers.ValidationError(inputs.range_message()) from None


class DayField(serializers.DateField):
    """A date within ``inputs.EARLIEST``..``inputs.LATEST``."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        try:
            return inputs.check_date(day)
        except inputs.InputError as error:
            raise serializers.ValidationError(error.message) from None


# --- references ------------------------------------------------------------------------------------------------


class BuiltOnce:
    """For serializers that only describe model rows: their fields are built from the model's metadata once per
    class and language, then copied for each use (as DRF copies declared fields). A ``ModelSerializer`` builds them
    again for every object it serializes, translating each verbose name and help text on the way: that was most of
    the time of serializing a report. Same fields, same output."""

    _built: dict = {}

    def get_fields(self):
        key = (type(self), translation.get_language())
        built = BuiltOnce._built.get(key)
        if built is None:
            built = BuiltOnce._built[key] = super().get_fields()
        return copy.deepcopy(built)


class AgencyRefSerializer(BuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "slug", "name", "short_name"]


class RegionRefSerializer(BuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level"]


class CategoryRefSerializer(BuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name"]


class PublicStatusSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=PUBLIC_STATUS_CODES, help_text="Stable code of the LAPOR! status.")
    label = serializers.CharField()


# --- reports, out ----------------------------------------------------------------------------------------------


class ReportAccess:
    """What the caller may see of one report, asked once per report of the serializer's context."""

    def __init__(self, request, reporter_of: int | None = None):
        self.user = request.user if request is not None else None
        self.reporter_of = reporter_of  # pk of the report whose secret the caller proved, if any
        self.may_view_any = bool(self.user is not None and permissions.has_perm(self.user, permissions.REPORT_VIEW))
        self._staff: dict[int, bool] = {}

    def is_reporter(self, report) -> bool:
        return self.reporter_of == report.pk

    def staff(self, report) -> bool:
        if not self.may_view_any:
            return False
        if report.pk not in self._staff:
            self._staff[report.pk] = workflow.can_view(self.user, report)
        return self._staff[report.pk]

    def content(self, report) -> bool:
        return report_services.content_visible(self.user, report, is_reporter=self.is_reporter(report))

    def reporter(self, report) -> bool:
        return self.may_view_any and report_services.reporter_visible_to(self.user, report)


class DispositionSerializer(BuiltOnce, serializers.ModelSerializer):
    agency = AgencyRefSerializer()

    class Meta:
        model = Disposition
        fields = ["id", "agency", "state", "dispatched_at", "first_response_at", "resolved_at", "closed_at"]


class AttachmentSerializer(BuiltOnce, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "url"]

    def get_url(self, attachment) -> str:
        return _absolute(attachment.get_absolute_url())


class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


def _absolute(path: str) -> str:
    return settings.LAYAN_PUBLIC_URL.rstrip("/") + path


HIDDEN_CONTENT = ("title", "description", "address", "latitude", "longitude")


class ReportSerializer(BuiltOnce, serializers.ModelSerializer):
    """A report as the caller may see it. Confidential content (rahasia) is null unless the caller handles the
    report; the reporter's identity is null unless ``reporter_visible_to`` allows it (never for anonymous)."""

    title = serializers.CharField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True, coerce_to_string=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True, coerce_to_string=False)
    category = CategoryRefSerializer(allow_null=True)
    region = RegionRefSerializer(allow_null=True)
    admin_agency = AgencyRefSerializer()
    state_label = serializers.CharField(source="get_state_display")
    public_status = serializers.SerializerMethodField()
    archive_reason = serializers.ChoiceField(
        choices=Report.ArchiveReason.choices, allow_blank=True, help_text="Why it was archived; empty unless it was."
    )
    dispositions = DispositionSerializer(many=True)
    attachments = serializers.SerializerMethodField()
    reporter = serializers.SerializerMethodField()
    content_hidden = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "tracking_number",
            "version",
            "type",
            "title",
            "description",
            "category",
            "service_name",
            "region",
            "address",
            "latitude",
            "longitude",
            "occurred_on",
            "channel",
            "privacy",
            "state",
            "state_label",
            "public_status",
            "weight",
            "archive_reason",
            "admin_agency",
            "dispositions",
            "attachments",
            "reporter",
            "content_hidden",
            "support_count",
            "rating",
            "created_at",
            "updated_at",
            "verified_at",
            "dispatched_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "public_url",
        ]
        read_only_fields = fields

    @property
    def access(self) -> ReportAccess:
        return self.context["access"]

    def to_representation(self, report):
        data = super().to_representation(report)
        if not self.access.content(report):
            data.update({name: None for name in HIDDEN_CONTENT})
        elif not (self.access.staff(report) or self.access.is_reporter(report)):
            redact_report_text(data)  # a public reader: NIK, phone numbers and e-mail addresses masked
            for item in data["attachments"]:
                item["original_name"] = redact(item["original_name"])
        return data

    @extend_schema_field(PublicStatusSerializer)
    def get_public_status(self, report) -> dict:
        return {"code": public_status_code(report.state), "label": str(report.public_status)}

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, report) -> list:
        if not self.access.content(report):
            return []
        items = report.attachments.all()
        if not (self.access.staff(report) or self.access.is_reporter(report)):
            items = [a for a in items if a.event_id is None or a.event.is_public]
        return AttachmentSerializer(items, many=True).data

    @extend_schema_field(ReporterSerializer(allow_null=True))
    def get_reporter(self, report) -> dict | None:
        if not self.access.reporter(report):
            return None
        citizen = report.reporter
        return {"name": citizen.name, "phone": str(citizen.phone or ""), "email": citizen.email}

    def get_content_hidden(self, report) -> bool:
        return not self.access.content(report)

    def get_public_url(self, report) -> str | None:
        return _absolute(report.get_absolute_url()) if report.is_public else None


class CreatedReportSerializer(ReportSerializer):
    """The answer to the one who submitted: the report plus the reporter's secret link, shown this once."""

    reporter_secret = serializers.SerializerMethodField()
    reporter_url = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = ReportSerializer.Meta.fields + ["reporter_secret", "reporter_url"]
        read_only_fields = fields

    def get_reporter_secret(self, report) -> str:
        return report.secret  # the key submit_report just minted (only its digest is stored)

    def get_reporter_url(self, report) -> str:
        return _absolute(report.reporter_url(report.secret))


class EventSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    agency = AgencyRefSerializer(allow_null=True)

    class Meta:
        model = ReportEvent
        fields = [
            "id",
            "action",
            "label",
            "actor_kind",
            "actor",
            "agency",
            "from_state",
            "to_state",
            "stage",
            "note",
            "is_public",
            "clock_effect",
            "deadline_at",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, event):
        data = super().to_representation(event)
        if not self.context.get("staff"):
            data["note"] = redact(data["note"])  # the public timeline: what a citizen typed stays masked
        return data

    def get_label(self, event) -> str:
        transition = workflow.TRANSITIONS.get(event.action)
        return str(transition.label) if transition else str(EVENT_LABELS.get(event.action, event.action))

    def get_actor(self, event) -> str | None:
        """The staff member's login, for staff only: the public timeline names agencies, not officers."""
        if not self.context.get("staff") or event.actor_id is None:
            return None
        return event.actor.get_username()


EVENT_LABELS = {"submit": _("Laporan masuk")}


# --- reports, in -----------------------------------------------------------------------------------------------


def _json_types(field) -> tuple[type, ...] | None:
    """The JSON types a field of a request body takes, as Python types (None: no check). DRF converts more than
    the schema allows (a number for a text, "1.5" for a number, "true" for a boolean): a client whose number
    became text by accident would never learn."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.IntegerField):
        return (int,)
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return (int, float)
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField):
        return (list,)
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        return (int,) if field.queryset is not None and field.queryset.model is Agency else (str,)
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.SlugRelatedField):
        return (str,)
    if isinstance(field, serializers.DateField | serializers.DateTimeField | PhoneNumberField):
        return (str,)
    if isinstance(field, serializers.Serializer):
        return (dict,)
    return None


class StrictJSONInput:
    """A request body's values must have the JSON type the schema gives them (null where the field allows it);
    anything else is refused with DRF's own "invalid" message for that field."""

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, dict):
            for name, field in self.fields.items():
                if field.read_only or name not in data:
                    continue
                value, types = data[name], _json_types(field)
                if types is None or (value is None and field.allow_null):
                    continue
                if isinstance(value, bool) and bool not in types or not isinstance(value, types):
                    errors[name] = [_("Jenis nilai tidak sesuai: harus %(type)s.") % {"type": _TYPE_NAMES[types[0]]}]
                elif value == "" and not getattr(field, "allow_blank", False):  # a relation's "" was read as null
                    errors[name] = [_("Bidang ini tidak boleh kosong.")]
            data = {key: value for key, value in data.items() if key not in errors}
        try:  # every invalid field is reported at once, these with the others
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not errors:
                raise
            detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            raise serializers.ValidationError({**detail, **errors}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value


_TYPE_NAMES = {bool: "boolean", int: "integer", str: "string", list: "array", dict: "object"}


class ReporterInputSerializer(StrictJSONInput, serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = PhoneNumberField(
        required=False, allow_blank=True, error_messages={"invalid": _("Nomor telepon tidak valid.")}
    )
    email = serializers.EmailField(required=False, allow_blank=True)
    nik = serializers.CharField(max_length=16, required=False, allow_blank=True, validators=[validate_nik])


class ReportCreateSerializer(StrictJSONInput, serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    type = serializers.ChoiceField(choices=Report.Type.choices, default=Report.Type.PENGADUAN)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.filter(is_active=True), required=False, allow_null=True
    )
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True, help_text="Kemendagri code, e.g. 35.78.05"
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True, default=None)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True, default=None)
    occurred_on = DayField(required=False, allow_null=True, default=None)
    privacy = serializers.ChoiceField(choices=Report.Privacy.choices, default=Report.Privacy.PUBLIC)
    service_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reporter = ReporterInputSerializer(required=False)

    def validate_occurred_on(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("Tanggal kejadian tidak boleh di masa depan."))
        return value

    def validate(self, data):
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise serializers.ValidationError({"longitude": [_("Isi lintang dan bujur bersama-sama.")]})
        return data

    def new_report(self) -> report_services.NewReport:
        data = self.validated_data
        return report_services.NewReport(
            title=data["title"],
            description=data["description"],
            type=data["type"],
            category=data.get("category"),
            region=data.get("region"),
            address=data["address"],
            latitude=None if data["latitude"] is None else round(data["latitude"], 6),
            longitude=None if data["longitude"] is None else round(data["longitude"], 6),
            occurred_on=data["occurred_on"],
            privacy=data["privacy"],
            service_name=data["service_name"],
        )

    def reporter_info(self, user=None) -> report_services.ReporterInfo:
        data = self.validated_data.get("reporter") or {}
        phone = data.get("phone")
        return report_services.ReporterInfo(
            name=data.get("name", ""),
            phone=phone.as_e164 if phone else "",
            email=data.get("email", ""),
            nik=data.get("nik", ""),
            user=user,
        )


# What each action reads (see the effects in layan.reports.workflow); the required ones first.
ACTION_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "verify": ((), ("agencies", "category", "type", "weight", "note")),
    "dispatch": (("agencies",), ("note",)),
    "classify": ((), ("category", "type", "weight", "note")),
    "pend": (("note",), ()),
    "archive": (("reason",), ("duplicate_of", "note")),
    "accept": ((), ("note",)),
    "progress": (("stage", "note"), ()),
    "resolve": (("note",), ()),
    "forward": (("agency", "note"), ()),
    "return": (("note",), ()),
    "add_info": (("note",), ()),
    "confirm": ((), ("rating", "comment", "note")),
    "reopen": (("note",), ()),
    "rate": (("rating",), ("comment",)),
    "note": (("note",), ()),
}
ACTIONS = list(ACTION_FIELDS)


class ActionSerializer(serializers.Serializer):
    """One action the caller may take now."""

    action = serializers.ChoiceField(choices=ACTIONS)
    label = serializers.CharField()
    actor_kind = serializers.ChoiceField(choices=[workflow.ADMIN, workflow.AGENCY, workflow.REPORTER, workflow.STAFF])
    disposition = serializers.IntegerField(allow_null=True, help_text="Send it back with agency actions.")
    agency = AgencyRefSerializer(allow_null=True, help_text="The agency acting, for agency actions.")
    required_fields = serializers.ListField(child=serializers.CharField())
    optional_fields = serializers.ListField(child=serializers.CharField())


class ActionListSerializer(serializers.Serializer):
    tracking_number = serializers.CharField()
    version = serializers.IntegerField()
    actions = ActionSerializer(many=True)


class ActionInputSerializer(StrictJSONInput, serializers.Serializer):
    """The input of ``POST /reports/{number}/actions/{action}/``; which fields an action reads is listed by
    ``GET /reports/{number}/actions/``."""

    version = IdField(help_text="The report's version as the caller last read it (optimistic locking).")
    disposition = IdField(
        required=False, allow_null=True, help_text="For agency actions: which disposition (dispatch) acts."
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    agencies = IdRelatedField(many=True, queryset=Agency.objects.filter(is_active=True), required=False)
    agency = IdRelatedField(queryset=Agency.objects.filter(is_active=True), required=False)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.filter(is_active=True), required=False
    )
    type = serializers.ChoiceField(choices=Report.Type.choices, required=False)
    weight = serializers.ChoiceField(choices=Report.Weight.choices, required=False)
    reason = serializers.ChoiceField(choices=Report.ArchiveReason.choices, required=False)
    duplicate_of = serializers.CharField(max_length=20, required=False, help_text="Tracking number of the original.")
    stage = serializers.ChoiceField(choices=ReportEvent.Stage.choices, required=False)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate_duplicate_of(self, value):
        number = value.strip().upper()
        report, user = self.context["report"], self.context["request"].user
        original = report_services.staff_reports(user).filter(tracking_number=number).exclude(pk=report.pk).first()
        if original is None:
            raise serializers.ValidationError(_("Laporan %(number)s tidak ditemukan.") % {"number": number})
        return original

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        required, _optional = ACTION_FIELDS.get(self.context.get("action"), ((), ()))
        for name in required:  # what this action needs, reported with every other invalid field at once
            field = self.fields[name]
            field.required = True
            if hasattr(field, "allow_blank"):
                field.allow_blank = False
            if hasattr(field, "allow_empty"):
                field.allow_empty = False

    def workflow_data(self) -> dict:
        """Only what the caller sent, as ``workflow.perform`` keyword arguments."""
        skip = ("version", "disposition")
        return {k: v for k, v in self.validated_data.items() if k not in skip and v not in (None, "", [])}


class ActionResultSerializer(serializers.Serializer):
    event = EventSerializer()
    report = ReportSerializer()


class ReportFilterSerializer(serializers.Serializer):
    """Query parameters of ``GET /reports/``."""

    state = serializers.ChoiceField(choices=Report.State.choices, required=False, help_text="Internal state.")
    public_status = serializers.ChoiceField(
        choices=PUBLIC_STATUS_CODES, required=False, help_text="LAPOR! public status (groups internal states)."
    )
    type = serializers.ChoiceField(choices=Report.Type.choices, required=False)
    privacy = serializers.ChoiceField(choices=Report.Privacy.choices, required=False)
    channel = serializers.ChoiceField(choices=Report.Channel.choices, required=False)
    category = serializers.SlugField(required=False, help_text="Category slug.")
    region = serializers.CharField(
        required=False, validators=[REGION_CODE], help_text="Region code: that region and every region below it."
    )
    agency = IdField(required=False, help_text="Id of an agency the report was dispatched to.")
    admin_agency = IdField(required=False, help_text="Id of the government verifying the report.")
    created_after = MomentField(
        required=False, help_text="ISO 8601 date or date-time, inclusive, between 1900-01-01 and 2999-12-31."
    )
    created_before = MomentField(
        required=False, help_text="ISO 8601 date or date-time, exclusive, between 1900-01-01 and 2999-12-31."
    )
    q = serializers.CharField(required=False, max_length=200, help_text="Text search (title, content, address).")
    overdue = serializers.BooleanField(required=False, help_text="Only reports with a deadline passed.")

    def validate(self, data):
        after, before = data.get("created_after"), data.get("created_before")
        if after and before and after >= before:
            raise serializers.ValidationError({"created_before": [_("Harus setelah created_after.")]})
        return data


# --- reference data --------------------------------------------------------------------------------------------


@extend_schema_field({"oneOf": [{"type": "string", "format": "email"}, {"type": "string", "enum": [""]}]})
class EmailOrBlankField(serializers.CharField):
    """An e-mail address, or "" when none is recorded (the schema said ``format: email`` and "" broke it)."""


@extend_schema_field({"oneOf": [{"type": "string", "format": "uri"}, {"type": "string", "enum": [""]}]})
class UriOrBlankField(serializers.CharField):
    """A URL, or "" when none is recorded."""


class AgencySerializer(serializers.ModelSerializer):
    email = EmailOrBlankField(read_only=True)
    website = UriOrBlankField(read_only=True)
    phone = serializers.SerializerMethodField()
    home_region = serializers.CharField(source="home_region_id", allow_null=True, read_only=True)
    regions = serializers.SerializerMethodField()
    is_oversight = serializers.BooleanField(read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "slug",
            "name",
            "short_name",
            "kind",
            "level",
            "parent",
            "home_region",
            "regions",
            "email",
            "phone",
            "address",
            "website",
            "open_24_7",
            "is_oversight",
        ]
        read_only_fields = fields

    def get_phone(self, agency) -> str:
        return agency.phone.as_e164 if agency.phone else ""

    def get_regions(self, agency) -> list[str]:
        """Codes of the regions served (each with every region below it)."""
        return [region.code for region in agency.regions.all()]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "timezone"]
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    default_agencies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["id", "slug", "name", "parent", "description", "default_agencies"]
        read_only_fields = fields


class ServiceSerializer(serializers.ModelSerializer):
    """A service of the catalogue with the six delivery components of its standard (Permen PANRB 15/2014)."""

    agency = AgencyRefSerializer()
    categories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    cost_amount = serializers.DecimalField(max_digits=14, decimal_places=0, coerce_to_string=False)
    is_free = serializers.BooleanField(read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "code",
            "name",
            "description",
            "agency",
            "categories",
            "requirements",
            "procedure",
            "time_value",
            "time_unit",
            "cost_amount",
            "cost_note",
            "is_free",
            "product",
            "complaint_handling",
            "is_published",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields


class AgencyFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Agency.Kind.choices, required=False)
    level = serializers.ChoiceField(choices=Agency.Level.choices, required=False)
    parent = IdField(required=False, help_text="Id of the parent agency (its direct units).")
    region = serializers.CharField(
        required=False, validators=[REGION_CODE], help_text="Agencies serving this region (or a region above it)."
    )
    q = serializers.CharField(required=False, max_length=100, help_text="Part of the name or short name.")


class RegionFilterSerializer(serializers.Serializer):
    parent = serializers.CharField(
        required=False, validators=[REGION_CODE], help_text="Code of the parent: its direct children."
    )
    level = serializers.ChoiceField(choices=Region.Level.choices, required=False)
    code = serializers.CharField(
        required=False, validators=[REGION_CODE], help_text="Code prefix: that region and every region below it."
    )
    q = serializers.CharField(required=False, max_length=100, help_text="Part of the name.")


class ServiceFilterSerializer(serializers.Serializer):
    agency = IdField(required=False)
    category = serializers.SlugField(required=False)
    q = serializers.CharField(required=False, max_length=100)


# --- statistics ------------------------------------------------------------------------------------------------


class StatisticsFilterSerializer(serializers.Serializer):
    period = serializers.CharField(
        required=False, help_text="A quarter (2026-Q3) or a month (2026-07); default: the current quarter."
    )
    admin_agency = IdField(required=False, help_text="Only the reports verified by this government (id).")


class CountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class AgencyCountSerializer(serializers.Serializer):
    agency = AgencyRefSerializer()
    count = serializers.IntegerField()


class PeriodSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=["month", "quarter"])
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="The first day after the period.")


class ReportCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_public_status = CountSerializer(many=True)
    by_channel = CountSerializer(many=True)
    by_agency = AgencyCountSerializer(many=True, help_text="Reports dispatched to each agency in the period.")


class ResponderRowSerializer(serializers.Serializer):
    """One row of the non-responders report, as ``layan.deadlines.stats.compute`` makes it."""

    rank = serializers.IntegerField()
    name = serializers.CharField()
    agency_id = serializers.IntegerField(required=False)
    short_name = serializers.CharField(required=False)
    region_code = serializers.CharField(required=False)
    received = serializers.IntegerField()
    on_time_pct = serializers.FloatField(allow_null=True)
    first_response_median_h = serializers.FloatField(allow_null=True)
    first_response_p90_h = serializers.FloatField(allow_null=True)
    resolution_median_h = serializers.FloatField(allow_null=True)
    resolution_p90_h = serializers.FloatField(allow_null=True)
    overdue_now = serializers.IntegerField()
    never_answered = serializers.IntegerField()
    reopen_rate_pct = serializers.FloatField(allow_null=True)
    avg_rating = serializers.FloatField(allow_null=True)
    non_responder = serializers.BooleanField()


class NonRespondersSerializer(serializers.Serializer):
    source = serializers.ChoiceField(
        choices=["live", "published"],
        help_text="live: computed now within the caller's stats.view scope; published: the snapshot an "
        "administrator published for the public.",
    )
    as_of = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    agencies = ResponderRowSerializer(many=True)
    regions = ResponderRowSerializer(many=True)


class StatisticsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    reports = ReportCountsSerializer()
    non_responders = NonRespondersSerializer(allow_null=True)
