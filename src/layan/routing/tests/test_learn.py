"""The learning core: training, calibrated suggestions, explanations, storage, cross-validation, CSV examples.

The complaints are generated here: each agency has words of its own (invented for the tests) among common filler
words and informal spellings; no data set is used.
"""

import pickle
import random
import zlib

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from layan.routing.csvsource import ReadStats, place_relative_label, read_examples, resolve_label, same_place
from layan.routing.learn import (
    CURVE_GRID,
    Evaluation,
    Example,
    Router,
    Settings,
    _WordIndex,
    cross_validate,
    precision_curve,
    threshold_for,
    train,
)

AGENCIES = {
    "Dinas Jalan": "jalan aspal berlubang retak ambles paving saluran got tersumbat genangan trotoar",
    "Dinas Kebersihan": "sampah tumpukan bau busuk gerobak kontainer pembakaran limbah lalat menumpuk",
    "Dinas Kependudukan": "ktp akta kelahiran kartu keluarga blanko cetak pindah domisili perekaman",
    "Dinas Perhubungan": "parkir liar jukir rambu lampu merah macet angkot terminal marka",
    "Dinas Sosial": "bansos bantuan sembako lansia terlantar pkh penerima disabilitas",
}
FILLER = (
    "mohon tolong segera sudah lama warga kami di depan rumah dekat sekali bapak ibu terima kasih yg sdh gk".split()
)
PLACES = [
    ("Kota Contoh", "Utara", "Sukamaju"),
    ("Kota Contoh", "Selatan", "Mekarsari"),
    ("Kota Contoh", "Barat", "Jaya"),
]


def complaint(rng: random.Random, words: str, n_own: int = 4) -> str:
    own = rng.sample(words.split(), n_own)
    text = own + rng.sample(FILLER, 5)
    rng.shuffle(text)
    return " ".join(text)


def make_examples(n_per_agency=60, *, seed=0, noise=0.0, agencies=AGENCIES) -> list[Example]:
    rng = random.Random(seed)
    labels = list(agencies)
    examples = []
    for label, words in agencies.items():
        for _ in range(n_per_agency):
            given = rng.choice(labels) if rng.random() < noise else label
            examples.append(Example(complaint(rng, words), given, rng.choice(PLACES)))
    rng.shuffle(examples)
    return examples


@pytest.fixture(scope="module")
def router() -> Router:
    return train(make_examples())


def test_train_and_predict_top_three_best_first(router):
    suggestions = router.predict("sampah menumpuk bau busuk di depan rumah", ("Kota Contoh", "Utara"))
    assert [label for label, _p in suggestions][0] == "Dinas Kebersihan"
    assert len(suggestions) == 3 and len({label for label, _p in suggestions}) == 3
    probabilities = [p for _label, p in suggestions]
    assert probabilities == sorted(probabilities, reverse=True)
    assert probabilities[0] > 0.5
    assert router.labels == sorted(AGENCIES) and router.n_examples == 300


def test_probabilities_over_all_labels_sum_to_one(router):
    texts = ["ktp belum dicetak", "parkir liar di trotoar", "", "kata yang tidak dikenal sama sekali"]
    probs = router.probabilities(texts, [(), ("Selatan",), (), ("Tidak Ada",)])
    assert probs.shape == (4, 5)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    everything = router.predict("ktp belum dicetak", k=10)
    assert len(everything) == 5 and sum(p for _l, p in everything) == pytest.approx(1.0, abs=1e-5)


def test_predict_many_matches_predict(router):
    texts = ["bantuan sembako lansia", "angkot ngetem macet", "got tersumbat genangan"]
    places = [PLACES[0], PLACES[1], ()]
    many = router.predict_many(texts, places, k=2)
    assert [m[0][0] for m in many] == ["Dinas Sosial", "Dinas Perhubungan", "Dinas Jalan"]
    for text, place, result in zip(texts, places, many, strict=True):
        assert result == router.predict(text, place, k=2)
    assert router.predict_many([], []) == []


def test_explain_names_the_words_that_pushed(router):
    words = router.explain("Mhn dibantu, sampah menumpuk dan bau busuk", (), "Dinas Kebersihan", n=3)
    assert len(words) == 3
    assert set(words) <= {"sampah", "menumpuk", "bau", "busuk"}
    assert router.explain("sampah", (), "Dinas Tidak Ada") == []
    # words are shown as written (normalised), not as the stems the model uses
    assert "berlubang" in router.explain("jalan berlubang", (), "Dinas Jalan")


def test_explain_names_a_place_that_decides():
    """Reports from one district go to its district office whatever they say: the place is the reason."""
    rng = random.Random(3)
    examples = make_examples(40, seed=3)
    examples += [
        Example(complaint(rng, "mohon bantuan surat pengantar"), "@kecamatan", ("Kota Contoh", "Timur"))
        for _ in range(40)
    ]
    model = train(examples)
    place = ("Kota Contoh", "Timur")
    assert model.predict("mohon bantuan surat pengantar", place)[0][0] == "@kecamatan"
    assert "lokasi: Timur" in model.explain("mohon bantuan surat pengantar", place, "@kecamatan")


def test_dumps_loads_round_trip(router):
    data = router.dumps()
    assert isinstance(data, bytes)
    assert len(data) < len(pickle.dumps(router))  # compressed
    again = Router.loads(data)
    text, place = "blanko ktp habis", PLACES[2]
    assert again.predict(text, place) == router.predict(text, place)
    assert again.labels == router.labels and again.n_examples == router.n_examples
    with pytest.raises(TypeError):
        Router.loads(zlib.compress(pickle.dumps({"not": "a router"})))


def test_single_and_two_labels():
    one = train([Example("jalan rusak", "Dinas Jalan"), Example("got mampet", "Dinas Jalan")])
    assert one.predict("apa saja") == [("Dinas Jalan", pytest.approx(1.0))]
    two = train(make_examples(20, agencies={k: AGENCIES[k] for k in ("Dinas Jalan", "Dinas Sosial")}))
    best = two.predict("bantuan sembako untuk lansia")
    assert best[0][0] == "Dinas Sosial" and sum(p for _l, p in best) == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(ValueError):
        train([])


def test_calibrated_confidence_matches_accuracy_on_unseen_reports():
    """With a quarter of the labels wrong, a confident-looking model would claim more than it achieves."""
    model = train(make_examples(80, seed=1, noise=0.25))
    held_out = make_examples(40, seed=2, noise=0.25)
    best = model.predict_many([e.text for e in held_out], [e.places for e in held_out], k=1)
    accuracy = np.mean([b[0][0] == e.label for b, e in zip(best, held_out, strict=True)])
    confidence = np.mean([b[0][1] for b in best])
    assert abs(confidence - accuracy) < 0.1, (confidence, accuracy)


def test_cross_validate_figures(router):
    examples = make_examples(50, noise=0.1)
    examples.append(Example("satu satunya laporan tentang kebun binatang", "Dinas Lain"))  # rarer than the folds
    evaluation = cross_validate(examples, folds=5)
    assert isinstance(evaluation, Evaluation)
    assert evaluation.n == 251 and evaluation.folds == 5
    assert 0.75 < evaluation.top1 <= evaluation.top3 <= 1.0
    assert 0.0 < evaluation.macro_f1 <= 1.0
    assert [p["threshold"] for p in evaluation.curve] == list(CURVE_GRID)
    coverages = [p["coverage"] for p in evaluation.curve]
    assert coverages == sorted(coverages, reverse=True)  # a higher threshold never dispatches more
    assert evaluation.curve[-1]["precision"] >= evaluation.curve[0]["precision"] - 0.02  # monotone-ish
    assert evaluation.thresholds["0.95"] == threshold_for(evaluation.curve, 0.95)
    assert evaluation.thresholds["0.90"] <= evaluation.thresholds["0.95"]
    assert 0 < evaluation.coverage["0.95"] <= evaluation.coverage["0.90"] <= 1
    figures = evaluation.as_dict()
    assert set(figures) == {
        "n",
        "folds",
        "top1",
        "top3",
        "macro_f1",
        "auto_dispatch_share_at_95",
        "auto_dispatch_share_at_90",
        "thresholds",
        "coverage",
        "curve",
        "seconds",
    }
    assert figures["auto_dispatch_share_at_95"] == round(evaluation.coverage["0.95"], 4)
    with pytest.raises(ValueError):
        cross_validate(examples[:1])


def test_threshold_for():
    curve = [
        {"threshold": 0.5, "precision": 0.80, "coverage": 0.9},
        {"threshold": 0.7, "precision": 0.91, "coverage": 0.7},
        {"threshold": 0.8, "precision": 0.96, "coverage": 0.5},
        {"threshold": 0.9, "precision": 0.94, "coverage": 0.3},
        {"threshold": 0.95, "precision": 1.0, "coverage": 0.0},
    ]
    assert threshold_for(curve, 0.95) == 0.8
    assert threshold_for(curve, 0.90) == 0.7
    assert threshold_for(curve, 0.5) == 0.5
    assert threshold_for(curve, 0.99) is None  # only the threshold that dispatches nothing reaches it
    points = precision_curve(np.array([0.2, 0.6, 0.9, 0.95]), np.array([False, False, True, True]), grid=(0.5, 0.9))
    assert points == [
        {"threshold": 0.5, "precision": pytest.approx(2 / 3, abs=1e-4), "coverage": 0.75},
        {"threshold": 0.9, "precision": 1.0, "coverage": 0.5},
    ]


# -- CSV examples and place-relative labels -----------------------------------------------------------------------
def test_place_relative_labels():
    assert place_relative_label("Kecamatan Tegalsari", {"kecamatan": "Tegalsari"}) == "@kecamatan"
    assert place_relative_label("Kelurahan Dr. Soetomo", {"kecamatan": "Tegalsari", "kelurahan": "Dr. Soetomo"}) == (
        "@kelurahan"
    )
    # the same place spelt differently in the label and in the place column
    assert place_relative_label("Kecamatan Pabean Cantian", {"kecamatan": "Pabean Cantikan"}) == "@kecamatan"
    assert place_relative_label("Kelurahan Wonorejo - Rungkut", {"kelurahan": "Wonorejo Rungkut"}) == "@kelurahan"
    # another district's office, or an agency, stays as it is
    assert place_relative_label("Kecamatan Sukomanunggal", {"kecamatan": "Dukuh Pakis"}) == "Kecamatan Sukomanunggal"
    assert place_relative_label("Dinas Sosial", {"kecamatan": "Sosial"}) == "Dinas Sosial"
    assert same_place("Gunung Anyar", "Gununganyar") and not same_place("Simomulyo Baru", "Simomulyo")


def test_resolve_label():
    places = {"kecamatan": "Tegalsari", "kelurahan": "Dr. Soetomo"}
    assert resolve_label("@kecamatan", places) == "Kecamatan Tegalsari"
    assert resolve_label("@kelurahan", places) == "Kelurahan Dr. Soetomo"
    assert resolve_label("Dinas Sosial", places) == "Dinas Sosial"
    assert resolve_label("@kecamatan", {"kelurahan": "Dr. Soetomo"}) == "@kecamatan"  # no district known
    offices = ["Kecamatan Genteng", "Kecamatan Pabean Cantian"]
    assert resolve_label("@kecamatan", {"kecamatan": "Pabean Cantikan"}, offices) == "Kecamatan Pabean Cantian"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_read_examples_bom_semicolon_and_place_relative(tmp_path):
    path = write(
        tmp_path,
        "ekspor.csv",
        "Keluhan;Instansi;Kecamatan;Kelurahan\n"
        "jalan berlubang;Dinas Jalan;Tegalsari;Dr. Soetomo\n"
        '"surat pengantar; belum jadi";Kecamatan Tegalsari;Tegalsari;Dr. Soetomo\n'
        "lampu mati;Kelurahan Dr. Soetomo;Tegalsari;Dr. Soetomo\n"
        ";Dinas Jalan;Tegalsari;Dr. Soetomo\n"
        "sampah;;Gubeng;Gubeng\n",
        encoding="utf-8-sig",
    )
    stats = ReadStats()
    examples = read_examples(
        path, text_col="keluhan", label_col="instansi", location_cols=["kecamatan", "kelurahan"], stats=stats
    )
    assert examples == [
        Example("jalan berlubang", "Dinas Jalan", ("Tegalsari", "Dr. Soetomo")),
        Example("surat pengantar; belum jadi", "@kecamatan", ("Tegalsari", "Dr. Soetomo")),
        Example("lampu mati", "@kelurahan", ("Tegalsari", "Dr. Soetomo")),
    ]
    assert (stats.rows, stats.skipped_empty, stats.place_relative) == (5, 2, 2)
    concrete = read_examples(path, text_col="Keluhan", label_col="Instansi", place_relative=False)
    assert [e.label for e in concrete] == ["Dinas Jalan", "Kecamatan Tegalsari", "Kelurahan Dr. Soetomo"]
    assert all(e.places == () for e in concrete)


def test_read_examples_comma_without_bom_and_multiline(tmp_path):
    path = write(tmp_path, "a.csv", 'id,text,label\n1,"baris satu\nbaris dua, lagi",Dinas Sosial\n2,ktp,Dukcapil\n')
    examples = read_examples(path, text_col="text", label_col="label")
    assert examples == [Example("baris satu\nbaris dua, lagi", "Dinas Sosial"), Example("ktp", "Dukcapil")]


def test_read_examples_missing_column(tmp_path):
    path = write(tmp_path, "b.csv", "keluhan,instansi\nx,y\n")
    with pytest.raises(ValueError, match="Kolom tidak ditemukan.*kecamatan"):
        read_examples(path, text_col="keluhan", label_col="instansi", location_cols=["kecamatan"])
    with pytest.raises(ValueError, match="topik"):
        read_examples(path, text_col="keluhan", label_col="topik")


def test_sgd_model_for_large_histories_is_calibrated_too():
    """Above 12,000 reports the SGD form of the model is used (its cost is linear in the data): same contract."""
    model = train(make_examples(600, seed=1, noise=0.25), settings=Settings(model="sgd"))
    assert model.settings.model == "sgd"
    held_out = make_examples(40, seed=2, noise=0.25)
    best = model.predict_many([e.text for e in held_out], [e.places for e in held_out], k=1)
    accuracy = np.mean([b[0][0] == e.label for b, e in zip(best, held_out, strict=True)])
    confidence = np.mean([b[0][1] for b in best])
    assert accuracy > 0.7 and abs(confidence - accuracy) < 0.1, (confidence, accuracy)


def test_stored_vocabulary_gives_the_vectorizers_features():
    """A model keeps its vocabulary and IDF, not scikit-learn's vectorizer; the features must be identical."""
    documents = [e.text for e in make_examples(30)] + ["sampah sampah sampah", "", "kata asing"]
    for ngrams in (1, 2):
        vectorizer = TfidfVectorizer(
            token_pattern=r"\S+", lowercase=False, ngram_range=(1, ngrams), min_df=2, sublinear_tf=True
        )
        expected = vectorizer.fit_transform(documents)
        index = _WordIndex(vectorizer.vocabulary_, vectorizer.idf_, ngrams)
        assert abs(index.transform(documents) - expected).max() < 1e-6
