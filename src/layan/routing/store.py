"""Model versions in Django's default storage, and the per-process cache of the active ones.

A trained :class:`~layan.routing.learn.Router` is saved as one file (``router/<target>-v<N>-<sha8>.router``) next to
its :class:`~layan.routing.models.RouterModel` row, so any process (web, worker, a shell) can load it; the sha256 on
the row is checked when the file is read. A version's row and file never change after it is saved (only
``is_active``/``activated_at``), so a loaded model is cached per process by the version's id. Finding out which
versions are active is one indexed query of at most two rows (:func:`active`): after an activation or rollback in
any process, every other process uses the new version from its next suggestion on.
"""

import hashlib
import logging
import threading
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .learn import Router
from .models import RouterModel

log = logging.getLogger("layan.routing")

T = RouterModel.Target

# RouterModel.label_map values: an agency/category id, or (agency target) the kind of the office of the report's
# own place ("kecamatan" / "desa"), resolved per report at suggestion time; None: nothing here has that name.
PLACE_KINDS = ("kecamatan", "desa")


class ModelFileError(Exception):
    """A version's file is missing or not the one that was saved (its sha256 differs)."""


@dataclass(frozen=True)
class Active:
    """An active version (its row, as saved) with its loaded model."""

    model: RouterModel
    router: Router


_cache: dict[int, Active] = {}
_lock = threading.Lock()
_KEEP = 4  # loaded versions kept per process: the active ones and the few just replaced (a rollback is instant)


def save_version(
    target: str,
    router: Router,
    *,
    source: str,
    evaluation: dict,
    label_map: dict,
    train_seconds: float = 0.0,
    trained_by=None,
    activate: bool = True,
    notes: str = "",
) -> RouterModel:
    """Store ``router`` as the next version of ``target`` (file, sha256, size, figures); activate it if asked."""
    data = router.dumps()
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        # the version number comes from the latest row, locked so two trainings cannot take the same number
        latest = RouterModel.objects.select_for_update().filter(target=target).order_by("-version").first()
        version = (latest.version if latest else 0) + 1
        model = RouterModel(
            target=target,
            version=version,
            source=source[:200],
            sha256=digest,
            size=len(data),
            n_examples=router.n_examples,
            labels=list(router.labels),
            label_map=label_map,
            evaluation=evaluation,
            trained_by=trained_by if getattr(trained_by, "is_authenticated", False) else None,
            train_seconds=round(train_seconds, 3),
            notes=notes,
        )
        model.file.save(f"{target}-v{version}-{digest[:8]}.router", ContentFile(data), save=False)
        model.save()
        if activate:
            activate_version(model)
    with _lock:
        _remember(model.pk, Active(model, router))
    return model


def activate_version(model: RouterModel) -> RouterModel:
    """Make ``model`` the active version of its target (the one active before stops being so)."""
    with transaction.atomic():
        RouterModel.objects.select_for_update().filter(target=model.target, is_active=True).exclude(pk=model.pk).update(
            is_active=False
        )
        model.is_active, model.activated_at = True, timezone.now()
        RouterModel.objects.filter(pk=model.pk).update(is_active=True, activated_at=model.activated_at)
    return model


def previous_version(target: str) -> RouterModel | None:
    """The version to go back to: the one activated most recently before the active one (else the newest older
    version that has ever been trained)."""
    current = RouterModel.objects.filter(target=target, is_active=True).first()
    others = RouterModel.objects.filter(target=target).exclude(is_active=True)
    if current is not None:
        earlier = others.filter(activated_at__lt=current.activated_at).order_by("-activated_at").first()
        if earlier is not None:
            return earlier
        return others.filter(version__lt=current.version).order_by("-version").first()
    return others.order_by("-version").first()


def read_router(model: RouterModel) -> Router:
    """Load a version's model from storage, refusing a file that is not the one saved."""
    try:
        with model.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise ModelFileError(f"{model}: berkas model tidak dapat dibaca ({exc})") from exc
    if hashlib.sha256(data).hexdigest() != model.sha256:
        raise ModelFileError(f"{model}: berkas model tidak cocok dengan sidik sha256 yang tersimpan")
    return Router.loads(data)


def load(model: RouterModel) -> Active:
    """The version with its model, from this process's cache or from storage."""
    cached = _cache.get(model.pk)
    if cached is not None and cached.model.sha256 == model.sha256:
        return cached
    with _lock:
        cached = _cache.get(model.pk)
        if cached is None or cached.model.sha256 != model.sha256:
            cached = Active(model, read_router(model))
            _remember(model.pk, cached)
        return cached


def active() -> dict[str, Active]:
    """The active version of each target that has one, e.g. ``{"agency": Active, "category": Active}``.

    One query of the active rows' id and sha256 (the partial unique index keeps it to at most one per target);
    the full row and the model come from the cache, read from the database and storage only for a version this
    process has not loaded yet."""
    result = {}
    for pk, target, sha256 in RouterModel.objects.filter(is_active=True).values_list("pk", "target", "sha256"):
        cached = _cache.get(pk)
        if cached is None or cached.model.sha256 != sha256:
            try:
                cached = load(RouterModel.objects.get(pk=pk))
            except ModelFileError:  # never let a broken file stop the intake: no suggestion from this target
                log.exception("active routing model %s cannot be loaded", pk)
                continue
        result[target] = cached
    return result


def forget() -> None:
    """Empty this process's cache (tests; a file replaced by hand)."""
    with _lock:
        _cache.clear()


def _remember(pk: int, entry: Active) -> None:
    _cache.pop(pk, None)
    _cache[pk] = entry
    while len(_cache) > _KEEP:
        _cache.pop(next(iter(_cache)))
