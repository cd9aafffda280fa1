"""Benchmark of the routing suggestion models on the real Surabaya complaints: accuracy, auto-dispatch, speed.

    python -m bench.routing_bench [--csv PATH] [--folds 5] [--quick] [--variants] [--large-n 100000]

The data (``../shared/data/surabaya-keluhan/keluhan_train.csv``, 9,994 complaints with the agency ``instansi``
and the topic ``topik`` that handled each) is read at run time, never copied. Four tables:

1. Accuracy by stratified k-fold cross-validation, for the agency and for the topic: the baseline (TF-IDF of the
   raw text with scikit-learn's defaults + LinearSVC, on the labels as they are) against Layan's model
   (:mod:`layan.routing.learn`: normalised, stemmed words and place names, place-relative labels "@kecamatan" /
   "@kelurahan" resolved back to the concrete office). Both turn scores into probabilities the same honest way
   (temperature fitted on out-of-fold scores of the training folds only). Columns: top-1 and top-3 accuracy,
   macro-F1 (over the concrete labels), the confidence threshold that gives 95% (90%) precision on the
   out-of-fold predictions and the share of reports at or above it, i.e. dispatched automatically.
2. ``--variants``: Layan's model with one choice changed at a time (agency only), from the same code.
3. Speed on one core (BLAS threads set to 1): training on all reports (wall and CPU seconds), one suggestion at a
   time (``Router.predict``; and with ``Router.explain`` for the best label) p50/p99 over a sample of reports.
4. Scale and memory, each in a fresh process: training on ``--large-n`` reports (default 100,000) made by
   resampling the Surabaya reports with light perturbation (each a random report with 10% of its words dropped
   at random, its label and places kept), its peak RSS; a loaded model's RSS over a bare process that imported
   the same libraries; the size of the serialised model (``Router.dumps``).

``--quick``: 3 folds, no topic baseline, 200 latency samples, 20,000 reports for the scale run.
"""

import argparse
import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as a web process or the worker gives one report

if __package__ in (None, ""):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))

import random  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from dataclasses import replace  # noqa: E402
from multiprocessing import get_context  # noqa: E402

import numpy as np  # noqa: E402

DEFAULT_CSV = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    "shared",
    "data",
    "surabaya-keluhan",
    "keluhan_train.csv",
)
PLACE_COLUMNS = ("kecamatan", "kelurahan")
TARGETS = (("agency", "instansi"), ("topic", "topik"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def load(csv_path: str, label_col: str, place_relative: bool = True):
    from layan.routing.csvsource import read_examples

    return read_examples(
        csv_path, text_col="keluhan", label_col=label_col, location_cols=PLACE_COLUMNS, place_relative=place_relative
    )


# -- accuracy ----------------------------------------------------------------------------------------------------
def baseline_out_of_fold(texts: list[str], y: np.ndarray, n_labels: int, folds: int, seed: int) -> np.ndarray:
    """TF-IDF (scikit-learn defaults) of the raw text + LinearSVC; temperature from 3-fold scores of the training
    folds; returns out-of-fold probabilities."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    from layan.routing.learn import _fit_temperature, _folds, _softmax

    def scores(train_idx, test_idx):
        vectorizer = TfidfVectorizer()
        X_train = vectorizer.fit_transform([texts[i] for i in train_idx])
        model = LinearSVC().fit(X_train, y[train_idx])
        out = np.full((len(test_idx), n_labels), -10.0)
        out[:, model.classes_] = model.decision_function(vectorizer.transform([texts[i] for i in test_idx]))
        return out

    probs = np.zeros((len(y), n_labels))
    for train_idx, test_idx in _folds(y, folds, seed):
        inner = np.zeros((len(train_idx), n_labels))
        for inner_train, inner_test in _folds(y[train_idx], 3, seed):
            inner[inner_test] = scores(train_idx[inner_train], train_idx[inner_test])
        temperature = _fit_temperature(inner, y[train_idx])
        probs[test_idx] = _softmax(scores(train_idx, test_idx), temperature)
    return probs


def figures(true_labels: list[str], predicted: list[list[str]], confidence: np.ndarray, concrete=None) -> dict:
    """Top-1/top-3, macro-F1 and the auto-dispatch thresholds from ranked predictions (label strings). With
    ``concrete`` (the true concrete labels and a resolver), macro-F1 is computed over concrete offices."""
    from sklearn.metrics import f1_score

    from layan.routing.learn import PRECISIONS, precision_curve, threshold_for

    correct = np.array([p[0] == t for p, t in zip(predicted, true_labels, strict=True)])
    top3 = np.array([t in p[:3] for p, t in zip(predicted, true_labels, strict=True)])
    if concrete is not None:
        true_concrete, resolve = concrete
        first = [true_concrete[i] if correct[i] else resolve(i, p[0]) for i, p in enumerate(predicted)]
        f1 = f1_score(true_concrete, first, average="macro", labels=sorted(set(true_concrete)), zero_division=0)
    else:
        first = [p[0] for p in predicted]
        f1 = f1_score(true_labels, first, average="macro", labels=sorted(set(true_labels)), zero_division=0)
    curve = precision_curve(confidence, correct)
    result = {"top1": correct.mean(), "top3": top3.mean(), "macro_f1": f1}
    for p in PRECISIONS:
        t = threshold_for(curve, float(p))
        result[f"t{p}"] = t
        result[f"share{p}"] = float((confidence >= t - 1e-9).mean()) if t is not None else 0.0
    return result


def ranked(labels: list[str], probs: np.ndarray) -> tuple[list[list[str]], np.ndarray]:
    order = np.argsort(-probs, axis=1, kind="stable")[:, :3]
    return [[labels[j] for j in row] for row in order], probs[np.arange(len(probs)), order[:, 0]]


def print_header(title: str):
    print(f"\n{title}")
    print(
        f"  {'target':<7} {'model':<34} {'labels':>6} {'top-1':>6} {'top-3':>6} {'mF1':>6} "
        f"{'t@95':>5} {'auto@95':>7} {'t@90':>5} {'auto@90':>7} {'CV s':>6}"
    )


def print_row(target: str, name: str, n_labels: int, f: dict, seconds: float):
    def t(value):
        return f"{value:.2f}" if value is not None else "-"

    print(
        f"  {target:<7} {name:<34} {n_labels:>6} {f['top1']:>6.3f} {f['top3']:>6.3f} {f['macro_f1']:>6.3f} "
        f"{t(f['t0.95']):>5} {f['share0.95']:>7.3f} {t(f['t0.90']):>5} {f['share0.90']:>7.3f} {seconds:>6.0f}",
        flush=True,
    )


def accuracy(csv_path: str, folds: int, seed: int, quick: bool):
    from layan.routing import learn
    from layan.routing.csvsource import resolve_label

    print_header(f"Accuracy: stratified {folds}-fold cross-validation, out-of-fold predictions")
    for target, column in TARGETS:
        concrete = load(csv_path, column, place_relative=False)
        examples = load(csv_path, column, place_relative=True)
        true_concrete = [e.label for e in concrete]
        if not (quick and target == "topic"):
            labels = sorted(set(true_concrete))
            index = {label: i for i, label in enumerate(labels)}
            y = np.array([index[label] for label in true_concrete])
            started = time.perf_counter()
            probs = baseline_out_of_fold([e.text for e in concrete], y, len(labels), folds, seed)
            predicted, confidence = ranked(labels, probs)
            f = figures(true_concrete, predicted, confidence)
            print_row(target, "baseline: TF-IDF + LinearSVC", len(labels), f, time.perf_counter() - started)
        started = time.perf_counter()
        labels, probs = learn.out_of_fold(examples, folds=folds, seed=seed)
        seconds = time.perf_counter() - started
        predicted, confidence = ranked(labels, probs)
        rows = [dict(zip(PLACE_COLUMNS, e.places, strict=False)) for e in concrete]
        f = figures(
            [e.label for e in examples],
            predicted,
            confidence,
            concrete=(true_concrete, lambda i, label, rows=rows: resolve_label(label, rows[i])),
        )
        print_row(target, "Layan (learn.py)", len(labels), f, seconds)


def variants(csv_path: str, folds: int, seed: int):
    from layan.routing import learn

    print_header(f"Variants of Layan's agency model ({folds}-fold; macro-F1 over the model's own labels)")
    examples = load(csv_path, "instansi")
    concrete = load(csv_path, "instansi", place_relative=False)
    base = learn.DEFAULT_SETTINGS
    runs = [
        ("default", examples, base),
        ("no stemming", examples, replace(base, stem=False)),
        ("no place features", examples, replace(base, place_weight=0.0)),
        ("place features x1.0", examples, replace(base, place_weight=1.0)),
        ("no place-relative labels", concrete, base),
        ("+ word pairs", examples, replace(base, word_ngrams=2)),
        ("+ character 2-5 grams", examples, replace(base, char_ngrams=True)),
        ("SGD (the model above 12k reports)", examples, replace(base, model="sgd")),
        ("SVM C=1.0", examples, replace(base, model="svm", C=1.0)),
    ]
    for name, data, settings in runs:
        evaluation = learn.cross_validate(data, folds=folds, seed=seed, settings=settings)
        f = {
            "top1": evaluation.top1,
            "top3": evaluation.top3,
            "macro_f1": evaluation.macro_f1,
            "t0.95": evaluation.thresholds["0.95"],
            "share0.95": evaluation.coverage["0.95"],
            "t0.90": evaluation.thresholds["0.90"],
            "share0.90": evaluation.coverage["0.90"],
        }
        print_row("agency", name, len({e.label for e in data}), f, evaluation.seconds)


# -- speed -------------------------------------------------------------------------------------------------------
def speed(csv_path: str, samples: int, seed: int):
    from layan.routing import learn

    print("\nSpeed on one core (all reports of the file)")
    print(
        f"  {'target':<7} {'reports':>7} {'train s':>8} {'CPU s':>6} "
        f"{'predict p50/p99 ms':>19} {'+explain p50/p99 ms':>20}"
    )
    rng = random.Random(seed)
    for target, column in TARGETS:
        examples = load(csv_path, column)
        wall, cpu = time.perf_counter(), time.process_time()
        router = learn.train(examples, seed=seed)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        sample = rng.sample(examples, min(samples, len(examples)))
        # new text each time: the stem cache holds the training words, not every word of a new report
        predict_ms, explain_ms = [], []
        for e in sample:
            started = time.perf_counter()
            best = router.predict(e.text, e.places)
            predict_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            router.explain(e.text, e.places, best[0][0])
            explain_ms.append(predict_ms[-1] + (time.perf_counter() - started) * 1000)
        p = np.percentile(predict_ms, [50, 99])
        q = np.percentile(explain_ms, [50, 99])
        print(
            f"  {target:<7} {len(examples):>7} {wall:>8.1f} {cpu:>6.1f} "
            f"{p[0]:>9.2f} / {p[1]:<7.2f} {q[0]:>10.2f} / {q[1]:<7.2f}",
            flush=True,
        )


def _perturbed(csv_path: str, column: str, n: int, seed: int):
    from layan.routing.learn import Example

    examples = load(csv_path, column)
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        e = rng.choice(examples)
        words = [w for w in e.text.split() if rng.random() >= 0.1] or e.text.split()[:1]
        out.append(Example(" ".join(words), e.label, e.places))
    return out


def _child_train(csv_path: str, column: str, n: int, seed: int, model_path: str) -> dict:
    from layan.routing import learn

    examples = _perturbed(csv_path, column, n, seed)
    before = current_rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    router = learn.train(examples, seed=seed)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    data = router.dumps()
    with open(model_path, "wb") as f:
        f.write(data)
    return {
        "wall": wall,
        "cpu": cpu,
        "rss_before": before,
        "peak": rss_mb(),
        "bytes": len(data),
        "labels": len(router.labels),
        "features": router.n_features,
        "model": router.settings.model,
    }


def _child_load(model_path: str | None) -> dict:
    from layan.routing import learn, text  # noqa: F401  (the same imports as a process that serves suggestions)

    text.normalize("muat pustaka")
    bare = current_rss_mb()
    if model_path is None:
        return {"bare": bare}
    with open(model_path, "rb") as f:
        router = learn.Router.loads(f.read())
    for i in range(50):
        router.predict(f"jalan berlubang di depan rumah nomor {i} mohon segera diperbaiki", ("Tegalsari",))
    return {"bare": bare, "loaded": current_rss_mb(), "peak": rss_mb()}


def in_fresh_process(function, *args):
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def scale(csv_path: str, n: int, seed: int):
    print(f"\nScale and memory (fresh processes; {n:,} reports resampled from the file with 10% word dropout)")
    print(
        f"  {'target':<7} {'reports':>8} {'model':>5} {'labels':>6} {'features':>8} {'train s':>8} {'CPU s':>6} "
        f"{'peak RSS MB':>11} {'+data MB':>8} {'file MB':>7} {'loaded RSS MB':>13} {'+model MB':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        bare = in_fresh_process(_child_load, None)["bare"]
        for target, column in TARGETS:
            path = os.path.join(tmp, f"{target}.router")
            t = in_fresh_process(_child_train, csv_path, column, n, seed, path)
            loaded = in_fresh_process(_child_load, path)
            print(
                f"  {target:<7} {n:>8,} {t['model']:>5} {t['labels']:>6} {t['features']:>8} {t['wall']:>8.1f} "
                f"{t['cpu']:>6.1f} {t['peak']:>11.0f} {t['peak'] - t['rss_before']:>8.0f} {t['bytes'] / 2**20:>7.1f} "
                f"{loaded['loaded']:>13.0f} {loaded['loaded'] - bare:>9.1f}",
                flush=True,
            )
    print(f"  (a bare process with the same imports: {bare:.0f} MB)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", default=DEFAULT_CSV, help="the Surabaya complaints CSV (default: %(default)s)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="3 folds, fewer samples, 20,000 reports at scale")
    parser.add_argument("--variants", action="store_true", help="also compare the model's variants (slow)")
    parser.add_argument("--large-n", type=int, default=100_000, help="reports for the scale run")
    parser.add_argument("--skip", nargs="*", default=[], choices=["accuracy", "speed", "scale"])
    args = parser.parse_args(argv)
    if not os.path.exists(args.csv):
        print(f"no data at {args.csv}: pass --csv PATH", file=sys.stderr)
        return 2
    folds = 3 if args.quick else args.folds
    import platform

    import sklearn

    print(
        f"routing benchmark: {args.csv}\n  Python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    if "accuracy" not in args.skip:
        accuracy(args.csv, folds, args.seed, args.quick)
    if args.variants:
        variants(args.csv, folds, args.seed)
    if "speed" not in args.skip:
        speed(args.csv, 200 if args.quick else 1000, args.seed)
    if "scale" not in args.skip:
        scale(args.csv, 20_000 if args.quick else args.large_n, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
