"""Training the suggestion models: from the deployment's own dispatch decisions, or from an old system's CSV export
(cold start); every training is cross-validated first, then trained on all data and stored as a new version.

Labels from history (every dispatch decision is a label):
- agency: the agency the report was dispatched to that kept it, i.e. not one that forwarded it (bukan wewenang)
  or returned it to the admin; those are corrections. With several, the first dispatched. When that agency is the
  kecamatan or desa/kelurahan office serving the report's own place, the label is "@kecamatan" / "@desa" (the
  model learns "the office of where it happened" once instead of one rare label per office);
- category: the report's category once it was verified.
Places: the names of the report's region and the regions above it.

A model trained from a CSV knows the old system's names; :func:`agency_label_map` maps them to agencies here (by
slug, then name, then short name, then the name without its government's region, case-insensitive; an ambiguous
name maps to nothing). Unmapped labels stay in the model: they are shown as text and never auto-dispatched.
"""

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from layan.core.models import Agency
from layan.reports.models import Category, Disposition, Report

from . import places, store
from .csvsource import read_examples
from .learn import Example, cross_validate, train
from .models import RouterModel

T = RouterModel.Target
DS = Disposition.State
NOT_KEPT = (DS.DITERUSKAN, DS.DIKEMBALIKAN)  # dispositions that were a wrong guess: the agency gave it back


class RoutingError(Exception):
    """A routing command cannot be done; ``message`` says why, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class TrainingRefused(RoutingError):
    """Too little (or too uniform) data to train a useful model."""


@dataclass
class Dataset:
    examples: list[Example]
    source: str
    label_map: dict
    fingerprint: str = ""


LARGE_HISTORY = 20_000  # above this many labelled reports, a retraining cross-validates 3 folds, not 5 (time)


def min_examples() -> int:
    return settings.LAYAN_ROUTER_MIN_EXAMPLES


def report_text(title: str, description: str) -> str:
    """What the model reads of a report: its title and its text (the same at training and at suggestion)."""
    return f"{title}\n{description}".strip()


# --- from history --------------------------------------------------------------------------------------------------


def _final_agencies() -> dict[int, int]:
    """Report id -> the agency that kept it (the first dispatched among those that did not forward or return it)."""
    rows = (
        Disposition.objects.exclude(state__in=NOT_KEPT)
        .order_by("report_id", "dispatched_at", "pk")
        .values_list("report_id", "agency_id")
    )
    final: dict[int, int] = {}
    for report_id, agency_id in rows.iterator(chunk_size=5000):
        final.setdefault(report_id, agency_id)
    return final


def _agency_history() -> list[tuple[int, str, str | None, str]]:
    """(report id, text, region code, label) of every report an agency kept, newest first, up to the maximum."""
    final = _final_agencies()
    agencies = {pk: (kind, slug) for pk, kind, slug in Agency.objects.values_list("pk", "kind", "slug")}
    offices = places.offices_by_region()
    kept = Disposition.objects.filter(report=OuterRef("pk")).exclude(state__in=NOT_KEPT)
    rows = (
        Report.objects.filter(Exists(kept))
        .order_by("-created_at", "-pk")
        .values_list("pk", "title", "description", "region_id")[: settings.LAYAN_ROUTER_MAX_EXAMPLES]
    )
    result = []
    for pk, title, description, region_id in rows.iterator(chunk_size=2000):
        agency_id = final.get(pk)
        if agency_id is None:
            continue
        kind, slug = agencies[agency_id]
        label = places.place_label(agency_id, kind, region_id, offices) or slug
        result.append((pk, report_text(title, description), region_id, label))
    return result


def _category_history() -> list[tuple[int, str, str | None, str]]:
    rows = (
        Report.objects.filter(verified_at__isnull=False, category__isnull=False)
        .order_by("-created_at", "-pk")
        .values_list("pk", "title", "description", "region_id", "category__slug")[: settings.LAYAN_ROUTER_MAX_EXAMPLES]
    )
    return [(pk, report_text(t, d), region, slug) for pk, t, d, region, slug in rows.iterator(chunk_size=2000)]


def history_dataset(target: str) -> Dataset:
    """The examples of ``target`` from this deployment's decisions, with their label map and a fingerprint of
    (report, label) pairs (a scheduled retraining skips when nothing changed)."""
    rows = _agency_history() if target == T.AGENCY else _category_history()
    names = places.names_for_codes({region for _pk, _text, region, _label in rows if region})
    examples = [Example(text, label, names.get(region, ())) for _pk, text, region, label in rows]
    digest = hashlib.sha256()
    for pk, _text, _region, label in sorted(rows):
        digest.update(f"{pk}:{label}\n".encode())
    labels = sorted({e.label for e in examples})
    label_map = agency_label_map(labels) if target == T.AGENCY else category_label_map(labels)
    return Dataset(examples, "history", label_map, digest.hexdigest())


# --- from a CSV export -------------------------------------------------------------------------------------------


def csv_dataset(path, *, target: str, text_col: str, label_col: str, location_cols=()) -> Dataset:
    """Examples from an old system's export. For the agency, a label naming the office of the row's own place
    becomes "@<column>" (see ``csvsource``)."""
    try:
        examples = read_examples(
            path,
            text_col=text_col,
            label_col=label_col,
            location_cols=tuple(location_cols),
            place_relative=target == T.AGENCY,
        )
    except FileNotFoundError as exc:
        raise RoutingError(_("Berkas tidak ditemukan: %(path)s") % {"path": path}) from exc
    except ValueError as exc:
        raise RoutingError(str(exc)) from exc
    labels = sorted({e.label for e in examples})
    label_map = agency_label_map(labels) if target == T.AGENCY else category_label_map(labels)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return Dataset(examples, f"csv:{Path(path).name}", label_map, digest)


# --- labels -> agencies and categories here ----------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join((text or "").lower().split())


def _lookup(rows, fields):
    """label -> id by the first of ``fields`` that matches (case and spacing ignored). Active rows win over
    inactive ones; a key that two rows share (two active "Dinas Sosial" of different governments) is ambiguous:
    it matches nothing, the administrator decides."""
    indexes = []
    for name in fields:
        found: dict[str, list[dict]] = {}
        for row in rows:
            if key := _key(row[name]):
                found.setdefault(key, []).append(row)
        index = {}
        for key, matches in found.items():
            preferred = [row for row in matches if row["is_active"]] or matches
            if len(preferred) == 1:
                index[key] = preferred[0]["pk"]
        indexes.append(index)

    def find(label: str) -> int | None:
        key = _key(label)
        return next((index[key] for index in indexes if key in index), None)

    return find


def _without_region(name: str, region: str | None) -> str:
    """ "Dinas Sosial Kota Surabaya" -> "Dinas Sosial": an old system of one government names its own agencies
    without the government's name."""
    name, region = _key(name), _key(region or "")
    return name[: -len(region)].strip() if region and name.endswith(" " + region) else ""


def agency_label_map(labels) -> dict:
    """label -> agency id (by slug, then name, then short name, then name without its government's region, as
    an old system of that government writes it); a place-relative label -> the kind of office it means; None when
    nothing matches."""
    rows = list(Agency.objects.values("pk", "slug", "name", "short_name", "is_active", "home_region__name"))
    for row in rows:
        row["local_name"] = _without_region(row["name"], row["home_region__name"])
    find = _lookup(rows, ("slug", "name", "short_name", "local_name"))
    result = {}
    for label in labels:
        kind = places.PLACE_LABELS.get(label.lower())
        result[label] = str(kind) if kind else find(label)
    return result


def category_label_map(labels) -> dict:
    find = _lookup(list(Category.objects.values("pk", "slug", "name", "is_active")), ("slug", "name"))
    return {label: find(label) for label in labels}


# --- training, evaluation, versions ------------------------------------------------------------------------------


def check_enough(dataset: Dataset, target: str) -> None:
    examples = dataset.examples
    distinct = len({e.label for e in examples})
    what = _("instansi") if target == T.AGENCY else _("kategori")
    if len(examples) < min_examples() or distinct < 2:
        raise TrainingRefused(
            _(
                "Data latih belum cukup: %(n)s laporan berlabel dengan %(labels)s %(what)s berbeda (%(source)s). "
                "Dibutuhkan minimal %(min)s laporan dan 2 %(what)s."
            )
            % {"n": len(examples), "labels": distinct, "what": what, "min": min_examples(), "source": dataset.source}
        )


def evaluate(dataset: Dataset, *, folds: int = 5, seed: int = 0) -> dict:
    """Cross-validated figures of a model trained the way :func:`train_version` would (nothing is stored)."""
    if len(dataset.examples) < 2 or len({e.label for e in dataset.examples}) < 2:
        raise TrainingRefused(_("Terlalu sedikit data berlabel untuk evaluasi."))
    result = cross_validate(dataset.examples, folds=folds, seed=seed).as_dict()
    mapped = sum(1 for v in dataset.label_map.values() if v is not None)
    result.update(labels=len(dataset.label_map), labels_mapped=mapped, source=dataset.source)
    return result


def train_version(
    target: str, dataset: Dataset, *, trained_by=None, activate: bool = True, folds: int = 5, seed: int = 0
) -> RouterModel:
    """Cross-validate (the figures and thresholds kept on the version), train on everything, store, activate."""
    check_enough(dataset, target)
    started = time.perf_counter()
    evaluation = cross_validate(dataset.examples, folds=folds, seed=seed).as_dict()
    evaluation["fingerprint"] = dataset.fingerprint
    router = train(dataset.examples, seed=seed)
    seconds = time.perf_counter() - started
    return store.save_version(
        target,
        router,
        source=dataset.source,
        evaluation=evaluation,
        label_map=dataset.label_map,
        train_seconds=seconds,
        trained_by=trained_by,
        activate=activate,
    )


def train_from_history(
    target: str,
    *,
    trained_by=None,
    activate: bool = True,
    only_if_changed: bool = False,
    cautious: bool = False,
    folds: int = 5,
):
    """A new version from this deployment's decisions; with ``only_if_changed``, None when the labelled reports
    are exactly those the newest history version was trained on. ``cautious`` (scheduled retraining): the new
    version is not activated over a cold-start model trained on more reports than history holds yet (an old
    system's 10,000 complaints beat a first week's 60 decisions); an administrator may still activate it."""
    dataset = history_dataset(target)
    if only_if_changed:
        latest = RouterModel.objects.filter(target=target, source="history").order_by("-version").first()
        if latest is not None and latest.evaluation.get("fingerprint") == dataset.fingerprint:
            return None
    if cautious:
        current = RouterModel.objects.filter(target=target, is_active=True).first()
        if current is not None and current.source != "history" and current.n_examples > len(dataset.examples):
            activate = False
    if len(dataset.examples) > LARGE_HISTORY:
        folds = min(folds, 3)
    return train_version(target, dataset, trained_by=trained_by, activate=activate, folds=folds)


def retrain_all(*, trained_by=None, only_if_changed: bool = True) -> dict[str, str]:
    """Retrain every target from history (the scheduled job and the page's button); per target, what happened."""
    outcome = {}
    for target in T.values:
        try:
            model = train_from_history(target, trained_by=trained_by, only_if_changed=only_if_changed, cautious=True)
        except TrainingRefused as exc:
            outcome[target] = exc.message
        else:
            if model is None:
                outcome[target] = _("tidak ada keputusan baru sejak versi terakhir")
            elif model.is_active:
                outcome[target] = str(model)
            else:
                outcome[target] = _(
                    "%(model)s disimpan tanpa diaktifkan: model aktif dilatih dari lebih banyak laporan "
                    "(%(source)s). Aktifkan sendiri bila angkanya lebih baik."
                ) % {"model": model, "source": RouterModel.objects.get(target=target, is_active=True).source}
    return outcome


def activate(target: str, version: int) -> RouterModel:
    model = RouterModel.objects.filter(target=target, version=version).first()
    if model is None:
        raise RoutingError(_("Versi %(v)s untuk %(t)s tidak ada.") % {"v": version, "t": T(target).label})
    try:  # refuse a version whose file is gone or altered before it serves anyone
        store.read_router(model)
    except store.ModelFileError as exc:
        raise RoutingError(str(exc)) from exc
    return store.activate_version(model)


def rollback(target: str) -> RouterModel:
    """Back to the version that was active before the current one."""
    model = store.previous_version(target)
    if model is None:
        raise RoutingError(_("Tidak ada versi sebelumnya untuk %(t)s.") % {"t": T(target).label})
    return activate(target, model.version)
