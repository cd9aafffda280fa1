"""Property test of the report workflow (``reports/workflow.py``): a state machine (Hypothesis) drives one
report through random sequences of every action of the transition table, by every kind of actor (the admin,
the system administrator, the liaison officers and head of agencies it may be dispatched to, the reporter, the
system, oversight, another government's admin, nobody), with random data and time passing, and checks after
every step that the report is in a valid state:

- the state is one of the model's, its public (LAPOR!) status is defined;
- version goes up by exactly one per action carried out and not at all for a refused one; a refused action
  changes nothing at all (no event, no disposition, no clock);
- only the actors the table names succeed (oversight, another government and nobody never do);
- dates agree with the state (closed reports have ``closed_at``, dispatched ones ``dispatched_at``, verified ones
  ``verified_at``; ``state_before_pause`` while pending; ratings 1-5);
- dispositions agree with the state (a dispatched or processed report has an active disposition; a finished one
  has every active disposition finished);
- the timeline agrees with the state (its last entry ends in the current state);
- clocks agree with the state (none running or paused once closed, all paused while pending, at most one running
  per step and disposition, only on active dispositions, the confirmation clock runs while the reporter may
  confirm, the verification clock while it waits for verification).

Bounded (examples x steps) to run in well under a minute."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from layan.core.models import Agency, Region, User
from layan.deadlines.models import Clock, Step
from layan.reports import workflow
from layan.reports.models import PUBLIC_STATUS, Disposition, Report, ReportEvent
from layan.reports.services import NewReport, ReporterInfo, submit_report
from layan.reports.workflow import TRANSITIONS, Actor, TransitionError

S, DS = Report.State, Disposition.State
START = dt.datetime(2025, 8, 25, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
TARGETS = ["dsdabm-sby", "dlh-sby", "pdam-sby", "kec-tegalsari"]
USERS = {
    "admin": "admin.surabaya",
    "sysadmin": "sysadmin",
    "liaison": "penghubung.dsdabm-sby",
    "head": "pimpinan.dsdabm-sby",
    "liaison_dlh": "penghubung.dlh-sby",
    "oversight": "pengawas.inspektorat-sby",
    "other_government": "admin.tuban",
}
STATES_SEEN: set = set()  # the states the sequences reached (the test checks they reach every one)
NEVER = {"oversight", "other_government", "nobody"}  # may never carry out any action on this report
ACTORS = [*USERS, "reporter", "system", "nobody"]
MOVERS = ["admin", "liaison", "liaison_dlh", "reporter", "system"]  # who moves a report on (act_as_allowed)
NEUTRAL = {"note", "classify", "rate"}  # actions that leave the state as it is (``act`` tries them)


def snapshot(report):
    """Everything an action may change, to prove a refused one changed nothing."""
    return (
        Report.objects.filter(pk=report.pk).values().get(),
        list(ReportEvent.objects.filter(report=report).values_list("pk", flat=True)),
        list(Disposition.objects.filter(report=report).values_list("pk", "state")),
        list(Clock.objects.filter(report=report).values_list("pk", "status", "due_at")),
    )


class ReportWorkflow(RuleBasedStateMachine):
    agencies: dict = {}
    users: dict = {}

    def __init__(self):
        super().__init__()
        self.now = START
        self.report = submit_report(
            NewReport(
                title="Saluran air tersumbat di Jl. Kedungsari",
                description="Air meluap ke rumah warga setiap hujan.",
                region=Region.objects.get(code="35.78.05.1001"),
            ),
            reporter=ReporterInfo(name="Pelapor Uji", phone="081200003333"),
            at=self.now,
            notify=False,
        )
        self.secret = self.report.secret
        self.done = []

    def actor(self, name):
        if name == "reporter":
            return Actor(reporter_secret=self.secret)
        if name == "system":
            return workflow.SYSTEM_ACTOR
        if name == "nobody":
            return Actor()
        return Actor(user=self.users[name])

    @rule(
        action=st.sampled_from(sorted(TRANSITIONS)),
        who=st.sampled_from(ACTORS),
        data=st.data(),
        later=st.integers(min_value=0, max_value=3 * 24 * 3600),
    )
    def act(self, action, who, data, later):
        self.now += dt.timedelta(seconds=later)
        report = Report.objects.get(pk=self.report.pk)
        dispositions = list(report.dispositions.select_related("agency").order_by("pk"))
        disposition = data.draw(st.sampled_from([None, *dispositions]), label="disposition")
        payload = self.payload(action, data)
        before = snapshot(report)
        try:
            workflow.perform(report, action, self.actor(who), disposition=disposition, at=self.now, **payload)
        except (TransitionError, ValidationError):
            assert snapshot(report) == before, f"refused {action} by {who} changed the report"
            return
        assert who not in NEVER, f"{who} carried out {action}"
        self.carried_out(report, action, who, before)

    @rule(confirm=st.booleans(), later=st.integers(min_value=0, max_value=2 * 24 * 3600))
    def agencies_finish(self, confirm, later):
        """Every agency the report is with resolves it (its own liaison officer), then the reporter may confirm:
        the path to "Terdisposisi Selesai" and "Selesai" that random choices seldom walk to the end."""
        report = Report.objects.get(pk=self.report.pk)
        if report.state not in (S.TERDISPOSISI, S.DIPROSES):
            return
        self.now += dt.timedelta(seconds=later)
        busy = report.dispositions.select_related("agency").filter(state__in=[DS.MENUNGGU, DS.DITERIMA, DS.DIPROSES])
        for disposition in busy:
            liaison = Actor(user=User.objects.get(username=f"penghubung.{disposition.agency.slug}"))
            before = snapshot(report)
            workflow.perform(report, "resolve", liaison, disposition=disposition, at=self.now, note="Sudah selesai.")
            self.carried_out(report, "resolve", "liaison", before)
        report.refresh_from_db()
        if confirm and report.state == S.SELESAI:
            before = snapshot(report)
            workflow.perform(report, "confirm", self.actor("reporter"), at=self.now, rating=4)
            self.carried_out(report, "confirm", "reporter", before)

    def carried_out(self, report, action, who, before):
        after = Report.objects.get(pk=report.pk)
        assert after.version == before[0]["version"] + 1
        self.done.append((action, who))
        STATES_SEEN.add(after.state)

    @rule(data=st.data(), later=st.integers(min_value=0, max_value=3 * 24 * 3600))
    def act_as_allowed(self, data, later):
        """An action the table allows now (so that sequences reach every state), with valid-looking data."""
        report = Report.objects.get(pk=self.report.pk)
        choices = []
        for who in MOVERS:
            for disposition in [None, *report.dispositions.select_related("agency").order_by("pk")]:
                for transition in workflow.allowed_actions(report, self.actor(who), disposition):
                    if transition.action not in NEUTRAL and (
                        transition.action != "add_info" or report.state == S.TERTUNDA
                    ):
                        choices.append((transition.action, who, disposition))
        if not choices:
            return
        action = data.draw(st.sampled_from(sorted({choice[0] for choice in choices})), label="allowed action")
        who, disposition = data.draw(st.sampled_from([c[1:] for c in choices if c[0] == action]), label="by")
        self.now += dt.timedelta(seconds=later)
        payload = self.payload(action, data, valid=True)
        before = snapshot(report)
        try:
            workflow.perform(report, action, self.actor(who), disposition=disposition, at=self.now, **payload)
        except ValidationError:  # data the action refuses (e.g. dispatch to the agency it is already with)
            assert snapshot(report) == before
            return
        assert who not in NEVER, f"{who} carried out {action}"
        self.carried_out(report, action, who, before)

    def payload(self, action, data, valid=False):
        notes = ["Sudah dicek di lapangan."] if valid else ["", "Sudah dicek di lapangan."]
        note = data.draw(st.sampled_from(notes), label="note")
        payload = {"note": note}
        if action in ("verify", "dispatch", "auto_dispatch"):
            size = 1 if valid and action != "verify" else 0
            most = 2 if valid else 3
            slugs = data.draw(st.lists(st.sampled_from(TARGETS), unique=True, min_size=size, max_size=most), label="to")
            payload["agencies"] = [self.agencies[slug] for slug in slugs]
        if action == "forward":
            payload["agency"] = self.agencies[data.draw(st.sampled_from(TARGETS), label="to")]
        if action == "archive":
            payload["reason"] = data.draw(st.sampled_from(Report.ArchiveReason.values), label="reason")
        if action == "progress":
            stages = ReportEvent.Stage.values if valid else ["", *ReportEvent.Stage.values]
            payload["stage"] = data.draw(st.sampled_from(stages), label="stage")
        if action == "classify":
            payload["weight"] = data.draw(st.sampled_from(Report.Weight.values), label="weight")
        if action in ("rate", "confirm"):
            ratings = [None, 1, 3, 5] if valid else [None, 0, 1, 3, 5, 6]
            payload["rating"] = data.draw(st.sampled_from(ratings), label="rating")
        return payload

    # --- invariants ---------------------------------------------------------------------------------------------

    @invariant()
    def state_is_valid(self):
        report = Report.objects.get(pk=self.report.pk)
        assert report.state in S.values and report.state in PUBLIC_STATUS
        assert str(report.public_status)
        if report.state == S.TERTUNDA:  # (archiving a pending report leaves the old value: harmless, never read)
            assert report.state_before_pause in (S.BARU, S.TERVERIFIKASI)
        assert report.rating is None or 1 <= report.rating <= 5

    @invariant()
    def dates_agree_with_state(self):
        report = Report.objects.get(pk=self.report.pk)
        assert (report.state in Report.FINAL_STATES) == (report.closed_at is not None)
        if report.state in (S.TERVERIFIKASI, S.TERDISPOSISI, S.DIPROSES, S.SELESAI, S.DITUTUP):
            assert report.verified_at is not None
        if report.state in (S.TERDISPOSISI, S.DIPROSES, S.SELESAI, S.DITUTUP):
            assert report.dispatched_at is not None
        if report.state == S.SELESAI:
            assert report.resolved_at is not None
        for earlier, later in [("created_at", "verified_at"), ("verified_at", "dispatched_at")]:
            a, b = getattr(report, earlier), getattr(report, later)
            assert a is None or b is None or a <= b, (earlier, later)
        if report.closed_at is not None:
            assert report.closed_at >= report.created_at

    @invariant()
    def dispositions_agree_with_state(self):
        report = Report.objects.get(pk=self.report.pk)
        active = list(report.dispositions.filter(state__in=Disposition.ACTIVE_STATES))
        if report.state in (S.TERDISPOSISI, S.DIPROSES, S.SELESAI):
            assert active, f"{report.state} without an active disposition"
        if report.state == S.SELESAI:
            assert all(d.state == DS.SELESAI and d.resolved_at for d in active)
        if report.state in (S.BARU, S.TERVERIFIKASI):
            assert not active
        agencies = [d.agency_id for d in active]
        assert len(agencies) == len(set(agencies)), "two active dispositions to one agency"
        for disposition in report.dispositions.all():
            if disposition.state in (DS.DITERIMA, DS.DIPROSES, DS.SELESAI):
                assert disposition.first_response_at is not None and report.first_response_at is not None
            if disposition.state in (DS.DITERUSKAN, DS.DIKEMBALIKAN):
                assert disposition.closed_at is not None

    @invariant()
    def timeline_agrees_with_state(self):
        report = Report.objects.get(pk=self.report.pk)
        events = list(report.events.order_by("created_at", "pk"))
        assert events[0].action == "submit"
        assert events[-1].to_state == report.state
        assert all(e.action in TRANSITIONS or e.action == "submit" for e in events)
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)

    @invariant()
    def clocks_agree_with_state(self):
        report = Report.objects.get(pk=self.report.pk)
        clocks = list(report.clocks.all())
        running = [c for c in clocks if c.status == Clock.Status.RUNNING]
        paused = [c for c in clocks if c.status == Clock.Status.PAUSED]
        if report.state in Report.FINAL_STATES:
            assert not running and not paused, "a closed report's clock still runs"
        if report.state == S.TERTUNDA:
            assert not running, "a clock runs while the report waits for the reporter"
        else:
            assert not paused, "a clock stays paused after the report stopped waiting"
        keys = [(c.step, c.disposition_id) for c in running]
        assert len(keys) == len(set(keys)), "two clocks run for the same step"
        active = set(report.dispositions.filter(state__in=Disposition.ACTIVE_STATES).values_list("pk", flat=True))
        assert all(c.disposition_id in active for c in running if c.disposition_id)
        if report.state == S.SELESAI:
            assert any(c.step == Step.CONFIRMATION for c in running)
        if report.state == S.BARU:
            assert any(c.step == Step.VERIFICATION for c in running)


def _bind(demo_agencies):
    ReportWorkflow.agencies = {slug: Agency.objects.get(slug=slug) for slug in TARGETS}
    ReportWorkflow.users = {name: User.objects.get(username=username) for name, username in USERS.items()}


# derandomized: the same sequences on every run and machine (a CI failure reproduces locally); no shrinking
# phase (a failure reports the sequence found, at once; the minimal example of a known bug is its own test)
BOUND = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# the sequences must walk the whole lifecycle (else a passing run proves little); derandomized, this is stable
REACHED = {S.TERDISPOSISI, S.DIPROSES, S.SELESAI, S.DITUTUP, S.ARSIP, S.TERTUNDA}


@pytest.mark.django_db
def test_no_sequence_of_actions_reaches_an_invalid_state(demo_agencies):
    _bind(demo_agencies)
    STATES_SEEN.clear()
    run_state_machine_as_test(ReportWorkflow, settings=BOUND)
    assert REACHED - STATES_SEEN == set()


# Two bugs the property tests found, fixed in ``reports/workflow.py``; their minimal examples stay.


@pytest.mark.django_db
def test_forward_to_an_agency_already_handling_it(demo_agencies):
    _bind(demo_agencies)
    report, users, agencies = ReportWorkflow().report, ReportWorkflow.users, ReportWorkflow.agencies
    both = [agencies["dsdabm-sby"], agencies["dlh-sby"]]
    workflow.perform(report, "verify", Actor(user=users["admin"]), agencies=both)
    ours = report.dispositions.get(agency=agencies["dsdabm-sby"])
    with pytest.raises(ValidationError):  # refused, as dispatch refuses it
        workflow.perform(
            report, "forward", Actor(user=users["liaison"]), disposition=ours, agency=both[1], note="Bukan wewenang."
        )
    active = report.dispositions.filter(state__in=Disposition.ACTIVE_STATES).values_list("agency", flat=True)
    assert len(list(active)) == len(set(active))


@pytest.mark.django_db
def test_return_after_the_other_agency_resolved(demo_agencies):
    """The minimal example the state machine found: dispatched to two agencies, one resolves, the other returns
    the report to the admin; the report is now "Terdisposisi Selesai" and must wait for the reporter's
    confirmation like any resolved report."""
    _bind(demo_agencies)
    machine = ReportWorkflow()
    report, users, agencies = machine.report, ReportWorkflow.users, ReportWorkflow.agencies
    workflow.perform(
        report, "verify", Actor(user=users["admin"]), agencies=[agencies["dsdabm-sby"], agencies["dlh-sby"]]
    )
    ours, theirs = report.dispositions.order_by("pk")
    liaison = Actor(user=users["liaison"])
    workflow.perform(report, "accept", liaison, disposition=ours)
    workflow.perform(report, "resolve", liaison, disposition=ours, note="Saluran sudah dibersihkan.")
    workflow.perform(report, "return", Actor(user=users["liaison_dlh"]), disposition=theirs, note="Bukan tugas kami.")
    report.refresh_from_db()
    assert report.state == S.SELESAI
    assert report.resolved_at is not None
    assert report.clocks.filter(step=Step.CONFIRMATION, status=Clock.Status.RUNNING).exists()
