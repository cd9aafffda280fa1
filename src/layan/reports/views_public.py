"""Pages for citizens and the public: the report form, the confirmation, tracking, the reporter's own page (by
its secret link), the public list and detail, "Saya juga mengalami", following a report, and attachments.

Every page works without JavaScript; htmx (when loaded) only swaps the region selects of the report form in place.
The reporter's identity is never shown on these pages: the public sees at most "Pelapor: disamarkan".
"""

import os
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from layan.core import ratelimit
from layan.deadlines.models import Step
from layan.deadlines.services import report_clocks

from . import keys, services, workflow
from .attachments import clean_upload, save_attachment
from .forms_public import (
    ACTION_FORMS,
    FollowForm,
    PublicFilterForm,
    ReportForm,
    TrackForm,
    region_labels,
    states_for_status,
)
from .listing import CappedPaginator
from .models import Attachment, PendingUpload, Report, new_secret, secret_digest
from .redact import redact, without_personal_data
from .workflow import Actor, ConcurrentChange, TransitionError

PAGE_SIZE = 25
ACTION_ORDER = ("add_info", "confirm", "reopen", "rate")
REPORT_RELATED = ("region", "category", "admin_agency")


def _private(response):
    """Pages reached by a secret link: never cached, never indexed, never leak the link to another site as a
    referrer. ("no-referrer" would also make browsers send ``Origin: null`` with the page's own forms, which
    Django's CSRF check rightly refuses; "same-origin" keeps the link inside the site.)"""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _report_by_secret(number, secret):
    report = get_object_or_404(Report.objects.select_related(*REPORT_RELATED), tracking_number=number.upper())
    if not keys.matches(report, secret):
        raise Http404
    return report


def _region_label(report):
    return region_labels([report.region]).get(report.region_id, "") if report.region_id else ""


# --- submitting a report ----------------------------------------------------------------------------------------


def _pending_from_post(post) -> list[PendingUpload]:
    """The uploads already kept from an earlier attempt, minus those the citizen ticked to remove."""
    removed = set(post.getlist("remove_upload"))
    tokens = [t for t in post.getlist("pending_upload") if t and t not in removed and len(t) <= 100][:20]
    # found by the digests of the tokens the form carries: the tokens themselves are stored nowhere
    digests = [secret_digest(token) for token in tokens]
    by_digest = {p.token_digest: p for p in PendingUpload.objects.filter(token_digest__in=digests)}
    for token in list(removed)[:20]:
        upload = PendingUpload.objects.filter(token_digest=secret_digest(token[:100])).first()
        if upload is not None:
            _discard(upload)
    kept = []
    for token in dict.fromkeys(tokens):
        upload = by_digest.get(secret_digest(token))
        if upload is not None:
            upload.token = token  # for the form to carry again, on this instance only
            kept.append(upload)
    return kept[: settings.LAYAN_ATTACHMENTS_PER_REPORT]


def _discard(upload: PendingUpload):
    upload.file.delete(save=False)
    upload.delete()


def _keep(cleaned) -> list[PendingUpload]:
    """Store checked uploads (content, type, name from clean_upload) so the form can carry their tokens."""
    kept = []
    for content, content_type, name in cleaned:
        token = new_secret()
        upload = PendingUpload(
            original_name=name, content_type=content_type, size=content.size, token_digest=secret_digest(token)
        )
        upload.file.save(content.name, content, save=False)
        upload.save()
        upload.token = token  # the form carries it; the row keeps only its digest
        kept.append(upload)
    return kept


def _clean_new_uploads(files, room: int):
    """Check each new file; return (cleaned tuples, error messages). ``room`` is how many more may be attached."""
    cleaned, errors = [], []
    for uploaded in files:
        try:
            item = clean_upload(uploaded)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if len(cleaned) >= room:
            errors.append(
                _("Berkas %(name)s tidak dilampirkan: paling banyak %(n)s lampiran per laporan.")
                % {"name": item[2], "n": settings.LAYAN_ATTACHMENTS_PER_REPORT}
            )
            continue
        cleaned.append(item)
    return cleaned, errors


def _as_attachment(upload: PendingUpload):
    with upload.file.open("rb") as handle:
        data = handle.read()
    return ContentFile(data, name=os.path.basename(upload.file.name)), upload.content_type, upload.original_name


def _form_page(request, form, pending, upload_errors=(), status=200):
    limit = settings.LAYAN_ATTACHMENTS_PER_REPORT
    context = {
        "form": form,
        "pending": pending,
        "upload_errors": list(upload_errors),
        "room": max(limit - len(pending), 0),
        "limit": limit,
        "has_errors": form.is_bound and bool(form.errors),
        "type_options": form.radio_options("type"),
        "privacy_options": form.radio_options("privacy"),
    }
    return render(request, "reports/public/submit.html", context, status=status)


def submit(request):
    """The report form (``/lapor/``). GET ``?bagian=wilayah`` from htmx returns only the region fieldset."""
    if request.method != "POST":
        initial = {k: request.GET.get(k) for k in ("kabkota", "kecamatan", "desa", "type") if request.GET.get(k)}
        form = ReportForm(initial=initial)
        if request.GET.get("bagian") == "wilayah" and request.headers.get("HX-Request"):
            return render(request, "reports/public/_region.html", {"form": form})
        return _form_page(request, form, [])

    pending = _pending_from_post(request.POST)
    room = settings.LAYAN_ATTACHMENTS_PER_REPORT - len(pending)
    cleaned, upload_errors = _clean_new_uploads(request.FILES.getlist("attachments"), room)

    if "pilih" in request.POST:  # a parent region was chosen without JavaScript: redraw, keep everything
        initial = {key: value for key, value in request.POST.items() if key not in ("pending_upload", "remove_upload")}
        return _form_page(request, ReportForm(initial=initial), pending + _keep(cleaned), upload_errors)

    form = ReportForm(request.POST, request.FILES)
    form.is_valid()
    for message in upload_errors:
        form.add_error("attachments", message)
    if form.errors:
        return _form_page(request, form, pending + _keep(cleaned), status=400)

    wait = ratelimit.hit(request, "layan_report_form")
    if wait is not None:  # a script sending reports: the page again with everything typed, photos parked
        form.add_error(None, _too_many(wait))
        return _too_many_response(_form_page(request, form, pending + _keep(cleaned), status=429), wait)

    data = form.cleaned_data
    latitude, longitude = form.coordinates()
    new = services.NewReport(
        title=data["title"],
        description=data["description"],
        type=data["type"],
        category=data.get("category"),
        region=data.get("region"),
        address=data.get("address", ""),
        latitude=latitude,
        longitude=longitude,
        occurred_on=data.get("occurred_on"),
        privacy=data["privacy"],
        attachments=[_as_attachment(upload) for upload in pending] + cleaned,
    )
    reporter = services.ReporterInfo(
        name=data.get("name", ""),
        phone=data["phone"].as_e164 if data.get("phone") else "",
        email=data.get("email", ""),
        user=request.user if request.user.is_authenticated else None,
    )
    try:
        report = services.submit_report(new, channel=Report.Channel.WEB, reporter=reporter)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _form_page(request, form, pending + _keep(cleaned), status=400)
    for upload in pending:
        _discard(upload)
    return redirect("reports:submitted", report.tracking_number, report.secret)


def _too_many(seconds: int) -> str:
    minutes = max(round(seconds / 60), 1)
    return _(
        "Terlalu banyak kiriman dari sambungan Anda. Isian Anda tetap tersimpan di halaman ini: "
        "kirim lagi dalam %(minutes)s menit."
    ) % {"minutes": minutes}


def _too_many_response(response, seconds: int):
    response["Retry-After"] = str(seconds)
    return response


def submitted(request, number, secret):
    """The confirmation: the tracking number, the secret link to keep, and what happens next."""
    report = _report_by_secret(number, secret)
    reporter_path = report.reporter_url(secret)
    verification = next(
        (view for view in report_clocks(report, include_stopped=False) if view.clock.step == Step.VERIFICATION), None
    )
    context = {
        "report": report,
        "reporter_path": reporter_path,
        "reporter_link": request.build_absolute_uri(reporter_path),
        "verification": verification,
        "follows_by_email": report.followers.filter(is_reporter=True).exists(),
    }
    return _private(render(request, "reports/public/submitted.html", context))


# --- tracking and the reporter's page ---------------------------------------------------------------------------


def track(request):
    """Enter a tracking number: a public report opens its public page; anything else gets one neutral answer."""
    form = TrackForm(request.GET or None)
    not_found = False
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["nomor"]
        if services.public_reports().filter(tracking_number=number).exists():
            return redirect("reports:public-detail", number)
        not_found = True
    return render(request, "reports/public/track.html", {"form": form, "not_found": not_found})


def _reporter_timeline(report):
    """The public timeline plus the reporter's own additional information (not public)."""
    return services.timeline(report, public_only=False).filter(Q(is_public=True) | Q(action="add_info"))


def _reporter_attachments(report):
    return (
        report.attachments.filter(Q(event__isnull=True) | Q(event__is_public=True) | Q(event__action="add_info"))
        .select_related("event")
        .order_by("pk")
    )


def reporter_page(request, number, secret):
    """The reporter's own view by the secret link: everything public plus their own additions, and their actions."""
    report = _report_by_secret(number, secret)
    actor = Actor(reporter_secret=secret)
    allowed = {t.action for t in workflow.allowed_actions(report, actor)}
    if report.rating is not None or "confirm" in allowed:
        allowed.discard("rate")  # confirming carries its own rating: one rating form on the page, not two
    forms = {name: ACTION_FORMS[name](prefix=name) for name in ACTION_ORDER if name in allowed}
    action_error, status = "", 200

    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTION_FORMS:
            raise Http404
        form = ACTION_FORMS[action](request.POST, request.FILES, prefix=action)
        forms[action] = form
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1  # a form without its version cannot prove it saw the current report
        if form.is_valid():
            try:
                _perform_reporter_action(report, action, actor, version, form, request.FILES)
            except ConcurrentChange as exc:
                action_error = str(exc.message)
            except TransitionError as exc:
                action_error = str(exc.message)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, SUCCESS_MESSAGES[action])
                return redirect(report.reporter_url(secret))
            report.refresh_from_db()
        status = 409 if action_error else 400
        forms = {name: forms[name] for name in ACTION_ORDER if name in forms}

    last_pend = None
    if report.state == Report.State.TERTUNDA:
        last_pend = report.events.filter(action="pend").order_by("-created_at", "-pk").first()
    context = {
        "report": report,
        "secret": secret,
        "region_label": _region_label(report),
        "clocks": report_clocks(report),
        "events": _reporter_timeline(report),
        "attachments": _reporter_attachments(report),
        "actions": [(name, form, *ACTION_TEXTS[name]) for name, form in forms.items()],
        "action_error": action_error,
        "last_pend": last_pend,
        # what the reporter is asked to do comes first; adding information otherwise follows the report
        "actions_first": report.state in (Report.State.TERTUNDA, Report.State.SELESAI, Report.State.DITUTUP),
        "posted_action": request.POST.get("action", "") if request.method == "POST" else "",
        "original_text": True,  # the reporter reads their own text as written (public pages mask NIK, phone, e-mail)
    }
    return _private(render(request, "reports/public/reporter.html", context, status=status))


SUCCESS_MESSAGES = {
    "add_info": gettext_lazy("Informasi tambahan Anda sudah terkirim kepada petugas."),
    "confirm": gettext_lazy("Terima kasih. Laporan Anda telah dikonfirmasi selesai."),
    "reopen": gettext_lazy("Laporan dibuka kembali dan dikirim lagi kepada instansi yang menangani."),
    "rate": gettext_lazy("Terima kasih atas penilaian Anda."),
}

# (heading, explanation, button) of each reporter action on the reporter's page
ACTION_TEXTS = {
    "add_info": (
        gettext_lazy("Tambah informasi"),
        gettext_lazy("Lengkapi laporan Anda, misalnya dengan lokasi yang lebih tepat atau foto baru."),
        gettext_lazy("Kirim informasi"),
    ),
    "confirm": (
        gettext_lazy("Sudah selesai?"),
        gettext_lazy(
            "Instansi menyatakan tindak lanjut sudah selesai. Jika masalah Anda memang sudah beres, konfirmasi di sini."
        ),
        gettext_lazy("Ya, laporan sudah selesai"),
    ),
    "reopen": (
        gettext_lazy("Belum selesai?"),
        gettext_lazy("Jika masalahnya belum beres, jelaskan apa yang belum selesai. Laporan akan dibuka kembali."),
        gettext_lazy("Buka kembali laporan"),
    ),
    "rate": (
        gettext_lazy("Beri penilaian"),
        gettext_lazy("Seberapa puas Anda dengan penanganan laporan ini?"),
        gettext_lazy("Kirim penilaian"),
    ),
}


def _perform_reporter_action(report, action, actor, version, form, files):
    data = form.workflow_data()
    cleaned = []
    if action == "add_info":
        existing = report.attachments.filter(by_staff=False).count()
        room = max(settings.LAYAN_ATTACHMENTS_PER_REPORT - existing, 0)
        cleaned, errors = _clean_new_uploads(files.getlist(f"{action}-attachments"), room)
        if errors:
            raise ValidationError(errors)
    event = workflow.perform(report, action, actor, version=version, **data)
    for content, content_type, name in cleaned:
        save_attachment(report, content, content_type, name, event=event)


# --- public list and detail -------------------------------------------------------------------------------------


def public_list(request):
    form = PublicFilterForm(request.GET or None)
    reports = services.public_reports().select_related("region", "category").order_by("-created_at", "-pk")
    filtered = False
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        if data.get("status"):
            reports = reports.filter(state__in=states_for_status(data["status"]))
        if data.get("type"):
            reports = reports.filter(type=data["type"])
        if data.get("kategori"):
            reports = reports.filter(category__slug=data["kategori"])
        if data.get("wilayah"):
            code = data["wilayah"]
            reports = reports.filter(Q(region__code=code) | Q(region__code__startswith=code + "."))
        if data.get("kanal"):
            reports = reports.filter(channel=data["kanal"])
        if data.get("q"):  # never by someone's NIK, phone or e-mail: that would tell which report names them
            words = without_personal_data(data["q"])
            reports = services.search(reports, words) if words else reports.none()
        filtered = form.is_filtered
    page = CappedPaginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = region_labels([r.region for r in page.object_list if r.region_id])
    for report in page.object_list:
        report.region_label = labels.get(report.region_id, "")
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    context = {"form": form, "page": page, "query": query, "filtered": filtered}
    return render(request, "reports/public/list.html", context)


def _public_report(number):
    return get_object_or_404(services.public_reports().select_related(*REPORT_RELATED), tracking_number=number.upper())


def _public_attachments(report):
    return report.attachments.filter(Q(event__isnull=True) | Q(event__is_public=True)).order_by("pk")


def _merged_public_report(number):
    """A public report an admin merged into another one as its duplicate (``layan.routing``): its page stays, to
    point to the report that goes on, as long as that one is public."""
    report = (
        Report.objects.select_related(*REPORT_RELATED, "duplicate_of")
        .filter(tracking_number=number.upper(), state=Report.State.ARSIP, archive_reason=Report.ArchiveReason.DUPLIKAT)
        .exclude(privacy=Report.Privacy.RAHASIA)
        .filter(held_for_review=False, published_at__isnull=False)  # public() but for the archiving
        .first()
    )
    if report is None or not services.public_reports().filter(pk=report.duplicate_of_id).exists():
        return None
    return report


def _detail_page(request, report, follow_form=None, status=200):
    supported = report.pk in request.session.get("layan_supported", [])
    context = {
        "merged_into": report.duplicate_of if report.state == Report.State.ARSIP else None,
        "report": report,
        "region_label": _region_label(report),
        "events": services.timeline(report, public_only=True).select_related("agency"),
        "attachments": _public_attachments(report),
        "clocks": report_clocks(report, include_stopped=False),
        "follow_form": follow_form or FollowForm(),
        "supported": supported,
        "original_text": False,  # the public reads citizens' text with NIK, phone numbers and e-mails masked
    }
    return render(request, "reports/public/detail.html", context, status=status)


def public_detail(request, number):
    report = services.public_reports().select_related(*REPORT_RELATED).filter(tracking_number=number.upper()).first()
    report = report or _merged_public_report(number)
    if report is None:
        raise Http404
    return _detail_page(request, report)


def _supporter_key(request) -> str:
    """One "Saya juga mengalami" per browser session: a random id kept in the session (it survives the session
    key changing at login, so logging in does not count twice)."""
    key = request.session.get("layan_supporter")
    if not key:
        key = request.session["layan_supporter"] = secrets.token_hex(16)
    if not request.session.session_key:
        request.session.save()
    return f"session:{key}"


@require_POST
def support(request, number):
    report = _public_report(number)
    if services.add_support(report, _supporter_key(request)):
        messages.success(request, _("Terima kasih. Dukungan Anda sudah dihitung."))
    else:
        messages.info(request, _("Anda sudah menyatakan mengalami hal yang sama untuk laporan ini."))
    supported = request.session.get("layan_supported", [])
    if report.pk not in supported:
        request.session["layan_supported"] = (supported + [report.pk])[-200:]
    return redirect(reverse("reports:public-detail", args=[report.tracking_number]) + "#dukung")


@require_POST
def follow(request, number):
    report = _public_report(number)
    form = FollowForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, report, follow_form=form, status=400)
    # each request mails a confirmation link: limited per client and per address (10 requests once queued 10
    # e-mails to one inbox)
    address = ratelimit.hashed(form.cleaned_data["email"])
    wait = ratelimit.first_hit(request, ("layan_follow", None), ("layan_follow_address", address))
    if wait is not None:
        form.add_error(None, _too_many(wait))
        return _too_many_response(_detail_page(request, report, follow_form=form, status=429), wait)
    services.follow(report, form.cleaned_data["email"])
    messages.success(
        request,
        _("Kami mengirim tautan konfirmasi ke %(email)s. Buka tautan itu untuk mulai menerima kabar laporan ini.")
        % {"email": form.cleaned_data["email"]},
    )
    return redirect(reverse("reports:public-detail", args=[report.tracking_number]) + "#ikuti")


def follow_confirm(request, number, token):
    """The link from the confirmation email: from now on this address hears of every public update."""
    report = _public_report(number)
    if services.confirm_follow(report, token) is None:
        raise Http404
    messages.success(request, _("Terima kasih. Anda akan menerima kabar perkembangan laporan ini."))
    return redirect(reverse("reports:public-detail", args=[report.tracking_number]))


# --- attachments ------------------------------------------------------------------------------------------------


def _attachment_reader(request, attachment) -> str | None:
    """Who is asking, if they may see it: ``reporter`` (by their secret), ``staff`` (who may read the report) or
    ``public`` (exactly when ``Attachment.is_public``: its report published, not confidential, archived or held
    by the abuse screen, and the attachment not part of a non-public update); None otherwise."""
    report = attachment.report
    event = attachment.event
    key = request.GET.get("k", "")
    if key and keys.matches(report, key):
        return "reporter" if event is None or event.is_public or event.action == "add_info" else None
    user = request.user
    if user.is_authenticated and workflow.can_view(user, report):
        return "staff"
    return "public" if attachment.is_public else None


def attachment(request, public_id):
    """Serve a stored attachment to those who may see it, addressed by its random public id (the sequential
    primary key is never in a URL). Nothing served can run: images were re-encoded to pixels only and stay inline
    (so they show in the page and open in the browser's image viewer), PDFs were re-rendered as images
    (``attachments.sanitise_pdf``) and are a download; every answer forbids sniffing and runs sandboxed with no
    sources allowed, should a browser ever try to render it as a document."""
    item = get_object_or_404(Attachment.objects.select_related("report", "event"), public_id=public_id)
    reader = _attachment_reader(request, item)
    if reader is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # the file's name may carry a NIK or a phone number ("KTP_3578....jpg"): masked unless staff or the reporter
    name = redact(item.original_name) if reader == "public" else item.original_name
    response = FileResponse(handle, as_attachment=not item.is_image, filename=name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    if reader == "public":
        response["Cache-Control"] = "public, max-age=600"
    else:
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
    return response
