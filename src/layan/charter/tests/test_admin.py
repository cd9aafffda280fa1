"""The admin is scoped by agency: staff manage their own agencies' services and maklumat, no one else's."""

import datetime as dt

import pytest
from django.urls import reverse

from layan.charter.models import Maklumat, Service
from layan.core import permissions

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:charter_service_changelist")
ADD = reverse("admin:charter_service_add")


@pytest.fixture
def head_of(staff):
    """Log in the pimpinan of an agency, flagged "staf" so Django's admin lets them in."""

    def login(client, slug):
        user = staff(f"pimpinan.{slug}")
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        return user

    return login


def service_form(agency, **overrides):
    data = {
        "agency": agency.pk,
        "name": "Legalisir Akta",
        "code": "legalisir-akta",
        "description": "",
        "requirements": "Akta asli",
        "procedure": "Serahkan akta\nAmbil legalisir",
        "time_value": "1",
        "time_unit": "hari_kerja",
        "cost_amount": "0",
        "cost_note": "",
        "product": "Salinan akta terlegalisir",
        "complaint_handling": "",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def test_head_and_platform_admin_manage_services_liaison_does_not(staff, demo_agencies):
    dukcapil = demo_agencies["dispendukcapil-sby"]
    assert permissions.has_perm(staff("pimpinan.dispendukcapil-sby"), permissions.SERVICE_MANAGE, dukcapil)
    assert permissions.has_perm(staff("admin.surabaya"), permissions.SERVICE_MANAGE, dukcapil)  # a unit below
    assert not permissions.has_perm(staff("admin.tuban"), permissions.SERVICE_MANAGE, dukcapil)
    assert not permissions.has_perm(staff("penghubung.dispendukcapil-sby"), permissions.SERVICE_MANAGE)
    assert permissions.is_global(staff("sysadmin"), permissions.SERVICE_MANAGE)


def test_changelist_shows_only_the_users_agencies(client, head_of, make_service):
    make_service(code="akta", name="Penerbitan Akta Kelahiran")
    make_service(agency="pupr-tuban", code="pbg", name="Persetujuan Bangunan Gedung")
    head_of(client, "dispendukcapil-sby")
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Penerbitan Akta Kelahiran" in page
    assert "Persetujuan Bangunan Gedung" not in page
    assert "DPUPR" not in page and "Pekerjaan Umum" not in page  # not even in the agency filter


def test_staff_cannot_change_another_agencys_service(client, head_of, make_service, demo_agencies):
    pbg = make_service(agency="pupr-tuban", code="pbg", name="Persetujuan Bangunan Gedung")
    head_of(client, "dispendukcapil-sby")
    url = reverse("admin:charter_service_change", args=[pbg.pk])
    assert client.get(url).status_code == 302  # "does not exist" for them, back to the admin index
    client.post(url, service_form(demo_agencies["pupr-tuban"], name="Diubah", code="pbg"))
    pbg.refresh_from_db()
    assert pbg.name == "Persetujuan Bangunan Gedung"


def test_staff_cannot_create_a_service_for_another_agency(client, head_of, demo_agencies):
    head_of(client, "dispendukcapil-sby")
    response = client.post(ADD, service_form(demo_agencies["pupr-tuban"]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["agency"]
    assert not Service.objects.exists()
    agencies = list(response.context["adminform"].form.fields["agency"].queryset)
    assert agencies == [demo_agencies["dispendukcapil-sby"]]


def test_staff_create_and_change_their_own_agencys_service(client, head_of, make_service, demo_agencies):
    head_of(client, "dispendukcapil-sby")
    response = client.post(ADD, service_form(demo_agencies["dispendukcapil-sby"]))
    assert response.status_code == 302
    created = Service.objects.get(code="legalisir-akta")
    assert created.is_published and created.published_at is not None

    url = reverse("admin:charter_service_change", args=[created.pk])
    response = client.post(url, service_form(demo_agencies["dispendukcapil-sby"], cost_amount="-5"))
    assert response.status_code == 200  # refused: a cost cannot be negative
    created.refresh_from_db()
    assert created.cost_amount == 0
    client.post(url, service_form(demo_agencies["dispendukcapil-sby"], cost_amount="25000"))
    created.refresh_from_db()
    assert created.cost_amount == 25000


def test_liaison_officer_without_service_manage_is_refused(client, staff, make_service):
    make_service(code="akta")
    user = staff("penghubung.dispendukcapil-sby")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 403


def test_publish_and_withdraw_actions(client, head_of, make_service):
    draft = make_service(code="kia", is_published=False)
    other = make_service(agency="pupr-tuban", code="pbg", is_published=False)
    head_of(client, "dispendukcapil-sby")
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk, other.pk]})
    draft.refresh_from_db()
    other.refresh_from_db()
    assert draft.is_published and draft.published_at is not None
    assert not other.is_published
    client.post(CHANGELIST, {"action": "withdraw", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert not draft.is_published and draft.published_at is None


def test_maklumat_admin_is_scoped_too(client, head_of, demo_agencies):
    tuban = Maklumat.objects.create(
        agency=demo_agencies["pupr-tuban"], signed_on=dt.date(2025, 1, 13), signatory_name="X", signatory_position="Y"
    )
    head_of(client, "dispendukcapil-sby")
    changelist = reverse("admin:charter_maklumat_changelist")
    assert "Pekerjaan Umum" not in client.get(changelist).content.decode()
    assert client.get(reverse("admin:charter_maklumat_change", args=[tuban.pk])).status_code == 302
    form = client.get(reverse("admin:charter_maklumat_add")).context["adminform"].form
    assert "siap menerima sanksi" in form["text"].value()  # the common wording, ready to sign
    response = client.post(
        reverse("admin:charter_maklumat_add"),
        {
            "agency": demo_agencies["dispendukcapil-sby"].pk,
            "text": "Kami sanggup.",
            "place": "Surabaya",
            "signed_on": "2025-01-06",
            "signatory_name": "Dra. Endah",
            "signatory_position": "Kepala Dinas",
        },
    )
    assert response.status_code == 302
    assert Maklumat.objects.get(agency=demo_agencies["dispendukcapil-sby"]).signatory_name == "Dra. Endah"


def test_system_administrator_sees_every_agency(client, staff, make_service):
    make_service(code="akta", name="Penerbitan Akta Kelahiran")
    make_service(agency="pupr-tuban", code="pbg", name="Persetujuan Bangunan Gedung")
    client.force_login(staff("sysadmin"))
    page = client.get(CHANGELIST).content.decode()
    assert "Penerbitan Akta Kelahiran" in page and "Persetujuan Bangunan Gedung" in page
