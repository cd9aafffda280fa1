"""``layan sla-sweep``: run the deadline sweep once and print what it did (cron-friendly; idempotent)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from layan.deadlines.ladder import escalation_enabled
from layan.deadlines.sweep import BATCH_SIZE, due_clocks, sweep


class Command(BaseCommand):
    help = "Jalankan pemeriksaan tenggat: pengingat, eskalasi, dan penutupan otomatis laporan."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="jumlah tenggat per transaksi")
        parser.add_argument("--dry-run", action="store_true", help="hanya hitung tenggat yang jatuh tempo")
        parser.add_argument("--now", help="waktu pemeriksaan (ISO 8601), untuk uji dan pemulihan")

    def handle(self, *args, batch_size, dry_run, now, **options):
        moment = None
        if now:
            try:
                moment = dt.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(_("Format waktu tidak dikenal: %(value)s") % {"value": now}) from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        if dry_run:
            count = due_clocks(moment or timezone.now(), escalation=escalation_enabled()).count()
            self.stdout.write(_("Tenggat jatuh tempo: %(n)s (tidak ada yang diubah).") % {"n": count})
            return
        result = sweep(moment, batch_size=batch_size)
        lines = [
            (_("Tenggat diperiksa"), result.examined),
            (_("Pengingat ke penghubung/admin"), result.reminders),
            (_("Eskalasi ke pimpinan"), result.head_escalations),
            (_("Eskalasi ke pengawas"), result.supervisor_escalations),
            (_("Pengingat ke pelapor"), result.reporter_reminders),
            (_("Ditutup otomatis"), result.auto_closed),
            (_("Dijadwalkan ulang"), result.rescheduled),
            (_("Sudah ditangani proses lain"), result.lost_claims),
            (_("Notifikasi dibuat"), result.notifications),
            (_("Gagal (dicoba lagi nanti)"), result.errors),
        ]
        width = max(len(label) for label, _value in lines)
        for label, value in lines:
            self.stdout.write(f"{label:<{width}}  {value}")
        self.stdout.write(_("Selesai dalam %(s).2f detik.") % {"s": result.seconds})
        if result.errors:
            self.stderr.write(_("%(n)s tenggat gagal diproses; lihat log.") % {"n": result.errors})
