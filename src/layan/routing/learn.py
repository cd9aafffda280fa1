"""Routing suggestions learned from past dispatch decisions: which agency (or category) a new report belongs to.

Pure Python over scikit-learn (no Django), so the same code trains from the deployment's own history, from an
old system's CSV export, and in the benchmark (``python -m bench.routing_bench``, figures in bench/RESULTS.md).

The model, chosen by 5-fold cross-validation on 10,000 real Surabaya complaints (bench/RESULTS.md, "Routing"):

- the report's words, normalised and stemmed (:mod:`layan.routing.text`), as sublinear TF-IDF; one feature per
  place name ("lokasi: Tegalsari"), so a district whose office handles its own complaints can be learned;
- a linear one-vs-rest model over them: liblinear's SVM (squared hinge) up to 12,000 reports, the same kind of
  model trained by SGD (modified Huber loss) above, because liblinear's time grows much faster than the data
  while SGD's stays linear (same accuracy on the Surabaya data). Character n-grams, word pairs, naive Bayes,
  logistic regression, k-NN and ensembles gained nothing on the auto-dispatch share and cost up to 20 times the
  training time;
- its scores turned into probabilities by temperature scaling (``softmax(score / T)``), ``T`` fitted on
  out-of-fold scores of the training reports, so that a confidence of 0.95 means right about 95% of the time.

A stored model holds its vocabulary, IDF and weights as plain dicts and numpy arrays (no scikit-learn object),
so a model file stays loadable after a library upgrade.

:func:`cross_validate` measures it honestly (every figure from reports the model did not see) and gives the
precision/coverage curve from which the auto-dispatch threshold is chosen (:func:`threshold_for`).
"""

from __future__ import annotations

import pickle
import time
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.svm import LinearSVC

from . import text as textmod

PLACE_PREFIX = "lokasi: "
CURVE_GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(70))  # 0.30 .. 0.99
PRECISIONS = ("0.95", "0.90")
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    places: tuple[str, ...] = ()  # names of where it happened, widest first, level-agnostic


@dataclass(frozen=True)
class Settings:
    """How a router is built. The defaults are the measured best; the others exist for the benchmark's
    comparison (``python -m bench.routing_bench --variants``)."""

    stem: bool = True  # PySastrawi stems ("perbaikan", "diperbaiki" -> "baik")
    word_ngrams: int = 1  # 2 adds word pairs
    char_ngrams: bool = False  # character 2-5 grams of the normalised text (slow, +0.5 point)
    place_weight: float = 0.3  # value of a place feature (0: places ignored)
    # "svm": liblinear's LinearSVC (exact, but its time grows much faster than the data: 1 s of CPU for 10,000
    # reports, 35 s for 20,000); "sgd": the same kind of model (modified Huber loss, close to the SVM's squared
    # hinge) by stochastic gradient descent, linear in the data but noisy on small sets; "auto": the SVM up to
    # ``svm_max_examples`` reports, SGD above.
    model: str = "auto"
    svm_max_examples: int = 12_000
    alpha: float = 3e-4  # the SGD model's regularisation
    C: float = 0.5  # the SVM's inverse regularisation
    calibration_folds: int = 3  # folds of the out-of-fold scores the temperature is fitted on
    max_features: int = 100_000  # cap on the word vocabulary (bounds the model's memory)


DEFAULT_SETTINGS = Settings()


def _place_key(place: str) -> str:
    return " ".join(str(place).lower().split())


def _place_tokens(places: Sequence[str]) -> set[str]:
    return {PLACE_PREFIX + _place_key(p) for p in places if p and str(p).strip()}


def _document(text: str, settings: Settings) -> str:
    """The text as the model reads it: normalised (and stemmed) words separated by single spaces."""
    return " ".join(textmod.tokens(text, stem_words=settings.stem))


class _WordIndex:
    """A fitted word TF-IDF (vocabulary, IDF, n-gram size) that transforms on its own: what a stored model keeps
    instead of scikit-learn's vectorizer, so a model file does not depend on scikit-learn's internals (and a
    model stays loadable after an upgrade). Gives exactly the vectorizer's output (sublinear TF x IDF, L2)."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, ngrams: int):
        self.vocabulary_ = {str(term): int(j) for term, j in vocabulary.items()}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.ngrams = ngrams

    def transform(self, documents: Sequence[str]) -> sparse.csr_matrix:
        vocabulary, ngrams = self.vocabulary_, self.ngrams
        indptr, indices, counts = [0], [], []
        for document in documents:
            words = document.split()
            row: dict[int, int] = {}
            for size in range(1, ngrams + 1):
                grams = words if size == 1 else [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
                for gram in grams:
                    j = vocabulary.get(gram)
                    if j is not None:
                        row[j] = row.get(j, 0) + 1
            columns = sorted(row)
            indices.extend(columns)
            counts.extend(row[j] for j in columns)
            indptr.append(len(indices))
        indices_array = np.asarray(indices, dtype=np.int32)
        data = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * self.idf[indices_array]
        matrix = sparse.csr_matrix(
            (data.astype(np.float32), indices_array, np.asarray(indptr, dtype=np.int64)),
            shape=(len(documents), len(self.idf)),
        )
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        matrix.data /= np.repeat(norms, np.diff(matrix.indptr)).astype(np.float32)
        return matrix


class _Features:
    """Text and place features of reports; fitted once on the training reports."""

    def __init__(self, settings: Settings, n_documents: int):
        min_df = 2 if n_documents >= 50 else 1
        self.settings = settings
        self.words: TfidfVectorizer | _WordIndex = TfidfVectorizer(
            analyzer="word",
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=(1, settings.word_ngrams),
            min_df=min_df,
            max_features=settings.max_features,
            sublinear_tf=True,
            dtype=np.float32,
        )
        self.chars = None
        if settings.char_ngrams:
            self.chars = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                lowercase=False,
                min_df=min_df,
                max_features=settings.max_features,
                sublinear_tf=True,
                dtype=np.float32,
            )
        self.places: dict[str, int] = {}

    def fit_transform(self, documents: Sequence[str], places: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        vectorizer = self.words
        try:
            words = vectorizer.fit_transform(documents)
        except ValueError:  # not one word kept (tiny or empty texts): a placeholder vocabulary
            vectorizer.set_params(min_df=1)
            words = vectorizer.fit_transform([*documents, "_"])[: len(documents)]
        self.words = _WordIndex(vectorizer.vocabulary_, vectorizer.idf_, self.settings.word_ngrams)
        chars = self.chars.fit_transform(documents) if self.chars is not None else None
        if self.settings.place_weight > 0:
            counts: dict[str, int] = {}
            for row in places:
                for token in _place_tokens(row):
                    counts[token] = counts.get(token, 0) + 1
            self.places = {t: i for i, t in enumerate(sorted(t for t, c in counts.items() if c >= 2))}
        return self._stack(words, chars, places)

    def transform(self, documents: Sequence[str], places: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        chars = self.chars.transform(documents) if self.chars is not None else None
        return self._stack(self.words.transform(documents), chars, places)

    def _stack(self, words, chars, places) -> sparse.csr_matrix:
        blocks = [words] if chars is None else [words, chars]
        if self.places:
            rows, cols = [], []
            for i, row in enumerate(places):
                for token in _place_tokens(row):
                    j = self.places.get(token)
                    if j is not None:
                        rows.append(i)
                        cols.append(j)
            weights = np.full(len(rows), self.settings.place_weight, dtype=np.float32)
            blocks.append(sparse.csr_matrix((weights, (rows, cols)), shape=(words.shape[0], len(self.places))))
        if len(blocks) == 1:
            return words.tocsr()
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    @property
    def n_words(self) -> int:
        return len(self.words.vocabulary_)

    @property
    def n_chars(self) -> int:
        return len(self.chars.vocabulary_) if self.chars is not None else 0

    @property
    def n_features(self) -> int:
        return self.n_words + self.n_chars + len(self.places)


def _resolved(settings: Settings, n_examples: int) -> Settings:
    """``settings`` with "auto" replaced by the model for ``n_examples`` reports, decided once per training so
    that the calibration folds use the same kind of model as the final fit."""
    if settings.model != "auto":
        return settings
    return replace(settings, model="svm" if n_examples <= settings.svm_max_examples else "sgd")


def _classifier(settings: Settings, n_examples: int, seed: int):
    if settings.model == "svm":
        return LinearSVC(C=settings.C, random_state=seed, max_iter=2000)
    # About 300,000 updates, and at least 5 passes over the data: the cost stays linear in the data.
    epochs = int(min(100, max(5, 300_000 // max(n_examples, 1))))
    return SGDClassifier(
        loss="modified_huber", alpha=settings.alpha, max_iter=epochs, tol=None, random_state=seed, average=False
    )


def _fit_linear(X, y: np.ndarray, n_labels: int, *, settings: Settings, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest linear model; returns (coef [n_labels, n_features], intercept [n_labels]) over ALL labels (a
    label missing from ``y`` gets a very low intercept, so it is never suggested)."""
    coef = np.zeros((n_labels, X.shape[1]), dtype=np.float32)
    intercept = np.full(n_labels, -10.0, dtype=np.float32)
    present = np.unique(y)
    if len(present) == 1:
        intercept[present[0]] = 10.0
        return coef, intercept
    model = _classifier(settings, len(y), seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # non-convergence warnings: the number of passes is fixed on purpose
        model.fit(X, y)
    if len(present) == 2:  # binary: one score, the second label's
        coef[present[1]], intercept[present[1]] = model.coef_[0], model.intercept_[0]
        coef[present[0]], intercept[present[0]] = -model.coef_[0], -model.intercept_[0]
    else:
        coef[model.classes_], intercept[model.classes_] = model.coef_, model.intercept_
    return coef, intercept


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The temperature that makes softmax(scores / T) best predict ``y`` (least log loss)."""
    if len(y) == 0:
        return 1.0
    rows = np.arange(len(y))

    def loss(log_t: float) -> float:
        p = _softmax(scores, float(np.exp(log_t)))
        return float(-np.log(np.clip(p[rows, y], 1e-12, None)).mean())

    result = minimize_scalar(loss, bounds=(np.log(0.005), np.log(20.0)), method="bounded")
    return float(np.exp(result.x))


def _folds(y: np.ndarray, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified k-fold that tolerates labels rarer than ``folds``: their few reports go to some folds only, and
    a report whose label is absent from its training folds counts as a miss (the model cannot know it)."""
    folds = max(2, min(folds, len(y)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if np.bincount(y).max() < folds:
            return list(KFold(folds, shuffle=True, random_state=seed).split(y))
        return list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))


class Router:
    """A trained suggestion model: labels with calibrated probabilities for a report's text and places."""

    def __init__(self, labels, features, coef, intercept, temperature, n_examples, settings):
        self.labels: list[str] = list(labels)
        self.n_examples: int = int(n_examples)
        self.temperature: float = float(temperature)
        self.settings: Settings = settings
        self.format_version = FORMAT_VERSION
        self._features: _Features = features
        # [n_features, n_labels], C order: a report's sparse row times it needs no copy (a transposed view would
        # be copied on every suggestion: 12 MB for 300 labels)
        self._weights = np.ascontiguousarray(np.asarray(coef, dtype=np.float32).T)
        self._intercept = np.asarray(intercept, dtype=np.float32)

    def __repr__(self) -> str:
        return f"<Router {len(self.labels)} labels, {self.n_examples} examples, {self._features.n_features} features>"

    # -- suggestions -------------------------------------------------------------------------------------------
    def _scores_for_documents(self, documents: Sequence[str], places: Sequence[Sequence[str]]) -> np.ndarray:
        X = self._features.transform(documents, places)
        return np.asarray(X @ self._weights) + self._intercept

    def probabilities(self, texts: Sequence[str], places: Sequence[Sequence[str]]) -> np.ndarray:
        """Calibrated probabilities [n_texts, n_labels] (rows sum to 1), columns in the order of ``labels``."""
        documents = [_document(t, self.settings) for t in texts]
        return _softmax(self._scores_for_documents(documents, places), self.temperature)

    def predict(self, text: str, places: Sequence[str] = (), k: int = 3) -> list[tuple[str, float]]:
        return self.predict_many([text], [places], k=k)[0]

    def predict_many(
        self, texts: Sequence[str], places: Sequence[Sequence[str]] = (), k: int = 3
    ) -> list[list[tuple[str, float]]]:
        places = [places[i] if i < len(places) else () for i in range(len(texts))]
        if not texts:
            return []
        probs = self.probabilities(texts, places)
        k = max(0, min(k, len(self.labels)))
        best = np.argsort(-probs, axis=1, kind="stable")[:, :k]
        return [[(self.labels[j], float(probs[i, j])) for j in row] for i, row in enumerate(best)]

    def explain(self, text: str, places: Sequence[str], label: str, n: int = 5) -> list[str]:
        """The words of ``text`` (normalised, as written rather than stemmed) and the places that pushed most
        towards ``label``, strongest first; only features with a positive push are named."""
        if label not in self.labels or n <= 0:
            return []
        weights = self._weights[:, self.labels.index(label)]
        features = self._features
        words = textmod.tokens(text)
        surface: dict[str, str] = {}  # the model's term -> the words as the citizen wrote them (normalised)
        terms = [textmod.stem(w) if self.settings.stem else w for w in words]
        for size in range(1, self.settings.word_ngrams + 1):
            for i in range(len(terms) - size + 1):
                surface.setdefault(" ".join(terms[i : i + size]), " ".join(words[i : i + size]))
        x = features.words.transform([" ".join(terms)])
        tfidf = dict(zip(x.indices.tolist(), x.data.tolist(), strict=True))
        credit: dict[str, float] = {}
        for term, written in surface.items():
            j = features.words.vocabulary_.get(term)
            if j is not None and j in tfidf:
                credit[written] = credit.get(written, 0.0) + tfidf[j] * float(weights[j])
        offset = features.n_words + features.n_chars
        for place in places:
            j = features.places.get(PLACE_PREFIX + _place_key(place)) if place else None
            if j is not None:
                credit[PLACE_PREFIX + str(place).strip()] = float(features.settings.place_weight * weights[offset + j])
        ranked = sorted(((value, name) for name, value in credit.items() if value > 0), key=lambda p: -p[0])
        return [name for _value, name in ranked[:n]]

    # -- storage -----------------------------------------------------------------------------------------------
    def dumps(self) -> bytes:
        """The model as compressed bytes (pickle + zlib): store them as a model version, load with :meth:`loads`.
        Like any pickle, load only bytes this deployment wrote itself."""
        return zlib.compress(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL), 6)

    @classmethod
    def loads(cls, data: bytes) -> Router:
        router = pickle.loads(zlib.decompress(data))
        if not isinstance(router, cls):
            raise TypeError("Data bukan model rute Layan.")
        return router

    @property
    def n_features(self) -> int:
        return self._features.n_features


def _encode(examples: Sequence[Example]) -> tuple[list[str], np.ndarray]:
    labels = sorted({e.label for e in examples})
    index = {label: i for i, label in enumerate(labels)}
    return labels, np.array([index[e.label] for e in examples], dtype=np.int64)


def train(examples: Sequence[Example], *, seed: int = 0, settings: Settings = DEFAULT_SETTINGS) -> Router:
    """Train a router on ``examples`` (the probability scale is fitted on out-of-fold scores of these same
    examples, so no separate calibration set is needed)."""
    if not examples:
        raise ValueError("Tidak ada contoh untuk melatih model.")
    labels, y = _encode(examples)
    documents = [_document(e.text, settings) for e in examples]
    return _train_documents(documents, [e.places for e in examples], y, labels, seed=seed, settings=settings)


CALIBRATION_ROWS = 20_000  # out-of-fold scores the temperature (one number) is fitted on, at most
LARGE = 30_000  # from this many reports on, 2 calibration folds instead of 3 (half the extra training time)


def _calibration_temperature(X, y: np.ndarray, n_labels: int, *, settings: Settings, seed: int) -> float:
    """The temperature fitted on out-of-fold scores: models trained on part of the reports score the others.
    The vocabulary and IDF come from all training reports (no labels involved). Only a sample of at most
    :data:`CALIBRATION_ROWS` reports is scored, which bounds the memory (reports x labels) on large sets."""
    folds = settings.calibration_folds if len(y) < LARGE else 2
    rng = np.random.default_rng(seed)
    sampled = np.zeros(len(y), dtype=bool)
    sampled[rng.choice(len(y), size=min(len(y), CALIBRATION_ROWS), replace=False)] = True
    scores, truths = [], []
    for train_idx, test_idx in _folds(y, folds, seed):
        coef, intercept = _fit_linear(X[train_idx], y[train_idx], n_labels, settings=settings, seed=seed)
        rows = test_idx[sampled[test_idx] & np.isin(y[test_idx], y[train_idx])]  # labels the fold's model knows
        scores.append(np.asarray(X[rows] @ coef.T) + intercept)
        truths.append(y[rows])
    return _fit_temperature(np.concatenate(scores), np.concatenate(truths))


def _train_documents(documents, places, y, labels, *, seed: int, settings: Settings) -> Router:
    settings = _resolved(settings, len(y))
    n_labels = len(labels)
    features = _Features(settings, len(documents))
    X = features.fit_transform(documents, places)
    temperature = 1.0
    if len(y) >= 20 and n_labels > 1 and settings.calibration_folds >= 2:
        temperature = _calibration_temperature(X, y, n_labels, settings=settings, seed=seed)
    coef, intercept = _fit_linear(X, y, n_labels, settings=settings, seed=seed)
    return Router(labels, features, coef, intercept, temperature, len(y), settings)


# -- evaluation --------------------------------------------------------------------------------------------------
@dataclass
class Evaluation:
    n: int
    folds: int
    top1: float
    top3: float
    macro_f1: float
    thresholds: dict[str, float | None]
    coverage: dict[str, float]
    curve: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "folds": self.folds,
            "top1": round(self.top1, 4),
            "top3": round(self.top3, 4),
            "macro_f1": round(self.macro_f1, 4),
            "auto_dispatch_share_at_95": round(self.coverage.get("0.95", 0.0), 4),
            "auto_dispatch_share_at_90": round(self.coverage.get("0.90", 0.0), 4),
            "thresholds": dict(self.thresholds),
            "coverage": {key: round(value, 4) for key, value in self.coverage.items()},
            "curve": [dict(point) for point in self.curve],
            "seconds": round(self.seconds, 2),
        }


def precision_curve(confidence: np.ndarray, correct: np.ndarray, grid: Sequence[float] = CURVE_GRID) -> list[dict]:
    """For each threshold: the precision of the reports whose top confidence is at/above it, and their share
    (precision 1.0 where no report reaches the threshold: nothing would be dispatched wrongly)."""
    confidence, correct = np.asarray(confidence), np.asarray(correct, dtype=bool)
    n = max(len(confidence), 1)
    curve = []
    for t in grid:
        chosen = confidence >= t - 1e-9
        count = int(chosen.sum())
        precision = float(correct[chosen].mean()) if count else 1.0
        curve.append({"threshold": float(t), "precision": round(precision, 4), "coverage": round(count / n, 4)})
    return curve


def threshold_for(curve: list[dict], precision: float) -> float | None:
    """The lowest threshold whose measured precision (of reports at/above it) is at least ``precision``; None
    when no threshold that dispatches anything reaches it."""
    for point in sorted(curve, key=lambda p: p["threshold"]):
        if point["coverage"] > 0 and point["precision"] >= precision - 1e-9:
            return point["threshold"]
    return None


def out_of_fold(
    examples: Sequence[Example], *, folds: int = 5, seed: int = 0, settings: Settings = DEFAULT_SETTINGS
) -> tuple[list[str], np.ndarray]:
    """Out-of-fold probabilities [n, n_labels] for every example, each from a router trained (and calibrated)
    without it; columns in the order of the returned labels."""
    labels, y = _encode(examples)
    settings = _resolved(settings, len(examples))  # the model a training on all of them would use
    documents = [_document(e.text, settings) for e in examples]  # once, shared by the folds
    places = [e.places for e in examples]
    probs = np.zeros((len(y), len(labels)), dtype=np.float32)
    for train_idx, test_idx in _folds(y, folds, seed):
        present = np.unique(y[train_idx])
        remap = np.full(len(labels), -1)
        remap[present] = np.arange(len(present))
        router = _train_documents(
            [documents[i] for i in train_idx],
            [places[i] for i in train_idx],
            remap[y[train_idx]],
            [labels[j] for j in present],
            seed=seed,
            settings=settings,
        )
        scores = router._scores_for_documents([documents[i] for i in test_idx], [places[i] for i in test_idx])
        probs[np.ix_(test_idx, present)] = _softmax(scores, router.temperature)
    return labels, probs


def evaluate_probabilities(y: np.ndarray, probs: np.ndarray, *, folds: int = 0, seconds: float = 0.0) -> Evaluation:
    """The figures of an evaluation from true label indexes and (out-of-fold) probabilities."""
    y = np.asarray(y)
    top = np.argsort(-probs, axis=1, kind="stable")[:, :3]
    correct = top[:, 0] == y
    confidence = probs[np.arange(len(y)), top[:, 0]]
    curve = precision_curve(confidence, correct)
    thresholds = {p: threshold_for(curve, float(p)) for p in PRECISIONS}
    coverage = {p: float((confidence >= t - 1e-9).mean()) if t is not None else 0.0 for p, t in thresholds.items()}
    return Evaluation(
        n=len(y),
        folds=folds,
        top1=float(correct.mean()),
        top3=float((top == y[:, None]).any(axis=1).mean()),
        macro_f1=float(f1_score(y, top[:, 0], average="macro", labels=np.unique(y), zero_division=0)),
        thresholds=thresholds,
        coverage=coverage,
        curve=curve,
        seconds=seconds,
    )


def cross_validate(
    examples: Sequence[Example], *, folds: int = 5, seed: int = 0, settings: Settings = DEFAULT_SETTINGS
) -> Evaluation:
    """Stratified k-fold evaluation: accuracy, macro-F1 (over the labels present) and the auto-dispatch
    thresholds, all from out-of-fold predictions. Labels with fewer reports than folds are kept: their reports
    land in some folds only, and one whose label never appears in its training folds counts as a miss."""
    if len(examples) < 2:
        raise ValueError("Terlalu sedikit contoh untuk evaluasi (minimal 2).")
    started = time.perf_counter()
    labels, probs = out_of_fold(examples, folds=folds, seed=seed, settings=settings)
    _labels, y = _encode(examples)
    return evaluate_probabilities(y, probs, folds=min(folds, len(examples)), seconds=time.perf_counter() - started)


__all__ = [
    "DEFAULT_SETTINGS",
    "Evaluation",
    "Example",
    "Router",
    "Settings",
    "cross_validate",
    "evaluate_probabilities",
    "out_of_fold",
    "precision_curve",
    "threshold_for",
    "train",
]
