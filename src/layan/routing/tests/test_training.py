"""Training from the deployment's own dispatch decisions: labels, versions, activation, rollback, retraining."""

import hashlib
import random

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from layan.reports import workflow
from layan.reports.models import Disposition
from layan.routing import schedule, store, training
from layan.routing.models import RouterModel, RoutingPolicy, Suggestion

from .conftest import REGION, complaint

T = RouterModel.Target
pytestmark = pytest.mark.django_db


def test_history_labels_are_the_agencies_that_kept_the_reports(history_maker, staff):
    """A forwarded-away agency is a correction: the label is the agency that kept the report. A dispatch to the
    kecamatan office of the report's own place is the place-relative label "@kecamatan"."""
    rng = random.Random(1)
    kept = history_maker.dispatch(history_maker.submit(*complaint(rng, "dlh-sby")), "dlh-sby")
    forwarded = history_maker.dispatch(history_maker.submit(*complaint(rng, "dsdabm-sby")), "dlh-sby")
    disposition = forwarded.dispositions.get()
    workflow.perform(
        forwarded,
        "forward",
        workflow.Actor(user=staff("penghubung.dlh-sby")),
        disposition=disposition,
        agency=history_maker.agencies["dsdabm-sby"],
        note="Bukan wewenang kami: saluran.",
    )
    history_maker.dispatch(history_maker.submit("Surat pengantar", "Surat keterangan lambat"), "kec-tegalsari")
    elsewhere = history_maker.submit("Surat pengantar", "Surat dari kota lain", region="35.78.08.1001")
    history_maker.dispatch(elsewhere, "kec-tegalsari")  # Gubeng is not Tegalsari's: the office's own label
    history_maker.submit("Belum didisposisikan", "Tidak ada label")

    dataset = training.history_dataset(T.AGENCY)
    labels = {e.text.split("\n")[1]: e.label for e in dataset.examples}
    assert labels[kept.description] == "dlh-sby"
    assert labels[forwarded.description] == "dsdabm-sby"
    assert labels["Surat keterangan lambat"] == "@kecamatan"
    assert labels["Surat dari kota lain"] == "kec-tegalsari"
    assert len(dataset.examples) == 4
    assert dataset.label_map["@kecamatan"] == "kecamatan"
    assert dataset.label_map["dsdabm-sby"] == history_maker.agencies["dsdabm-sby"].pk
    example = next(e for e in dataset.examples if e.label == "@kecamatan")
    assert example.places == ("Jawa Timur", "Kota Surabaya", "Tegalsari", "Tegalsari")


def test_category_labels_come_from_verified_reports(history_maker):
    rng = random.Random(2)
    verified = history_maker.dispatch(history_maker.submit(*complaint(rng, "pln-sby")), "pln-sby", category="listrik")
    history_maker.submit(*complaint(rng, "pln-sby"), category="listrik")  # not verified yet: no label
    dataset = training.history_dataset(T.CATEGORY)
    assert [e.label for e in dataset.examples] == ["listrik"]
    assert verified.description in dataset.examples[0].text
    assert dataset.label_map == {"listrik": history_maker.categories["listrik"].pk}


def test_training_from_history_stores_an_active_version(routed_history, staff):
    model = training.train_from_history(T.AGENCY, trained_by=staff("admin.surabaya"))
    assert model.is_active and model.version == 1 and model.source == "history"
    assert model.n_examples == 60 and sorted(model.labels) == sorted(
        ["dsdabm-sby", "dlh-sby", "dispendukcapil-sby", "pdam-sby", "pln-sby"]
    )
    assert model.file.name.startswith("router/") and default_storage.exists(model.file.name)
    with default_storage.open(model.file.name, "rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == model.sha256 and len(data) == model.size
    for key in ("top1", "top3", "macro_f1", "auto_dispatch_share_at_95", "auto_dispatch_share_at_90", "curve"):
        assert key in model.evaluation
    assert model.evaluation["top1"] >= 0.8  # distinctive words per agency: the model must find them
    assert model.train_seconds > 0 and model.trained_by.username == "admin.surabaya"
    assert set(model.label_map.values()) == {a.pk for s, a in routed_history.agencies.items() if s in model.labels}

    category = training.train_from_history(T.CATEGORY)
    assert category.is_active and set(category.labels) == {
        "jalan-saluran",
        "sampah",
        "adminduk",
        "air-bersih",
        "listrik",
    }
    assert RouterModel.objects.filter(is_active=True).count() == 2


def test_training_refuses_too_little_data(history_maker, settings):
    rng = random.Random(3)
    for _i in range(3):
        history_maker.dispatch(history_maker.submit(*complaint(rng, "dlh-sby")), "dlh-sby")
    with pytest.raises(training.TrainingRefused, match="Data latih belum cukup: 3 laporan"):
        training.train_from_history(T.AGENCY)
    settings.LAYAN_ROUTER_MIN_EXAMPLES = 2
    with pytest.raises(training.TrainingRefused, match="1 instansi berbeda"):  # one agency: nothing to choose
        training.train_from_history(T.AGENCY)
    assert not RouterModel.objects.exists()


def test_activate_and_rollback(routed_history):
    first = training.train_from_history(T.AGENCY)
    second = training.train_from_history(T.AGENCY, activate=False)
    assert not second.is_active and RouterModel.objects.get(is_active=True) == first
    training.activate(T.AGENCY, second.version)
    assert RouterModel.objects.get(is_active=True) == second
    assert store.active()[T.AGENCY].model.pk == second.pk

    back = training.rollback(T.AGENCY)
    assert back.pk == first.pk and RouterModel.objects.get(is_active=True) == first
    report = routed_history.submit(*complaint(random.Random(4), "pdam-sby"), region="35.78.08.1001")
    assert report.suggestion.agency_model_id == first.pk  # the process follows the rollback at once

    with pytest.raises(training.RoutingError, match="Versi 9"):
        training.activate(T.AGENCY, 9)
    with default_storage.open(second.file.name, "wb") as handle:  # a file altered behind Layan's back
        handle.write(b"not the model")
    with pytest.raises(training.RoutingError, match="sha256"):
        training.activate(T.AGENCY, second.version)
    with default_storage.open(first.file.name, "wb") as handle:  # even the active one: intake goes on without
        handle.write(b"broken")
    store.forget()
    report = routed_history.submit(*complaint(random.Random(5), "pdam-sby"), region="35.78.08.1001")
    assert report.pk and not Suggestion.objects.filter(report=report).exists()
    RouterModel.objects.filter(pk=second.pk).delete()
    with pytest.raises(training.RoutingError, match="Tidak ada versi sebelumnya"):
        training.rollback(T.AGENCY)


def test_a_correction_is_a_label_of_the_next_training(routed_history):
    """Reports about fallen trees read like the DLH's (its words) and v1 suggests the DLH; the admin corrects each
    one to the DSDABM. The corrections are labels of v2, which then suggests the DSDABM for such a report."""
    h = routed_history
    v1 = training.train_from_history(T.AGENCY)
    rng = random.Random(5)
    trees = ["pohon", "tumbang", "dahan", "ranting", "rimbun", "akar"]
    for _i in range(10):
        title, text = complaint(rng, "dlh-sby", extra=rng.sample(trees, 4), own=3, filler=5)
        report = h.submit(title, text, region="35.78.08.1001")
        assert report.suggestion.agencies[0]["label"] == "dlh-sby"
        h.dispatch(report, "dsdabm-sby")
        suggestion = Suggestion.objects.get(report=report)
        assert suggestion.outcome == Suggestion.Outcome.CORRECTED
        assert suggestion.chosen_agency == h.agencies["dsdabm-sby"]
    labels = {e.text.split("\n")[1]: e.label for e in training.history_dataset(T.AGENCY).examples}
    assert labels[report.description] == "dsdabm-sby"

    v2 = training.train_from_history(T.AGENCY)
    assert v2.version == v1.version + 1 and v2.n_examples == 70
    probe = "pohon tumbang dahan ranting akar rimbun sampah"
    old = store.load(v1).router.predict(probe, (), k=1)[0][0]
    new = store.active()[T.AGENCY].router.predict(probe, (), k=1)[0][0]
    assert (old, new) == ("dlh-sby", "dsdabm-sby")


def test_scheduled_retraining_runs_once_per_period(routed_history):
    """The worker's schedule: the first process to claim a period queues the task (run at once here), another in
    the same period does nothing; with nothing new since, the task trains nothing."""
    assert schedule.claim_and_queue(168) is True
    assert RouterModel.objects.filter(target=T.AGENCY, source="history").count() == 1
    assert schedule.claim_and_queue(168) is False
    assert training.retrain_all()[T.AGENCY] == "tidak ada keputusan baru sejak versi terakhir"
    assert RouterModel.objects.filter(target=T.AGENCY).count() == 1
    report = routed_history.submit(*complaint(random.Random(6), "pln-sby"), region="35.78.08.1001")
    routed_history.dispatch(report, "pln-sby")
    assert training.retrain_all()[T.AGENCY] == "Instansi v2"
    assert Disposition.objects.filter(report=report).exists()
    assert REGION  # the history's region is Tegalsari; the new reports come from Gubeng


# --- the administrators' page /staf/perutean/ ----------------------------------------------------------------------


def test_models_page_shows_versions_policy_and_live_figures(routed_history, client, staff):
    model = training.train_from_history(T.AGENCY)
    report = routed_history.submit(*complaint(random.Random(7), "dlh-sby"), region="35.78.08.1001")
    routed_history.dispatch(report, "dlh-sby")  # accepted
    other = routed_history.submit(*complaint(random.Random(8), "dlh-sby"), region="35.78.08.1001")
    routed_history.dispatch(other, "pln-sby")  # corrected
    client.force_login(staff("admin.surabaya"))
    page = client.get(reverse("routing:models")).content.decode()
    assert "Perutean otomatis" in page and "v1" in page and "riwayat disposisi" in page
    top1 = f"{round(model.evaluation['top1'] * 100, 1)}%".replace(".", ",")  # Indonesian decimal comma
    assert top1 in page
    assert "Ketepatan saran pertama" in page and "<strong>50,0%</strong>" in page  # 1 accepted, 1 corrected
    assert 'name="target_precision"' in page and "Latih ulang sekarang" in page
    assert "Ambang keyakinan" in page  # the threshold each precision implies

    preview = client.get(reverse("routing:models"), {"ketepatan": "0,90"}).content.decode()
    assert 'role="status"' in preview and "Ketepatan 90%" in preview


def test_models_page_is_for_admins_only(demo_agencies, client, staff):
    url = reverse("routing:models")
    assert client.get(url).status_code == 302  # to the login page
    for username in ("penghubung.dlh-sby", "pengawas.ombudsman-jatim", "callcenter.surabaya"):
        client.force_login(staff(username))
        assert client.get(url).status_code == 403, username
        assert client.post(reverse("routing:models-retrain")).status_code == 403
        assert client.post(reverse("routing:models-policy"), {"auto_dispatch": "on"}).status_code == 403
    assert not RoutingPolicy.current().auto_dispatch
    client.force_login(staff("sysadmin"))
    page = client.get(url).content.decode()
    assert "Belum ada model instansi yang aktif." in page and "Belum ada versi." in page


def test_models_page_actions(routed_history, client, staff):
    admin = staff("admin.surabaya")
    client.force_login(admin)
    response = client.post(reverse("routing:models-retrain"), follow=True)
    assert "Instansi: Instansi v1" in response.content.decode()
    assert RouterModel.objects.get(target=T.AGENCY, is_active=True).trained_by == admin
    assert RouterModel.objects.filter(target=T.CATEGORY, is_active=True).exists()
    page = client.get(reverse("routing:models")).content.decode()  # the policy row is made now, with its default
    assert page.count("<td>95%</td>") == 1 and 'aria-current="true"' in page
    client.post(reverse("routing:models-retrain"))
    assert RouterModel.objects.get(target=T.AGENCY, is_active=True).version == 2  # the button always retrains

    assert "Kembalikan ke v1 (versi aktif sebelum v2)" in client.get(reverse("routing:models")).content.decode()
    client.post(reverse("routing:models-rollback"), {"target": "agency"})
    assert RouterModel.objects.get(target=T.AGENCY, is_active=True).version == 1
    client.post(reverse("routing:models-activate"), {"target": "agency", "version": "2"})
    assert RouterModel.objects.get(target=T.AGENCY, is_active=True).version == 2
    response = client.post(reverse("routing:models-activate"), {"target": "agency", "version": "7"}, follow=True)
    assert "Versi 7 untuk Instansi tidak ada." in response.content.decode()

    response = client.post(reverse("routing:models-policy"), {"auto_dispatch": "on", "target_precision": "0.5"})
    assert response.status_code == 400 and not RoutingPolicy.current().auto_dispatch
    client.post(reverse("routing:models-policy"), {"auto_dispatch": "on", "target_precision": "0.90"})
    policy = RoutingPolicy.current()
    assert policy.auto_dispatch and str(policy.target_precision) == "0.90" and policy.updated_by == admin
