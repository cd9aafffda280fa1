"""Role scoping, tested for every role: what each demo login may see and do, and where."""

import pytest
from auditlog.context import set_actor

from layan.core import audit
from layan.core import permissions as p
from layan.core.models import Agency, Membership, User

ALL = [
    p.REPORT_VIEW,
    p.REPORT_VERIFY,
    p.REPORT_DISPATCH,
    p.REPORT_RESPOND,
    p.REPORT_INTAKE,
    p.AUDIT_VIEW,
    p.STATS_VIEW,
    p.REFERENCE_MANAGE,
    p.WEBHOOK_MANAGE,
]


def slugs_in_scope(user, perm):
    scope = p.agency_scope(user, perm)
    return (
        set(Agency.objects.filter(pk__in=scope).values_list("slug", flat=True))
        if scope is not p.EVERYTHING
        else "everything"
    )


def granted(user):
    return {perm for perm in ALL if p.has_perm(user, perm)}


@pytest.mark.django_db
def test_platform_admin_reaches_its_government_tree_only(staff):
    user = staff("admin.surabaya")
    assert granted(user) == {
        p.REPORT_VIEW,
        p.REPORT_VERIFY,
        p.REPORT_DISPATCH,
        p.REPORT_INTAKE,
        p.AUDIT_VIEW,
        p.STATS_VIEW,
        p.WEBHOOK_MANAGE,
    }
    scope = slugs_in_scope(user, p.REPORT_VERIFY)
    assert {"surabaya", "kominfo-sby", "dlh-sby", "dsdabm-sby", "kec-tegalsari"} <= scope
    assert not scope & {"tuban", "pupr-tuban", "jatim", "pdam-sby", "bpn-tuban"}
    assert not p.has_perm(user, p.REPORT_RESPOND, Agency.objects.get(slug="dlh-sby"))


@pytest.mark.django_db
def test_penghubung_acts_in_own_agency_only(staff):
    user = staff("penghubung.dlh-sby")
    assert granted(user) == {p.REPORT_VIEW, p.REPORT_RESPOND}
    assert slugs_in_scope(user, p.REPORT_RESPOND) == {"dlh-sby"}
    assert not p.has_perm(user, p.REPORT_VIEW, Agency.objects.get(slug="dsdabm-sby"))
    assert not p.has_perm(user, p.REPORT_VERIFY)


@pytest.mark.django_db
def test_pimpinan_reaches_units_below(staff):
    user = staff("pimpinan.dinkes-tuban")
    assert granted(user) == {p.REPORT_VIEW, p.REPORT_RESPOND, p.AUDIT_VIEW, p.STATS_VIEW, p.WEBHOOK_MANAGE}
    assert slugs_in_scope(user, p.REPORT_VIEW) == {"dinkes-tuban", "rsud-koesma"}
    # ... but a unit's head does not reach up to the parent.
    assert slugs_in_scope(staff("pimpinan.rsud-koesma"), p.REPORT_VIEW) == {"rsud-koesma"}


@pytest.mark.django_db
def test_oversight_is_read_only_across_overseen_agencies(staff):
    inspektorat = staff("pengawas.inspektorat-sby")
    assert granted(inspektorat) == {p.REPORT_VIEW, p.AUDIT_VIEW, p.STATS_VIEW}
    scope = slugs_in_scope(inspektorat, p.REPORT_VIEW)
    assert {"surabaya", "dlh-sby", "kec-tegalsari", "inspektorat-sby"} <= scope
    assert not scope & {"tuban", "pdam-sby", "jatim"}
    ombudsman = staff("pengawas.ombudsman-jatim")
    scope = slugs_in_scope(ombudsman, p.REPORT_VIEW)
    assert {"pdam-sby", "bpn-tuban", "rsud-koesma", "dlh-sby", "kominfo-jatim", "samsat-sby-utara"} <= scope
    for perm in (p.REPORT_RESPOND, p.REPORT_VERIFY, p.REPORT_DISPATCH, p.REFERENCE_MANAGE):
        assert not p.has_perm(ombudsman, perm)


@pytest.mark.django_db
def test_sysadmin_reaches_everything(staff):
    user = staff("sysadmin")
    assert granted(user) == set(ALL)
    assert p.is_global(user, p.REFERENCE_MANAGE)
    assert p.has_perm(user, p.REPORT_RESPOND, Agency.objects.get(slug="bpn-tuban"))


@pytest.mark.django_db
def test_call_centre_enters_reports_but_reads_none(staff):
    user = staff("callcenter.surabaya")
    assert granted(user) == {p.REPORT_INTAKE}
    assert not p.has_perm(user, p.REPORT_VIEW, Agency.objects.get(slug="surabaya"))


@pytest.mark.django_db
def test_no_membership_or_inactive_membership_grants_nothing(staff, demo_agencies):
    citizen = User.objects.create_user("warga", password="x")
    assert granted(citizen) == set()
    user = staff("penghubung.dlh-sby")
    Membership.objects.filter(user=user).update(is_active=False)
    p.forget(user)
    assert granted(user) == set()


@pytest.mark.django_db
def test_inactive_agency_grants_nothing(staff):
    Agency.objects.filter(slug="dlh-sby").update(is_active=False)
    assert granted(staff("penghubung.dlh-sby")) == set()


@pytest.mark.django_db
def test_filter_by_scope(staff):
    user = staff("penghubung.dsdabm-sby")
    assert list(
        p.filter_by_scope(Agency.objects.all(), user, p.REPORT_VIEW, field="pk").values_list("slug", flat=True)
    ) == ["dsdabm-sby"]
    assert (
        p.filter_by_scope(Agency.objects.all(), staff("sysadmin"), p.REPORT_VIEW, field="pk").count()
        == Agency.objects.count()
    )


@pytest.mark.django_db
def test_audit_records_who_when_what_and_is_scoped(staff, demo_agencies):
    admin = staff("sysadmin")
    dlh, pupr = demo_agencies["dlh-sby"], demo_agencies["pupr-tuban"]
    with set_actor(admin):
        dlh.phone = "+62315555111"
        dlh.save()
        pupr.email = "pupr-baru@tubankab.go.id"
        pupr.save()
    entry = audit.entries_visible_to(admin).filter(object_id=dlh.pk, content_type__model="agency").first()
    assert entry.actor == admin
    assert entry.changes_dict["phone"][1] == "+62315555111"
    inspektorat = staff("pengawas.inspektorat-sby")
    visible = audit.entries_visible_to(inspektorat)
    assert visible.filter(object_id=dlh.pk, content_type__model="agency").exists()
    assert not visible.filter(object_id=pupr.pk, content_type__model="agency").exists()
    assert not audit.entries_visible_to(staff("penghubung.dlh-sby")).exists()
