"""Every transition of the state machine, allowed and refused, for every role; and what each one does."""

import pytest
from django.core.exceptions import ValidationError

from layan.core.models import Region
from layan.deadlines.models import Clock, Step
from layan.reports import workflow
from layan.reports.models import Disposition, Report, ReportEvent
from layan.reports.services import NewReport, ReporterInfo, submit_report
from layan.reports.workflow import SYSTEM_ACTOR, Actor, ConcurrentChange, TransitionError, perform

S = Report.State

ROLES = [
    "admin.surabaya",
    "sysadmin",
    "penghubung.dsdabm-sby",
    "pimpinan.dsdabm-sby",
    "penghubung.dlh-sby",
    "pengawas.inspektorat-sby",
    "callcenter.surabaya",
    "admin.tuban",
    "reporter",
    "public",
    "system",
]

ADMIN_ACTIONS = {
    S.BARU: {"verify", "dispatch", "classify", "pend", "archive", "note"},
    S.TERTUNDA: {"classify", "archive", "note"},
    S.TERVERIFIKASI: {"dispatch", "classify", "pend", "archive", "note"},
    S.TERDISPOSISI: {"dispatch", "classify", "note"},
    S.DIPROSES: {"dispatch", "classify", "note"},
    S.SELESAI: {"note"},
    S.DITUTUP: set(),
    S.ARSIP: set(),
}
# Agency actions on the report's disposition to DSDABM (its state follows from the report's state below).
AGENCY_ACTIONS = {
    S.TERDISPOSISI: {"accept", "progress", "resolve", "forward", "return", "note"},
    S.DIPROSES: {"progress", "resolve", "forward", "return", "note"},  # accepted: state diterima
    S.SELESAI: {"note"},
}
REPORTER_ACTIONS = {
    S.BARU: {"add_info"},
    S.TERTUNDA: {"add_info"},
    S.TERVERIFIKASI: {"add_info"},
    S.TERDISPOSISI: {"add_info"},
    S.DIPROSES: {"add_info"},
    S.SELESAI: {"confirm", "reopen", "rate"},
    S.DITUTUP: {"rate"},
}


def expected(role, state):
    if role in ("admin.surabaya",):
        return ADMIN_ACTIONS[state]
    if role == "sysadmin":
        return ADMIN_ACTIONS[state] | AGENCY_ACTIONS.get(state, set())
    if role in ("penghubung.dsdabm-sby", "pimpinan.dsdabm-sby"):
        return AGENCY_ACTIONS.get(state, set())
    if role == "reporter":
        return REPORTER_ACTIONS.get(state, set())
    if role == "system":
        return {"auto_close"} if state == S.SELESAI else {"auto_dispatch"} if state == S.BARU else set()
    return set()  # other agencies, oversight (read-only), call centre, another government's admin, the public


def new_report(**kwargs):
    return submit_report(
        NewReport(
            title="Lampu PJU mati di Jl. Tegalsari",
            description="Sudah tiga malam lampu jalan mati, rawan kecelakaan.",
            region=Region.objects.get(code="35.78.05.1001"),
            **kwargs,
        ),
        reporter=ReporterInfo(name="Siti Aminah", phone="081234567890", email="siti@example.com"),
    )


def drive(state, staff, agencies):
    """A fresh report brought to ``state`` through the state machine itself."""
    report = new_report()
    admin, agency = Actor(user=staff("admin.surabaya")), Actor(user=staff("penghubung.dsdabm-sby"))
    if state == S.BARU:
        return report
    if state == S.TERTUNDA:
        perform(report, "pend", admin, note="Mohon sebutkan nomor tiang lampu.")
        return report
    if state == S.ARSIP:
        perform(report, "archive", admin, reason=Report.ArchiveReason.UMUM)
        return report
    perform(report, "verify", admin, agencies=[] if state == S.TERVERIFIKASI else [agencies["dsdabm-sby"]])
    if state in (S.TERVERIFIKASI, S.TERDISPOSISI):
        return report
    disposition = report.dispositions.get()
    perform(report, "accept", agency, disposition=disposition)
    if state == S.DIPROSES:
        return report
    perform(report, "resolve", agency, disposition=disposition, note="Lampu sudah diganti.")
    if state == S.SELESAI:
        return report
    perform(report, "confirm", Actor(reporter_secret=report.secret))
    assert state == S.DITUTUP
    return report


def actor_for(role, report, staff):
    if role == "reporter":
        return Actor(reporter_secret=report.secret)
    if role == "public":
        return Actor(reporter_secret="not-the-secret")
    if role == "system":
        return SYSTEM_ACTOR
    return Actor(user=staff(role))


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("role", ROLES)
def test_allowed_actions_for_every_role_in_every_state(state, role, staff, demo_agencies):
    report = drive(state, staff, demo_agencies)
    assert report.state == state
    actor = actor_for(role, report, staff)
    disposition = report.dispositions.filter(agency__slug="dsdabm-sby").first()
    allowed = {t.action for t in workflow.allowed_actions(report, actor)}
    if disposition is not None:
        allowed |= {t.action for t in workflow.allowed_actions(report, actor, disposition)}
    assert allowed == expected(role, state)


@pytest.mark.django_db
def test_refused_action_raises_and_changes_nothing(staff, demo_agencies):
    report = new_report()
    before = (report.state, report.version, report.events.count())
    with pytest.raises(TransitionError):
        perform(report, "verify", Actor(user=staff("penghubung.dlh-sby")))
    with pytest.raises(TransitionError):
        perform(report, "confirm", Actor(reporter_secret=report.secret))  # not resolved yet
    report.refresh_from_db()
    assert (report.state, report.version, report.events.count()) == before


@pytest.mark.django_db
def test_submit_starts_verification_clock_and_records_event(demo_agencies):
    report = new_report()
    assert report.state == S.BARU and report.admin_agency.slug == "surabaya"
    event = report.events.get()
    assert event.action == "submit" and event.is_public and event.clock_effect == "start:verification"
    clock = report.clocks.get()
    assert clock.step == Step.VERIFICATION and clock.status == Clock.Status.RUNNING
    assert event.deadline_at == clock.due_at
    assert len(report.tracking_number) == 9 and report.tracking_number[4] == "-"
    assert report.reporter.phone == "+6281234567890"


@pytest.mark.django_db
def test_verify_and_dispatch_to_two_agencies_starts_their_clocks(staff, demo_agencies):
    report = new_report()
    perform(
        report,
        "verify",
        Actor(user=staff("admin.surabaya")),
        agencies=[demo_agencies["dsdabm-sby"], demo_agencies["pln-sby"]],
        note="Lampu jalan dan listrik.",
    )
    assert report.state == S.TERDISPOSISI and report.verified_at and report.dispatched_at
    assert report.dispositions.count() == 2
    assert report.clocks.get(step=Step.VERIFICATION).status == Clock.Status.MET
    first = report.clocks.filter(step=Step.FIRST_RESPONSE, status=Clock.Status.RUNNING)
    assert first.count() == 2
    pln = first.get(agency__slug="pln-sby")
    assert (pln.due_at - pln.started_at).total_seconds() == 24 * 3600  # 1x24 jam, calendar hours
    assert list(report.events.values_list("action", flat=True)) == ["submit", "verify", "dispatch"]


@pytest.mark.django_db
def test_dispatch_without_agency_is_a_validation_error(staff, demo_agencies):
    report = new_report()
    perform(report, "verify", Actor(user=staff("admin.surabaya")))
    with pytest.raises(ValidationError):
        perform(report, "dispatch", Actor(user=staff("admin.surabaya")), agencies=[])
    report.refresh_from_db()
    assert report.state == S.TERVERIFIKASI


@pytest.mark.django_db
def test_pend_pauses_and_add_info_resumes(staff, demo_agencies):
    report = new_report()
    perform(report, "pend", Actor(user=staff("admin.surabaya")), note="Di depan nomor berapa?")
    clock = report.clocks.get(step=Step.VERIFICATION)
    assert report.state == S.TERTUNDA and clock.status == Clock.Status.PAUSED and clock.remaining_seconds > 0
    perform(report, "add_info", Actor(reporter_secret=report.secret), note="Depan rumah nomor 15.")
    clock.refresh_from_db()
    assert report.state == S.BARU and clock.status == Clock.Status.RUNNING


@pytest.mark.django_db
def test_archive_needs_a_reason_from_the_list(staff, demo_agencies):
    report = new_report()
    with pytest.raises(ValidationError):
        perform(report, "archive", Actor(user=staff("admin.surabaya")), reason="bosan")
    perform(report, "archive", Actor(user=staff("admin.surabaya")), reason=Report.ArchiveReason.BUKAN_PELAYANAN)
    assert report.state == S.ARSIP and report.archive_reason == "bukan_pelayanan"
    assert not report.clocks.filter(status=Clock.Status.RUNNING).exists()


@pytest.mark.django_db
def test_agency_accept_progress_resolve_confirm_rate(staff, demo_agencies):
    report = drive(S.TERDISPOSISI, staff, demo_agencies)
    agency = Actor(user=staff("penghubung.dsdabm-sby"))
    disposition = report.dispositions.get()
    perform(report, "accept", agency, disposition=disposition)
    assert report.state == S.DIPROSES and report.first_response_at
    assert report.clocks.get(step=Step.FIRST_RESPONSE).status == Clock.Status.MET
    with pytest.raises(ValidationError):
        perform(report, "progress", agency, disposition=disposition, stage="entah", note="x")
    perform(report, "progress", agency, disposition=disposition, stage="cek_lapangan", note="Tim meninjau lokasi.")
    perform(report, "resolve", agency, disposition=disposition, note="Lampu diganti baru.")
    assert report.state == S.SELESAI and report.resolved_at
    assert report.clocks.get(step=Step.CONFIRMATION).status == Clock.Status.RUNNING
    perform(report, "confirm", Actor(reporter_secret=report.secret), rating=5, comment="Cepat sekali")
    assert report.state == S.DITUTUP and report.rating == 5
    with pytest.raises(ValidationError):
        perform(report, "rate", Actor(reporter_secret=report.secret), rating=4)
    stages = list(report.events.exclude(stage="").values_list("stage", flat=True))
    assert stages == ["verifikasi", "cek_lapangan", "selesai"]


@pytest.mark.django_db
def test_report_with_two_agencies_is_done_only_when_both_are(staff, demo_agencies):
    report = new_report()
    perform(
        report,
        "verify",
        Actor(user=staff("admin.surabaya")),
        agencies=[demo_agencies["dsdabm-sby"], demo_agencies["dlh-sby"]],
    )
    dsdabm = report.dispositions.get(agency__slug="dsdabm-sby")
    dlh = report.dispositions.get(agency__slug="dlh-sby")
    perform(report, "resolve", Actor(user=staff("penghubung.dsdabm-sby")), disposition=dsdabm, note="Beres.")
    assert report.state == S.DIPROSES
    perform(report, "resolve", Actor(user=staff("penghubung.dlh-sby")), disposition=dlh, note="Sampah diangkut.")
    assert report.state == S.SELESAI


@pytest.mark.django_db
def test_forward_to_vertical_agency_no_wrong_door(staff, demo_agencies):
    report = drive(S.TERDISPOSISI, staff, demo_agencies)
    disposition = report.dispositions.get()
    perform(
        report,
        "forward",
        Actor(user=staff("penghubung.dsdabm-sby")),
        disposition=disposition,
        agency=demo_agencies["pln-sby"],
        note="Jaringan listrik kewenangan PLN.",
    )
    disposition.refresh_from_db()
    assert disposition.state == Disposition.State.DITERUSKAN
    new = report.dispositions.get(state=Disposition.State.MENUNGGU)
    assert new.agency.slug == "pln-sby" and new.forwarded_from == disposition
    assert report.state == S.TERDISPOSISI
    assert report.clocks.filter(disposition=new, step=Step.FIRST_RESPONSE, status="running").exists()
    assert not report.clocks.filter(disposition=disposition, status="running").exists()


@pytest.mark.django_db
def test_return_to_admin_restarts_dispatch(staff, demo_agencies):
    report = drive(S.TERDISPOSISI, staff, demo_agencies)
    perform(
        report,
        "return",
        Actor(user=staff("pimpinan.dsdabm-sby")),
        disposition=report.dispositions.get(),
        note="Bukan kewenangan kami, mohon disposisi ulang.",
    )
    assert report.state == S.TERVERIFIKASI
    assert report.clocks.get(step=Step.DISPATCH, status="running")
    assert not report.events.get(action="return").is_public


@pytest.mark.django_db
def test_reopen_within_window_sends_back_to_agency(staff, demo_agencies):
    report = drive(S.SELESAI, staff, demo_agencies)
    perform(report, "reopen", Actor(reporter_secret=report.secret), note="Lampu mati lagi.")
    assert report.state == S.DIPROSES and report.reopen_count == 1
    assert report.dispositions.get().state == Disposition.State.DIPROSES
    assert report.clocks.filter(step=Step.RESOLUTION, status="running").count() == 1


@pytest.mark.django_db
def test_auto_close_only_by_the_system(staff, demo_agencies):
    report = drive(S.SELESAI, staff, demo_agencies)
    with pytest.raises(TransitionError):
        perform(report, "auto_close", Actor(user=staff("sysadmin")))
    perform(report, "auto_close", SYSTEM_ACTOR)
    assert report.state == S.DITUTUP


@pytest.mark.django_db
def test_stale_version_is_refused_and_nothing_changes(staff, demo_agencies):
    report = new_report()
    seen = report.version
    perform(report, "classify", Actor(user=staff("admin.surabaya")), weight=Report.Weight.RINGAN, version=seen)
    with pytest.raises(ConcurrentChange) as exc:
        perform(report, "archive", Actor(user=staff("admin.surabaya")), reason="umum", version=seen)
    assert "Muat ulang" in str(exc.value.message)
    report.refresh_from_db()
    assert report.state == S.BARU and report.version == seen + 1


@pytest.mark.django_db
def test_every_transition_records_actor_time_note_visibility(staff, demo_agencies):
    report = drive(S.DITUTUP, staff, demo_agencies)
    events = list(report.events.order_by("pk"))
    assert [e.action for e in events] == ["submit", "verify", "dispatch", "accept", "resolve", "confirm"]
    verify = events[1]
    assert verify.actor.username == "admin.surabaya" and verify.actor_kind == "admin" and verify.created_at
    assert events[4].agency.slug == "dsdabm-sby" and events[4].note == "Lampu sudah diganti."
    assert all(e.is_public for e in events)
    assert events[2].deadline_at is not None and "first_response" in events[2].clock_effect


@pytest.mark.django_db
def test_internal_note_is_not_public(staff, demo_agencies):
    report = new_report()
    perform(report, "note", Actor(user=staff("admin.surabaya")), note="Cek dulu dengan kelurahan.")
    assert not ReportEvent.objects.get(report=report, action="note").is_public


@pytest.mark.django_db
def test_admin_desk_is_the_most_local_government(demo_agencies):
    from layan.reports.services import admin_agency_for

    assert admin_agency_for(Region.objects.get(code="35.23.15.2009")).slug == "tuban"
    assert admin_agency_for(Region.objects.get(code="35.78.05.1001")).slug == "surabaya"
    assert admin_agency_for(Region.objects.get(code="35")).slug == "jatim"
