"""Intake and queries of reports. One intake for every channel: web form, call centre, API, Open311,
WhatsApp/SMS/Telegram/email all end in :func:`submit_report`."""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import Expression
from django.utils import timezone
from django.utils.translation import gettext as _

from layan.core import permissions, pii
from layan.core.models import Agency, Citizen, Region
from layan.deadlines import services as clocks
from layan.deadlines.models import Clock, Step

from .attachments import save_attachment
from .models import TRACKING_ALPHABET, Category, Disposition, Follower, Report, ReportEvent, Support, secret_digest


@dataclass
class ReporterInfo:
    name: str = ""
    phone: str = ""
    email: str = ""
    nik: str = ""
    user: object = None


@dataclass
class NewReport:
    title: str
    description: str
    type: str = Report.Type.PENGADUAN
    category: Category | None = None
    region: Region | None = None
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    occurred_on: dt.date | None = None
    privacy: str = Report.Privacy.PUBLIC
    service_name: str = ""
    admin_agency: Agency | None = None
    attachments: list = field(default_factory=list)  # (ContentFile, content_type, original name) from clean_upload


def admin_agency_for(region: Region | None) -> Agency:
    """The government whose admin desk verifies a report from ``region``: the most local regional government
    (pemda) serving it, else the configured or first provincial one."""
    if region is not None:
        # with its home region: the verification clock's calendar reads it next
        served = Agency.regions.through.objects.filter(
            region_id__in=region.ancestor_codes, agency__is_active=True, agency__kind=Agency.Kind.PEMDA
        ).select_related("agency__home_region")
        # the pemda serving the nearest region above the report's place (longest code) is the most local one
        nearest = max(served, key=lambda row: (len(row.region_id), -row.agency_id), default=None)
        if nearest is not None:
            return nearest.agency
    fallback = Agency.objects.filter(is_active=True, kind=Agency.Kind.PEMDA).order_by("level", "pk")
    slug = getattr(settings, "LAYAN_DEFAULT_ADMIN_AGENCY", "")
    agency = (fallback.filter(slug=slug).first() if slug else None) or fallback.first()
    if agency is None:
        raise ValidationError(_("Belum ada pemerintah daerah yang menerima laporan. Hubungi administrator."))
    return agency


def citizen_for_report(info: ReporterInfo, *, anonymous: bool = False) -> Citizen | None:
    """The reporter's record for one new report.

    A phone number or e-mail typed on a form, sent by an API client or read from a channel proves nothing about
    who someone is, so it never attaches the report to an existing person: every report gets a record of its own
    (two reports from one number are two records; the call-centre lookup finds both through the phone's blind
    index). Only a logged-in citizen's own account is proof, and their non-anonymous reports share its record.
    An anonymous report is never tied to an account, and its record holds only what sends updates (phone,
    e-mail): no name, no NIK."""
    if not (info.name or info.phone or info.email or info.user):
        return None
    if anonymous and not (info.phone or info.email):
        return None  # nothing to send updates to: nothing kept
    user = info.user if getattr(info.user, "is_authenticated", False) else None
    citizen = None
    if user is not None and not anonymous:
        citizen = Citizen.objects.filter(user=user).first()
    if citizen is None:
        citizen = Citizen(user=None if anonymous else user)
    for name in ("phone", "email") if anonymous else ("name", "phone", "email", "nik"):
        value = getattr(info, name)
        if value and not getattr(citizen, name):
            setattr(citizen, name, value)
    citizen.full_clean(exclude=["user"])
    citizen.save()
    return citizen


@transaction.atomic
def submit_report(
    new: NewReport,
    *,
    channel: str = Report.Channel.WEB,
    reporter: ReporterInfo | None = None,
    entered_by=None,
    at: dt.datetime | None = None,
    notify: bool = True,
) -> Report:
    """Store a new report, start its verification clock and record the first timeline entry.

    The returned report carries ``secret``: the key of the reporter's secret link, to show this once. It is not
    a field: only its digest is stored (:mod:`layan.reports.keys`), so a report read back has no ``secret``.

    ``notify=False`` is for history brought over from an old system (``layan.reports.importer``): nobody is told
    today of a report made years ago."""
    at = at or timezone.now()
    if not new.title.strip() or not new.description.strip():
        raise ValidationError(_("Judul dan isi laporan wajib diisi."))
    if len(new.attachments) > settings.LAYAN_ATTACHMENTS_PER_REPORT:
        raise ValidationError(_("Paling banyak %(n)s lampiran.") % {"n": settings.LAYAN_ATTACHMENTS_PER_REPORT})
    anonymous = new.privacy == Report.Privacy.ANONIM
    citizen = citizen_for_report(reporter, anonymous=anonymous) if reporter else None
    report = Report(
        type=new.type,
        title=new.title.strip(),
        description=new.description.strip(),
        category=new.category,
        region=new.region,
        address=new.address,
        latitude=new.latitude,
        longitude=new.longitude,
        occurred_on=new.occurred_on,
        privacy=new.privacy,
        service_name=new.service_name,
        channel=channel,
        reporter=citizen,
        entered_by=entered_by,
        admin_agency=new.admin_agency or admin_agency_for(new.region),
        created_at=at,
        # public at once only where the deployment says so; otherwise once an admin verified it (workflow)
        published_at=at if settings.LAYAN_PUBLISH_ON_SUBMIT and channel != Report.Channel.IMPORT else None,
    )
    for _attempt in range(5):  # a clash of random tracking numbers is astronomically rare, but handled
        try:
            with transaction.atomic():
                report.save()
            break
        except IntegrityError:
            report.pk = None
            report.tracking_number = Report._meta.get_field("tracking_number").default()
    else:
        raise IntegrityError("could not allocate a tracking number")
    clock = clocks.start_clock(report, Step.VERIFICATION, report.admin_agency, at=at, replace=False)
    note = _("Laporan diterima melalui %(channel)s.") % {"channel": report.get_channel_display()}
    event = ReportEvent.objects.create(
        report=report,
        action="submit",
        actor=entered_by,
        actor_kind="reporter" if not entered_by else "intake",
        to_state=report.state,
        note=note,
        is_public=True,
        clock_effect="start:verification",
        deadline_at=clock.due_at,
        created_at=at,
    )
    for content, content_type, name in new.attachments:
        save_attachment(report, content, content_type, name, event=event)
    from .keys import mint

    # the key of the link shown once on the confirmation (or returned once by the API); only its digest is stored,
    # the key itself lives on this instance alone
    report.secret = mint(report, "intake")
    if reporter and reporter.email:  # the reporter hears of every public update, anonymous or not
        email = pii.normalise_email(reporter.email)
        Follower.objects.update_or_create(
            report=report,
            email_index=pii.email_index(email),
            defaults={"email": email, "is_reporter": True, "confirmed": True},
        )
    if notify:
        from .notifications import queue_notifications

        queue_notifications(event)
    if channel != Report.Channel.IMPORT:  # abuse screen, duplicates, suggestion, auto-dispatch (layan.routing)
        from layan.routing.services import on_report_submitted

        on_report_submitted(report, at=at)
    return report


# --- reading ---------------------------------------------------------------------------------------------------


def public_reports():
    """Reports the public may see: ``Report.objects.public()``, the one rule (published, not confidential, not
    archived, not held back by the abuse screen)."""
    return Report.objects.public()


def staff_reports(user):
    """Reports a staff member may read: those of their admin agencies and those dispatched to their agencies."""
    scope = permissions.agency_scope(user, permissions.REPORT_VIEW)
    if scope is permissions.EVERYTHING:
        return Report.objects.all()
    if not scope:
        return Report.objects.none()
    # EXISTS, not "pk IN (subquery)": under an OR PostgreSQL cannot turn the subquery into a join, and once its
    # rows (every disposition to a city's agencies) outgrow work_mem it rescans them for every report (minutes)
    in_scope = permissions.in_agencies
    dispatched = Exists(Disposition.objects.filter(in_scope("agency_id", scope), report=OuterRef("pk")))
    return Report.objects.filter(in_scope("admin_agency_id", scope) | dispatched)


def reporter_visible_to(user, report: Report) -> bool:
    """Whether ``user`` may see who reported: the rule of ``permissions.can_see_reporter`` (never for anonymous
    reports; otherwise only the staff who handle it, never oversight or the system administrator as such)."""
    return permissions.can_see_reporter(user, report)


def content_visible(user, report: Report, *, is_reporter=False) -> bool:
    """The report's text and attachments: public unless confidential (rahasia), then only the handling staff."""
    if is_reporter or report.privacy != Report.Privacy.RAHASIA:
        return True
    from .workflow import can_view

    return user is not None and user.is_authenticated and can_view(user, report)


class StoredSearchVector(Expression):
    """The report's stored ``search_tsv`` column (PostgreSQL, migration 0009), under whatever alias the query gives
    the report table (a subquery calls it U0)."""

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_tsv", []


TRACKING_NUMBER = re.compile(rf"^[{TRACKING_ALPHABET}]{{4}}-[{TRACKING_ALPHABET}]{{4}}$")
SEARCH_FIELDS = ("title", "description", "address")  # what the text search reads (see the GIN index on PostgreSQL)


def search(queryset, text: str):
    text = (text or "").strip()
    if not text:
        return queryset
    from django.db import connection

    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVectorField

        # the stored vector of the SEARCH_FIELDS (migration 0009, not a model field: SQLite has none) and its GIN
        # index; tracking numbers are stored in capitals, so an exact match on the capitalised text finds them too
        return queryset.annotate(_search=StoredSearchVector(output_field=SearchVectorField())).filter(
            Q(_search=SearchQuery(text, config="simple", search_type="websearch")) | Q(tracking_number=text.upper())
        )
    if TRACKING_NUMBER.match(text.upper()):  # a tracking number: found by its unique index, no text scan
        return queryset.filter(tracking_number=text.upper())
    condition = Q(tracking_number__iexact=text.upper())
    words = Q()
    for word in text.split()[:8]:
        words &= Q(title__icontains=word) | Q(description__icontains=word) | Q(address__icontains=word)
    return queryset.filter(condition | words)


def overdue_report_ids():
    return Clock.objects.filter(status=Clock.Status.RUNNING, due_at__lt=timezone.now()).values("report_id")


def overdue_now():
    """ "Has a running clock past its deadline", as a condition on reports (EXISTS: its negation stays an
    anti-join, where NOT IN over a hundred thousand overdue clocks would not)."""
    return Exists(Clock.objects.filter(report=OuterRef("pk"), status=Clock.Status.RUNNING, due_at__lt=timezone.now()))


def caller_query(query: str) -> tuple[str, str]:
    """(kind, normalised value) of a caller lookup: ("nomor", tracking number), ("telepon", E.164) or ("", "")."""
    from phonenumber_field.phonenumber import to_python

    query = (query or "").strip()
    if not query:
        return "", ""
    phone = to_python(query, region="ID")
    if phone and phone.is_valid():
        return "telepon", phone.as_e164
    return "nomor", query.upper()


def find_for_caller(query: str, user):
    """Call centre lookup: by tracking number (the reports ``user`` may read, or those of the governments whose
    callers they serve), or by the caller's phone number (only reports whose admin agency, the reporter's own
    government, is in ``permissions.caller_lookup_scope``: its call centre and platform admins)."""
    kind, value = caller_query(query)
    if not kind:
        return Report.objects.none()
    own_government = permissions.in_agencies("admin_agency_id", permissions.caller_lookup_scope(user))
    by_number = Report.objects.filter(tracking_number__iexact=query.strip().upper())
    by_number = by_number.filter(own_government | Q(pk__in=staff_reports(user).values("pk")))
    if kind == "telepon":
        # Never by phone for anonymous reports: that would tell the officer who made them.
        # through the phone's blind index: the stored number is encrypted (layan.core.pii)
        by_phone = Report.objects.filter(reporter__phone_index=pii.phone_index(value)).exclude(
            privacy=Report.Privacy.ANONIM
        )
        return by_number | by_phone.filter(own_government)
    return by_number


def add_support(report: Report, key: str) -> bool:
    """ "Saya juga mengalami": count one per key (session or citizen); returns False if already counted."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    try:
        with transaction.atomic():
            Support.objects.create(report=report, key=digest)
    except IntegrityError:
        return False
    Report.objects.filter(pk=report.pk).update(support_count=F("support_count") + 1)
    report.refresh_from_db(fields=["support_count"])
    return True


def follow(report: Report, email: str) -> Follower:
    """Ask to follow a report: nothing is sent but one confirmation email until its link is opened (double
    opt-in), so nobody can subscribe someone else's address to a stream of updates."""
    email = pii.normalise_email(email)  # found again through its blind index: the stored address is encrypted
    follower, _created = Follower.objects.get_or_create(
        report=report, email_index=pii.email_index(email), defaults={"email": email}
    )
    if not follower.confirmed:
        from .tasks import send_follow_confirmation

        follower_id = follower.pk
        transaction.on_commit(lambda: send_follow_confirmation.enqueue(follower_id))
    return follower


def confirm_follow(report: Report, token: str) -> Follower | None:
    """The follower whose confirmation link carries ``token`` (found by its digest: the key is stored nowhere)."""
    if not token or len(token) > 100:
        return None
    follower = Follower.objects.filter(report=report, token_digest=secret_digest(token)).first()
    if follower is not None and not follower.confirmed:
        follower.confirmed = True
        follower.save(update_fields=["confirmed"])
    return follower


def timeline(report: Report, *, public_only: bool):
    events = report.events.select_related("actor", "agency").prefetch_related("attachments")
    return events.filter(is_public=True) if public_only else events
