"""The import page for admins (``/staf/impor/``): upload an old system's export, read the dry run (every bad row
and why), then confirm; the result lists the new reports.

The file checked is the file imported: the upload is kept in a temporary store under the user's id and the file's
SHA-256, the session remembers it for this user only, and the confirmation names the hash and is refused unless
the stored file still has it. Works without JavaScript; the rules live in ``layan.reports.importer``.
"""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from layan.core import permissions

from . import importer
from .forms_import import ImportUploadForm, admin_agencies_for
from .views_staff import _context

STORE = "impor-sementara"
PENDING_KEY = "layan_import_pending"
RESULT_KEY = "layan_import_result"
ERRORS_PER_PAGE = 100
LISTED = 200  # new or skipped reports listed by number; the counts cover the rest


def _require_importer(user):
    if not permissions.has_perm(user, permissions.REPORT_VERIFY):
        raise PermissionDenied


def _path(user, digest: str, fmt: str) -> str:
    return f"{STORE}/{user.pk}/{digest}.{fmt}"


def _forget_files(user, keep: str = "") -> None:
    """Keep at most the file being worked on: an abandoned upload is removed at the user's next one."""
    folder = f"{STORE}/{user.pk}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        if f"{folder}/{name}" != keep:
            default_storage.delete(f"{folder}/{name}")


def _keep_upload(request, content: bytes, name: str, fmt: str, form) -> str:
    digest = hashlib.sha256(content).hexdigest()
    path = _path(request.user, digest, fmt)
    _forget_files(request.user, keep=path)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content))
    request.session[PENDING_KEY] = {
        digest: {
            "name": name[:200],
            "fmt": fmt,
            "agency": form.cleaned_data["admin_agency"].pk,
            "source": form.cleaned_data["source"],
        }
    }
    return digest


def _pending(request, digest: str):
    """The upload this user checked, exactly as checked: (its session entry, its bytes, its admin agency)."""
    entry = request.session.get(PENDING_KEY, {}).get(digest)
    if entry is None:
        raise Http404
    path = _path(request.user, digest, entry["fmt"])
    try:
        with default_storage.open(path, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    if hashlib.sha256(content).hexdigest() != digest:
        raise Http404
    agency = admin_agencies_for(request.user).filter(pk=entry["agency"]).first()
    if agency is None:  # the user's rights changed since the upload
        raise PermissionDenied
    return entry, content, agency


@login_required
def upload(request):
    user = request.user
    _require_importer(user)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            fmt = importer.guess_format(upload.name, content)
            try:
                importer.load_table(content, upload.name, fmt)
            except importer.ImportFileError as exc:
                form.add_error("file", str(exc.message))
            else:
                digest = _keep_upload(request, content, upload.name, fmt, form)
                return redirect("reports:import-check", digest=digest)
    else:
        form = ImportUploadForm(user=user)
    context = _context(request, "import", form=form, columns=importer.COLUMNS)
    return render(request, "reports/staff/import.html", context, status=400 if form.errors else 200)


@login_required
def template(request):
    _require_importer(request.user)
    response = HttpResponse("\ufeff" + importer.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="templat-impor-laporan.csv"'
    return response


@login_required
def check(request, digest):
    """GET: the dry run of the uploaded file. POST: import it (all or nothing); with errors, the same page again."""
    user = request.user
    _require_importer(user)
    entry, content, agency = _pending(request, digest)
    try:
        table = importer.load_table(content, entry["name"], entry["fmt"])
    except importer.ImportFileError as exc:  # it was readable at upload; a changed reader would land here
        raise Http404(str(exc.message)) from None
    dry_run = request.method != "POST"
    result = importer.run_import(table, source=entry["source"], admin_agency=agency, user=user, dry_run=dry_run)
    if result.imported:
        request.session.pop(PENDING_KEY, None)
        _forget_files(user)
        request.session[RESULT_KEY] = {
            "name": entry["name"],
            "agency": agency.name,
            "source": entry["source"],
            "created": len(result.created),
            "skipped": len(result.check.skipped),
            "numbers": [c.tracking_number for c in result.created[:LISTED]],
        }
        return redirect("reports:import-result")
    page = Paginator(result.check.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = _context(
        request,
        "import",
        entry=entry,
        agency=agency,
        digest=digest,
        check=result.check,
        page=page,
        skipped=result.check.skipped[:LISTED],
        attempted=not dry_run,
    )
    return render(request, "reports/staff/import_check.html", context, status=200 if dry_run else 400)


@login_required
def result(request):
    _require_importer(request.user)
    summary = request.session.get(RESULT_KEY)
    if summary is None:
        return redirect(reverse("reports:import"))
    return render(request, "reports/staff/import_result.html", _context(request, "import", summary=summary))


@login_required
@require_POST
def cancel(request, digest):
    """Drop the checked file without importing it."""
    _require_importer(request.user)
    request.session.pop(PENDING_KEY, None)
    _forget_files(request.user)
    return redirect("reports:import")
