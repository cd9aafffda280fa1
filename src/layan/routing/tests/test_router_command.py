"""``layan router ...``: cold start from a CSV export, evaluation as JSON, versions, and a model trained here
used by another process."""

import json
import os
import random
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from layan.reports.models import Report
from layan.routing import store, training
from layan.routing.models import RouterModel, RoutingPolicy

from .conftest import FILLER, complaint

T = RouterModel.Target
pytestmark = pytest.mark.django_db

# An old system's labels are names, spelled its own way: a full name, a short name, a slug, a name nobody here
# has (the fire brigade is not a demo agency), and the kecamatan office of the row's own place.
OLD_LABELS = {
    "Dinas Lingkungan Hidup Kota Surabaya": ("dlh-sby", "Sampah dan kebersihan"),
    "DSDABM Surabaya": ("dsdabm-sby", "Jalan, trotoar dan saluran"),
    "dispendukcapil-sby": ("dispendukcapil-sby", "Administrasi kependudukan (KTP, KK, akta)"),
    "PDAM Surya Sembada": ("pdam-sby", "Air bersih (PDAM)"),
}
FIRE = "kebakaran api hidran damkar asap terbakar pemadam selang korsleting tabung apar darurat".split()
OFFICE = "surat pengantar camat legalisir keterangan waris izin keramaian cap stempel tanda tangan".split()
PLACES = [("Tegalsari", "Dr. Soetomo"), ("Gubeng", "Gubeng")]


def write_csv(path: Path, rows_per_label: int = 12) -> Path:
    rng = random.Random(11)
    lines = ["isi;instansi;topik;kecamatan;kelurahan"]
    for i in range(rows_per_label):
        kecamatan, kelurahan = PLACES[i % 2]
        for label, (slug, topic) in OLD_LABELS.items():
            lines.append(f"{' '.join(complaint(rng, slug))};{label};{topic};{kecamatan};{kelurahan}")
        fire = " ".join(rng.sample(FIRE, 6) + rng.sample(FILLER, 6))
        lines.append(f"{fire};Dinas Pemadam Kebakaran;Kebakaran;{kecamatan};{kelurahan}")
        office = " ".join(rng.sample(OFFICE, 6) + rng.sample(FILLER, 6))
        lines.append(f"{office};Kecamatan {kecamatan};Pelayanan kecamatan, kelurahan dan desa;{kecamatan};{kelurahan}")
    lines.append(";DSDABM Surabaya;;Gubeng;Gubeng")  # no text: skipped
    path.write_bytes("\ufeff".encode() + "\n".join(lines).encode())  # with a BOM, semicolons, as Excel writes
    return path


def run(*args) -> str:
    out = StringIO()
    call_command("router", *args, stdout=out)
    return out.getvalue()


CSV_ARGS = ["--text-col", "isi", "--label-col", "instansi", "--location-cols", "kecamatan", "kelurahan"]


@pytest.fixture
def export(tmp_path, demo_agencies):
    store.forget()
    return write_csv(tmp_path / "ekspor-lama.csv")


def test_train_from_csv_maps_old_labels_to_agencies(export, demo_agencies, history_maker):
    output = run("train", "--csv", str(export), *CSV_ARGS)
    model = RouterModel.objects.get(target=T.AGENCY)
    assert model.is_active and model.source == "csv:ekspor-lama.csv" and model.n_examples == 72
    expected = {label: demo_agencies[slug].pk for label, (slug, _topic) in OLD_LABELS.items()}
    assert model.label_map == {**expected, "Dinas Pemadam Kebakaran": None, "@kecamatan": "kecamatan"}
    assert "agency v1 [aktif]: csv:ekspor-lama.csv, 72 contoh, 6 label" in output
    assert "Label tanpa padanan di sini" in output and "Dinas Pemadam Kebakaran" in output

    # "@kecamatan" is the office of the new report's own place; the fire brigade is shown but never dispatched
    report = history_maker.submit("Legalisir", "surat pengantar legalisir cap stempel camat keterangan waris")
    assert report.suggestion.agencies[0]["agency_id"] == demo_agencies["kec-tegalsari"].pk
    policy = RoutingPolicy.current()
    policy.auto_dispatch, policy.target_precision = True, "0.80"
    policy.save()
    fire = history_maker.submit("Kebakaran", "kebakaran api damkar hidran pemadam selang terbakar")
    assert fire.suggestion.agencies[0] | {"terms": []} == {
        "label": "Dinas Pemadam Kebakaran",
        "agency_id": None,
        "name": "Dinas Pemadam Kebakaran",
        "confidence": fire.suggestion.confidence,
        "terms": [],
    }
    assert Report.objects.get(pk=fire.pk).state == Report.State.BARU


def test_old_names_map_to_agencies_here(demo_agencies, regions):
    from layan.core.models import Agency, Region

    labels = [
        "dinsos-sby",
        "Dinas Sosial",  # the name without "Kota Surabaya", as the city's own old system writes it
        "DISPENDUKCAPIL  surabaya",  # the short name, in other case and spacing
        "Kecamatan Tegalsari Kota Surabaya",
        "@kelurahan",
        "Dinas Pariwisata",
    ]
    found = training.agency_label_map(labels)
    assert found == {
        "dinsos-sby": demo_agencies["dinsos-sby"].pk,
        "Dinas Sosial": demo_agencies["dinsos-sby"].pk,
        "DISPENDUKCAPIL  surabaya": demo_agencies["dispendukcapil-sby"].pk,
        "Kecamatan Tegalsari Kota Surabaya": demo_agencies["kec-tegalsari"].pk,
        "@kelurahan": "desa",
        "Dinas Pariwisata": None,
    }
    Agency.objects.create(
        name="Dinas Sosial Kabupaten Tuban",
        slug="dinsos-tuban",
        kind="opd",
        level="kabkota",
        home_region=Region.objects.get(code="35.23"),
    )
    assert training.agency_label_map(["Dinas Sosial"]) == {"Dinas Sosial": None}  # whose? the admin decides


def test_train_categories_from_csv_without_activating(export, categories):
    run(
        "train",
        "--csv",
        str(export),
        "--text-col",
        "isi",
        "--label-col",
        "topik",
        "--target",
        "category",
        "--no-activate",
    )
    model = RouterModel.objects.get(target=T.CATEGORY)
    assert not model.is_active
    assert model.label_map["Sampah dan kebersihan"] == categories["sampah"].pk  # by name
    assert model.label_map["Kebakaran"] is None
    assert "Kebakaran" in model.labels


def test_evaluate_csv_prints_the_figures_as_json(export):
    result = json.loads(run("evaluate", "--csv", str(export), *CSV_ARGS, "--folds", "3"))
    for key in ("top1", "top3", "macro_f1", "auto_dispatch_share_at_95", "auto_dispatch_share_at_90"):
        assert 0 <= result[key] <= 1, key
    assert result["top1"] >= 0.8 and result["top3"] >= result["top1"]
    assert set(result["thresholds"]) == {"0.95", "0.90"} and result["curve"]
    assert result["n"] == 72 and result["folds"] == 3 and result["labels"] == 6 and result["labels_mapped"] == 5
    assert not RouterModel.objects.exists()  # evaluation stores nothing


def test_evaluate_and_train_from_history(export, routed_history):
    result = json.loads(run("evaluate"))
    assert result["source"] == "history" and result["n"] == 60 and result["top1"] >= 0.8

    # a cold start from 72 old reports is not replaced by the schedule with a model of 60 decisions...
    run("train", "--csv", str(export), *CSV_ARGS)
    outcome = training.retrain_all()
    assert "Instansi v2 disimpan tanpa diaktifkan" in outcome["agency"]
    assert RouterModel.objects.get(target=T.AGENCY, is_active=True).version == 1
    assert RouterModel.objects.get(target=T.CATEGORY, is_active=True).source == "history"
    # ...but an administrator who asks for it gets it
    run("train")
    assert RouterModel.objects.get(target=T.AGENCY, is_active=True).source == "history"


def test_commands_refuse_clearly(export, demo_agencies):
    with pytest.raises(CommandError, match="Data latih belum cukup: 0 laporan"):
        run("train")
    with pytest.raises(CommandError, match="Kolom tidak ditemukan di berkas CSV: keluhan"):
        run("train", "--csv", str(export), "--text-col", "keluhan", "--label-col", "instansi")
    with pytest.raises(CommandError, match="--text-col dan --label-col wajib"):
        run("evaluate", "--csv", str(export))
    with pytest.raises(CommandError, match="Berkas tidak ditemukan"):
        run("train", "--csv", str(export.parent / "tidak-ada.csv"), *CSV_ARGS)
    with pytest.raises(CommandError, match="Tidak ada versi sebelumnya"):
        run("rollback")
    assert "Belum ada model" in run("list")


def test_list_activate_and_rollback(export):
    run("train", "--csv", str(export), *CSV_ARGS)
    run("train", "--csv", str(export), *CSV_ARGS)
    listing = run("list")
    assert "agency v2 [aktif]" in listing and "agency v1:" in listing and "top-1" in listing
    assert "Dikembalikan ke Instansi v1" in run("rollback")
    assert RouterModel.objects.get(is_active=True).version == 1
    assert "Aktif: Instansi v2" in run("activate", "--version", "2")
    assert RouterModel.objects.get(is_active=True).version == 2
    with pytest.raises(CommandError, match="Versi 5 untuk Instansi tidak ada"):
        run("activate", "--version", "5")


@pytest.mark.django_db(transaction=True)
def test_a_model_trained_here_serves_another_process(export, tmp_path):
    """The file is in the default storage and the version in the database: a separate process (as the web and the
    worker are) loads it and suggests from it."""
    from django.conf import settings
    from django.db import connection

    from conftest import _database_url

    run("train", "--csv", str(export), *CSV_ARGS)
    src = str(Path(__file__).resolve().parents[3])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH", "")])),
        "DJANGO_SETTINGS_MODULE": "layan.settings.demo",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "SECRET_KEY": settings.SECRET_KEY,
        "LAYAN_DATA_DIR": str(tmp_path / "data"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    text = "air pdam keruh meteran pipa bocor tekanan kecil"
    command = [sys.executable, "-m", "layan.cli", "router", "predict", "--text", text, "--region", "35.78.08.1001"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["agency"]["version"] == 1
    assert result["agency"]["suggestions"][0]["label"] == "PDAM Surya Sembada"
