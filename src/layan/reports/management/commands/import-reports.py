"""``layan import-reports FILE``: bring an old system's reports (CSV or XLSX export) into Layan, all or nothing.

``--dry-run`` lists what would be created and skipped and every bad row, changing nothing. Without it, a file with
any bad row imports nothing (exit status 1, the same list); otherwise every new row is imported in one transaction.
Rows imported before (same admin agency, source and ``nomor_lama``) are skipped, so running it again is harmless.
The column format is described on the staff page ``/staf/impor/`` and in ``layan.reports.importer.COLUMNS``.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from layan.core.models import Agency, User
from layan.reports.importer import DEFAULT_SOURCE, FORMATS, ImportFileError, load_table, run_import


class Command(BaseCommand):
    help = "Impor laporan lama dari berkas CSV/XLSX (semua atau tidak sama sekali)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas CSV atau XLSX (baris 1 = nama kolom)")
        parser.add_argument("--dry-run", action="store_true", help="hanya periksa; tidak ada yang disimpan")
        parser.add_argument("--format", choices=FORMATS, help="format berkas (bawaan: dari nama/isi berkas)")
        parser.add_argument(
            "--admin-agency",
            help="kode singkat pemda yang menjadi admin semua laporan (bawaan: menurut wilayah tiap baris)",
        )
        parser.add_argument(
            "--source", default=DEFAULT_SOURCE, help="nama sistem lama; bersama nomor_lama mencegah impor ganda"
        )
        parser.add_argument("--user", help="nama pengguna petugas yang mengimpor (dicatat dan diperiksa wewenangnya)")
        parser.add_argument("--max-errors", type=int, default=200, help="jumlah galat yang dicetak")

    def handle(self, *args, file, dry_run, format, admin_agency, source, user, max_errors, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Berkas tidak ditemukan: %(path)s") % {"path": file})
        agency = self._agency(admin_agency)
        importer = self._user(user)
        source = (source or "").strip()
        if not source or len(source) > 60:
            raise CommandError(_("Sumber impor wajib diisi, paling banyak 60 karakter."))
        started = time.monotonic()
        try:
            table = load_table(path.read_bytes(), path.name, format)
            result = run_import(table, source=source, admin_agency=agency, user=importer, dry_run=dry_run)
        except ImportFileError as exc:
            raise CommandError(str(exc.message)) from None
        check = result.check
        for notice in check.notices:
            self.stdout.write(notice)
        for error in check.errors[:max_errors]:
            column = error.column or "-"
            self.stdout.write(_("Baris %(row)s, kolom %(column)s: %(message)s") % {**error.__dict__, "column": column})
        if check.error_count > max_errors:
            self.stdout.write(_("... dan %(n)s galat lainnya.") % {"n": check.error_count - max_errors})
        counts = {
            "rows": check.total,
            "new": len(check.planned),
            "skipped": len(check.skipped),
            "errors": check.error_count,
            "bad": check.bad_rows,
            "seconds": f"{time.monotonic() - started:.1f}",
        }
        if dry_run:
            self.stdout.write(
                _(
                    "Uji coba: %(rows)s baris; akan dibuat %(new)s, dilewati (sudah pernah diimpor) %(skipped)s, "
                    "galat %(errors)s di %(bad)s baris. Tidak ada yang disimpan."
                )
                % counts
            )
        elif result.imported:
            self.stdout.write(
                _("Diimpor %(new)s laporan, dilewati (sudah pernah diimpor) %(skipped)s, dalam %(seconds)s detik.")
                % counts
            )
        if not check.ok:
            raise CommandError(
                _("%(errors)s galat di %(bad)s baris: tidak ada laporan yang diimpor.") % counts
                if not dry_run
                else _("%(errors)s galat di %(bad)s baris.") % counts
            )

    def _agency(self, slug):
        if not slug:
            return None
        agency = Agency.objects.filter(slug=slug, is_active=True).first()
        if agency is None:
            raise CommandError(_("Instansi “%(slug)s” tidak ada atau tidak aktif.") % {"slug": slug})
        return agency

    def _user(self, username):
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("Pengguna “%(name)s” tidak ada atau tidak aktif.") % {"name": username})
        return user
