"""``layan router ...``: train, evaluate, list, activate and roll back the routing suggestion models.

    layan router train [--target agency|category] [--no-activate]               # from this deployment's history
    layan router train --csv FILE --text-col C --label-col L [--location-cols A B ...] [--target ...]
    layan router evaluate [--csv FILE --text-col C --label-col L ...] [--target ...] [--folds 5]   # JSON
    layan router list [--target ...]
    layan router activate --version N [--target ...]
    layan router rollback [--target ...]
    layan router predict --text "..." [--region CODE]                          # what the active models say

Every training cross-validates first (the figures and the auto-dispatch thresholds are kept on the version),
then trains on all data, stores the file in the default storage and activates it unless ``--no-activate``.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from layan.core.models import User
from layan.routing import duplicates, places, store, training
from layan.routing.models import RouterModel

T = RouterModel.Target


class Command(BaseCommand):
    help = "Model saran perutean: latih, evaluasi, daftar versi, aktifkan, kembalikan versi sebelumnya."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True, metavar="{train,evaluate,list,...}")
        for name, text in (
            ("train", "latih versi baru (dari riwayat disposisi, atau --csv)"),
            ("evaluate", "validasi silang, cetak JSON; tidak menyimpan apa pun"),
        ):
            sub = commands.add_parser(name, help=text)
            self._target(sub)
            sub.add_argument("--csv", help="berkas CSV ekspor sistem lama (bawaan: riwayat disposisi di Layan)")
            sub.add_argument("--text-col", help="kolom isi laporan")
            sub.add_argument("--label-col", help="kolom label (instansi atau kategori)")
            sub.add_argument("--location-cols", nargs="*", default=[], help="kolom lokasi, dari yang terluas")
            sub.add_argument("--folds", type=int, default=5, help="lipatan validasi silang (bawaan 5)")
            if name == "train":
                sub.add_argument("--no-activate", action="store_true", help="simpan tanpa mengaktifkan")
                sub.add_argument("--user", help="nama pengguna yang dicatat sebagai pelatih")
        self._target(commands.add_parser("list", help="daftar versi dan angkanya"), default=None)
        activate = commands.add_parser("activate", help="aktifkan versi tertentu")
        self._target(activate)
        activate.add_argument("--version", type=int, required=True)
        self._target(commands.add_parser("rollback", help="kembali ke versi aktif sebelumnya"))
        commands.add_parser(
            "reindex", help="bangun ulang indeks kata laporan terbuka untuk cek duplikat (setelah aturan teks berubah)"
        )
        predict = commands.add_parser("predict", help="saran model aktif untuk sebuah teks")
        predict.add_argument("--text", required=True)
        predict.add_argument("--region", help="kode wilayah Kemendagri tempat kejadian")

    @staticmethod
    def _target(parser, default=T.AGENCY):
        parser.add_argument("--target", choices=T.values, default=default, help="instansi (agency) atau kategori")

    def handle(self, *args, command, **options):
        try:
            getattr(self, f"do_{command}")(**options)
        except training.RoutingError as exc:
            raise CommandError(exc.message) from None

    # --- the commands ----------------------------------------------------------------------------------------------

    def _dataset(self, options) -> training.Dataset:
        target = options["target"]
        if not options.get("csv"):
            return training.history_dataset(target)
        if not options.get("text_col") or not options.get("label_col"):
            raise CommandError(_("Dengan --csv, --text-col dan --label-col wajib diisi."))
        return training.csv_dataset(
            options["csv"],
            target=target,
            text_col=options["text_col"],
            label_col=options["label_col"],
            location_cols=options["location_cols"],
        )

    def do_train(self, **options):
        target = options["target"]
        user = None
        if options.get("user"):
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("Pengguna %(name)s tidak ada.") % {"name": options["user"]})
        dataset = self._dataset(options)
        self.stdout.write(
            _("Melatih model %(target)s dari %(source)s: %(n)s laporan, %(labels)s label...")
            % {
                "target": T(target).label,
                "source": dataset.source,
                "n": len(dataset.examples),
                "labels": len(dataset.label_map),
            }
        )
        model = training.train_version(
            target, dataset, trained_by=user, activate=not options["no_activate"], folds=options["folds"]
        )
        self.stdout.write(self._describe(model))
        unmapped = sorted(label for label, value in model.label_map.items() if value is None)
        if unmapped:
            self.stdout.write(
                _("Label tanpa padanan di sini (ditampilkan sebagai teks, tidak pernah didisposisikan otomatis): %s")
                % ", ".join(unmapped[:30])
                + (" ..." if len(unmapped) > 30 else "")
            )

    def do_reindex(self, **options):
        done = duplicates.rebuild_index()
        self.stdout.write(_("Indeks duplikat dibangun ulang: %(n)s laporan terbuka.") % {"n": done})

    def do_evaluate(self, **options):
        dataset = self._dataset(options)
        result = training.evaluate(dataset, folds=options["folds"])
        result["target"] = options["target"]
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))

    def do_list(self, **options):
        models = RouterModel.objects.order_by("target", "-version")
        if options.get("target"):
            models = models.filter(target=options["target"])
        if not models.exists():
            self.stdout.write(_("Belum ada model. Latih dengan: layan router train"))
        for model in models:
            self.stdout.write(self._describe(model))

    def do_activate(self, **options):
        model = training.activate(options["target"], options["version"])
        self.stdout.write(_("Aktif: %(model)s") % {"model": model})

    def do_rollback(self, **options):
        model = training.rollback(options["target"])
        self.stdout.write(_("Dikembalikan ke %(model)s") % {"model": model})

    def do_predict(self, **options):
        active = store.active()
        if not active:
            raise CommandError(_("Belum ada model aktif. Latih dengan: layan router train"))
        text, where = options["text"], places.place_names(options.get("region"))
        result = {}
        for target, entry in active.items():
            predictions = entry.router.predict(text, where, k=3)
            result[target] = {
                "version": entry.model.version,
                "suggestions": [
                    {"label": label, "id": entry.model.label_map.get(label), "confidence": round(p, 4)}
                    for label, p in predictions
                ],
            }
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))

    @staticmethod
    def _describe(model: RouterModel) -> str:
        e = model.evaluation or {}
        figures = _("top-1 %(top1)s, top-3 %(top3)s, macro-F1 %(f1)s, otomatis @95%% %(at95)s, @90%% %(at90)s") % {
            "top1": e.get("top1", "-"),
            "top3": e.get("top3", "-"),
            "f1": e.get("macro_f1", "-"),
            "at95": e.get("auto_dispatch_share_at_95", "-"),
            "at90": e.get("auto_dispatch_share_at_90", "-"),
        }
        active = " [" + _("aktif") + "]" if model.is_active else ""
        return (
            f"{model.target} v{model.version}{active}: {model.source}, {model.n_examples} "
            f"{_('contoh')}, {len(model.labels)} label, {model.size} B, {model.train_seconds:.1f} s; {figures}"
        )
