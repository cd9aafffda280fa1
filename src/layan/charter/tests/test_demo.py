import pytest

from layan.charter import demo, services
from layan.charter.models import Maklumat, Service
from layan.core.models import User

pytestmark = pytest.mark.django_db


def test_demo_catalogue_is_seeded_once_and_keeps_admin_edits(demo_agencies):
    first = demo.seed()
    assert 8 <= Service.objects.count() <= 12
    assert Maklumat.objects.count() == len(demo.MAKLUMAT)
    assert "(0 new)" not in first.split(",")[0]

    akta = Service.objects.get(code="akta-kelahiran-surabaya")
    assert akta.is_free and akta.is_published and akta.published_at is not None
    assert [c.slug for c in akta.categories.all()] == ["adminduk"]
    assert services.service_for_code("kartu-identitas-anak-surabaya") is None  # the demo's draft
    pbg = Service.objects.get(code="pbg-tuban")
    assert services.cost_in_words(pbg) == "Dihitung per permohonan"
    assert User.objects.get(username="pimpinan.dispendukcapil-sby").is_staff
    assert User.objects.get(username="admin.surabaya").is_staff
    assert not User.objects.get(username="penghubung.dispendukcapil-sby").is_staff

    akta.name = "Akta Kelahiran (diubah di admin)"
    akta.save()
    again = demo.seed()
    assert Service.objects.count() == len(demo.SERVICES)
    assert Maklumat.objects.count() == len(demo.MAKLUMAT)
    assert "(0 new)" in again
    assert Service.objects.get(code="akta-kelahiran-surabaya").name == "Akta Kelahiran (diubah di admin)"


def test_every_demo_service_has_the_six_delivery_components(demo_agencies):
    demo.seed()
    for service in Service.objects.all():
        assert len(services.lines(service.requirements)) >= 2, service.code
        assert len(services.lines(service.procedure)) >= 3, service.code
        assert service.time_value, service.code
        assert service.product and service.complaint_handling and service.legal_basis, service.code
        assert services.maklumat_for(service.agency) is not None, service.code
