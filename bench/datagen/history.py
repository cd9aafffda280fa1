"""One report's life, simulated from its arrival to the present: the admin desk verifies and dispatches it (or
pends or archives it), each agency answers after a delay drawn from real first-answer delays, posts progress,
resolves it or passes it on, and the reporter confirms, reopens or lets the report close by itself. Everything
that would happen after ``now`` does not happen: recent reports are still open, with their clocks running.

The rows written are the ones the workflow and the deadline sweep would have written (``layan.reports.workflow``,
``layan.deadlines``): the report, its dispositions, clocks (met, late, cancelled, paused or running, with the
escalation level and next check the sweep would have left), timeline events (transitions and the sweep's
reminders and escalations), the reporter (citizen), followers and supports. Dates of working-day deadlines follow
the agency's working calendar (national holidays included); the actors are the generated staff logins.
"""

import bisect
import datetime as dt
import hashlib
import heapq
import math
import random
from dataclasses import dataclass, field

from .reference import SURABAYA, World, office_for
from .shape import OPD, Shape
from .texts import (
    ACCEPT_NOTES,
    ADD_INFO_NOTES,
    FORWARD_NOTES,
    PEND_NOTES,
    PROGRESS_NOTES,
    RATING_COMMENTS,
    REOPEN_NOTES,
    RESOLVE_NOTES,
    Writer,
)

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MASK40 = (1 << 40) - 1

# The mixes (our own round figures where the complaints file says nothing)
SURABAYA_SHARE = 0.4  # of the reports of the kabupaten/kota agencies; the rest by the number of villages
NO_REGION_SHARE = 0.03
CHANNELS = [
    ("web", 30), ("whatsapp", 26), ("telepon", 9), ("api", 8), ("sms", 5), ("email", 5), ("telegram", 5),
    ("loket", 6), ("open311", 3), ("import", 3),
]  # fmt: skip
PRIVACY = [("publik", 80), ("anonim", 12), ("rahasia", 8)]
TYPES = [("pengaduan", 80), ("aspirasi", 12), ("informasi", 8)]
WEIGHTS = [("ringan", 20), ("normatif", 60), ("tanpa_investigasi", 15), ("investigasi", 5)]
ARCHIVE_REASONS = [
    ("format", 30),
    ("umum", 25),
    ("bukan_pelayanan", 15),
    ("duplikat", 15),
    ("sara", 5),
    ("lainnya", 10),
]
P_ARCHIVE, P_PEND, P_VERIFY_ONLY, P_TWO_AGENCIES = 0.12, 0.04, 0.25, 0.08
P_FORWARD, P_STUCK, P_CONFIRM, P_REOPEN, P_RATE_LATE = 0.06, 0.03, 0.25, 0.04, 0.08
P_NON_RESPONDER_AGENCY = 0.06


def _cum(pairs):
    values, total, cum = [], 0, []
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum


class TrackingNumbers:
    """Unique tracking numbers: a bijection of the 40-bit space (32^8 = 2^40) keyed by the seed, written in the
    tracking alphabet as ``XXXX-XXXX``: random-looking, never the same twice in one database."""

    def __init__(self, seed: int):
        mix = random.Random(seed * 7919 + 17)
        self.a, self.b, self.c = mix.getrandbits(40) | 1, mix.getrandbits(40), mix.getrandbits(40) | 1

    def __call__(self, index: int) -> str:
        value = (index * self.a + self.b) & MASK40
        value ^= value >> 17
        value = (value * self.c) & MASK40
        value ^= value >> 19
        chars = []
        for _ in range(8):
            chars.append(TRACKING_ALPHABET[value & 31])
            value >>= 5
        return "".join(chars[:4]) + "-" + "".join(chars[4:])


@dataclass
class Rows:
    """The rows of one chunk, per table, in the column order of ``writer.COLUMNS``."""

    citizens: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    dispositions: list = field(default_factory=list)
    clocks: list = field(default_factory=list)
    events: list = field(default_factory=list)
    supports: list = field(default_factory=list)
    followers: list = field(default_factory=list)

    def count(self) -> int:
        return sum(len(v) for v in vars(self).values())


class Calendars:
    """The working calendar of ordinary offices and of 24/7 agencies (one province: one time zone), with the
    day spans and working-day deadlines memoised: millions of deadlines, a few thousand distinct days."""

    def __init__(self):
        from layan.deadlines.calendar import WorkingCalendar

        self.office = WorkingCalendar()
        self.always = WorkingCalendar(open_24_7=True)
        self._spans: dict[dt.date, tuple | None] = {}
        self._days: dict[tuple, dt.datetime] = {}
        self.tz = self.office.tz

    def span(self, day: dt.date):
        if day not in self._spans:
            self._spans[day] = self.office.office_hours(day)
        return self._spans[day]

    def add_working_days(self, start: dt.datetime, days: int, always_open: bool) -> dt.datetime:
        if always_open:
            return start + dt.timedelta(days=days)
        day = start.astimezone(self.tz).date()
        span = self.span(day)
        key = (day, span is not None and span[0] >= start, days)
        due = self._days.get(key)
        if due is None:
            due = self._days[key] = self.office.add_working_days(start, days).astimezone(UTC)
        return due

    def in_office_hours(self, moment: dt.datetime, rng: random.Random) -> dt.datetime:
        """Staff act in office hours: a moment outside them moves to a little after the next opening."""
        day = moment.astimezone(self.tz).date()
        for _ in range(30):
            span = self.span(day)
            if span is not None:
                if moment < span[0]:
                    return span[0] + dt.timedelta(minutes=rng.uniform(5, 120))
                if moment < span[1]:
                    return moment
            day += dt.timedelta(days=1)
        return moment


class Clock:
    __slots__ = (
        "id", "report", "disposition", "agency", "step", "budget", "started", "due", "remind", "paused",
        "remaining", "stopped", "status", "level", "next_check", "always_open",
    )  # fmt: skip

    def row(self):
        b = self.budget
        return (
            self.id, self.report, self.disposition, self.agency, self.step, b.amount, b.unit, b.reminder_fraction,
            b.supervisor_after, self.started, self.due, self.remind, self.paused, self.remaining, self.stopped,
            self.status, self.level, self.next_check,
        )  # fmt: skip


class Disposition:
    __slots__ = ("id", "agency", "state", "forwarded_from", "note", "by", "at", "first", "resolved", "closed", "clocks")

    def row(self, report_id):
        return (
            self.id, report_id, self.agency, self.state, self.forwarded_from, self.note, self.by, self.at,
            self.first, self.resolved, self.closed,
        )  # fmt: skip


class Simulator:
    """Writes the history of report after report into :class:`Rows`; ids are given here (the tables are empty)."""

    def __init__(self, world: World, shape: Shape, rng: random.Random, now: dt.datetime, seed: int):
        from layan.deadlines.models import Step
        from layan.deadlines.policies import default_budget

        self.world, self.shape, self.rng, self.now, self.seed = world, shape, rng, now, seed
        self.writer = Writer(rng)
        self.tracking_number = TrackingNumbers(seed)
        self.calendars = Calendars()
        self.Step = Step
        self.budgets = {(step, weight): default_budget(step, weight) for step in Step.values for weight, _w in WEIGHTS}
        self.next_id = {"citizen": 1, "disposition": 1, "clock": 1, "event": 1, "support": 1, "follower": 1}
        self.profiles, self.profile_cum = shape.profiles, shape.cum_profile_weights
        self.first_answers = shape.first_answer_hours
        self.channels, self.channel_cum = _cum(CHANNELS)
        self.privacies, self.privacy_cum = _cum(PRIVACY)
        self.types, self.type_cum = _cum(TYPES)
        self.weights, self.weight_cum = _cum(WEIGHTS)
        self.reasons, self.reason_cum = _cum(ARCHIVE_REASONS)
        others = [(code, len(world.villages.get(code, []))) for code, _n in world.kabkota if code != SURABAYA]
        self.other_kabkota, self.other_kabkota_cum = _cum(others)
        outside = [((category, key), share) for category, key, share in world.outside_topics]
        self.outside_share = sum(share for _c, _k, share in world.outside_topics)
        self.outside, self.outside_cum = _cum([(item, share) for item, share in outside])
        self.opd_lists = {
            code: _cum([(agency, 1.0 / (rank + 1)) for rank, agency in enumerate(names.values())])
            for code, names in world.opd.items()
        }
        self._agency_habits()
        self.rows = Rows()
        self.counts = {"states": {}, "open": 0}

    # --- per agency: how fast it answers, and whether it sometimes never does -------------------------------

    def _agency_habits(self):
        rng = self.rng
        self.pace, self.never = {}, {}
        for agency in sorted(self.world.agency_names):
            slow = rng.random() < P_NON_RESPONDER_AGENCY
            self.pace[agency] = math.exp(rng.gauss(0, 0.25)) * (2.0 if slow else 1.0)
            self.never[agency] = 0.2 if slow else 0.008

    # --- small helpers ---------------------------------------------------------------------------------------

    def _id(self, kind: str) -> int:
        value = self.next_id[kind]
        self.next_id[kind] = value + 1
        return value

    def _digest(self) -> str:
        return self.rng.getrandbits(256).to_bytes(32, "big").hex()

    def _lognormal_hours(self, median: float, sigma: float) -> dt.timedelta:
        return dt.timedelta(hours=median * math.exp(self.rng.gauss(0, sigma)))

    def _pick(self, values, cum):
        return values[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    # --- where, who, what ------------------------------------------------------------------------------------

    def _placement(self):
        """(village code or None, kabkota code or None, category id, handling agency, topic theme)."""
        rng, world = self.rng, self.world
        if rng.random() < self.outside_share:
            category, key = self._pick(self.outside, self.outside_cum)
            kabkota = (
                SURABAYA if rng.random() < SURABAYA_SHARE else self._pick(self.other_kabkota, self.other_kabkota_cum)
            )
            village = rng.choice(world.villages[kabkota])
            agency = world.outside[f"{key}:{kabkota}"] if key.startswith("kab:") else world.outside[key]
            return village, kabkota, category, agency
        for _attempt in range(6):
            profile = self._pick(self.profiles, self.profile_cum)
            if rng.random() < SURABAYA_SHARE:
                kabkota = SURABAYA
                village = world.surabaya_places.get((profile.kecamatan.lower(), profile.kelurahan.lower()))
                village = village or rng.choice(world.villages[SURABAYA])
            else:
                kabkota = self._pick(self.other_kabkota, self.other_kabkota_cum)
                village = rng.choice(world.villages[kabkota])
            if profile.agency_class == OPD:
                agency = world.opd[kabkota].get(profile.agency)
            else:
                agency = office_for(world, profile.agency_class, village)
            if agency is not None:
                return village, kabkota, world.categories[profile.topic], agency
        names = self.opd_lists[kabkota][0]
        return village, kabkota, world.categories[profile.topic], names[0]

    def _other_agency(self, agency: int, kabkota: str | None, village: str | None) -> int:
        """Where a report goes when it is not ``agency``'s: the kecamatan office of the place, or another OPD."""
        rng = self.rng
        if village and rng.random() < 0.3:
            office = self.world.kecamatan_office.get(village.rsplit(".", 1)[0])
            if office and office != agency:
                return office
        names, cum = self.opd_lists.get(kabkota or SURABAYA, self.opd_lists[SURABAYA])
        for _attempt in range(4):
            other = self._pick(names, cum)
            if other != agency:
                return other
        return self.world.province_pemda

    # --- the reporter -----------------------------------------------------------------------------------------

    def _reporter(self, report_id: int, at: dt.datetime) -> int | None:
        rng = self.rng
        if rng.random() < 0.07:
            return None
        known = self.next_id["citizen"] - 1
        if known and rng.random() < 0.25:
            return rng.randint(1, known)  # someone who reported before
        citizen = self._id("citizen")
        name = self.writer.person() if rng.random() < 0.9 else ""
        phone = f"+628{rng.randint(11, 99)}{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.85 else ""
        email = ""
        if rng.random() < 0.35:
            handle = (name.split(" ")[0].lower() if name else "warga") + str(rng.randint(1, 9999))
            email = f"{handle}@surel.contoh.id"
            # only a digest is stored (layan.reports.keys): the digest of a key nobody holds
            self.rows.followers.append((self._id("follower"), report_id, email, True, True, self._digest(), at))
        self.rows.citizens.append((citizen, name, phone, email, at))
        return citizen

    # --- one report -------------------------------------------------------------------------------------------

    def report(self, report_id: int, created: dt.datetime) -> None:
        rng, world = self.rng, self.world
        if rng.random() < NO_REGION_SHARE:
            village = kabkota = None
            category, theme_agency = self._placement()[2:]
        else:
            village, kabkota, category, theme_agency = self._placement()
        admin = world.pemda.get(kabkota, world.province_pemda) if kabkota else world.province_pemda
        channel = self._pick(self.channels, self.channel_cum)
        weight = self._pick(self.weights, self.weight_cum)
        r = _Report(self, report_id, created, admin, weight, kabkota, village)
        entered_by = world.call_centre_user.get(admin) if channel in ("telepon", "loket") else None
        place = world.region_names.get(village, "") if village else ""
        street = self.writer.address(place)
        title, description = self.writer.report(world.category_theme.get(category, ""), place, street)
        reporter = self._reporter(report_id, created)
        r.run(theme_agency, entered_by, channel)
        latitude = longitude = None
        if rng.random() < 0.3:
            latitude = round(-7.25 - rng.random() * 0.9, 6)
            longitude = round(111.5 + rng.random() * 2.5, 6)
        occurred = (created - dt.timedelta(days=rng.randint(0, 5))).date() if rng.random() < 0.5 else None
        supports = self._supports(r, report_id)
        state = r.state
        self.counts["states"][state] = self.counts["states"].get(state, 0) + 1
        self.rows.reports.append(
            (
                report_id, self.tracking_number(report_id),
                self._pick(self.types, self.type_cum), title, description, category, weight, village, street,
                latitude, longitude, occurred, channel, self._pick(self.privacies, self.privacy_cum), reporter,
                entered_by, admin, state, r.state_before_pause, r.archive_reason, r.duplicate_of, created,
                r.updated, r.verified, r.dispatched, r.first_response, r.resolved, r.closed, r.rating,
                r.rating_comment, r.reopen_count, supports, r.version,
            )
        )  # fmt: skip

    def _supports(self, r, report_id: int) -> int:
        """ "Saya juga mengalami": most reports none, a few many (a heavy tail)."""
        rng = self.rng
        u = rng.random()
        if u < 0.72:
            return 0
        count = rng.randint(1, 2) if u < 0.92 else rng.randint(3, 10) if u < 0.99 else rng.randint(11, 80)
        end = r.closed or self.now
        span = max((end - r.created).total_seconds(), 60.0)
        for k in range(count):
            key = hashlib.sha256(f"bench:{self.seed}:{report_id}:{k}".encode()).hexdigest()
            at = r.created + dt.timedelta(seconds=rng.random() * span)
            self.rows.supports.append((self._id("support"), report_id, key, at))
        return count


class _Report:
    """The state of one report while its history is played; actions are taken in time order from a heap."""

    def __init__(self, sim: Simulator, report_id, created, admin, weight, kabkota, village):
        self.sim, self.id, self.created, self.admin, self.weight = sim, report_id, created, admin, weight
        self.kabkota, self.village = kabkota, village
        self.state, self.state_before_pause, self.archive_reason, self.duplicate_of = "baru", "", "", None
        self.updated = created
        self.verified = self.dispatched = self.first_response = self.resolved = self.closed = None
        self.rating, self.rating_comment, self.reopen_count, self.version = None, "", 0, 1
        self.clocks: list[Clock] = []
        self.dispositions: list[Disposition] = []
        self.queue: list = []
        self.seq = 0
        self.confirmation_round = 0
        admins = sim.world.admin_user.get(admin, [None])
        self.admin_user = admins[report_id % len(admins)]

    # --- the action queue ------------------------------------------------------------------------------------

    def later(self, at: dt.datetime, action: str, *args):
        self.seq += 1
        heapq.heappush(self.queue, (at, self.seq, action, args))

    def run(self, agency: int, entered_by, channel: str):
        sim = self.sim
        self.target = agency
        clock = self.start_clock(sim.Step.VERIFICATION, self.admin, self.created)
        actor_kind = "intake" if entered_by else "reporter"
        note = f"Laporan diterima melalui {channel}."
        self.event(self.created, "submit", actor_kind, entered_by, None, None, "", "baru", note, True,
                   "start:verification", clock.due, transition=False)  # fmt: skip
        self.later(self.admin_time(self.created), "decide", False)
        while self.queue:
            at, _seq, action, args = heapq.heappop(self.queue)
            if at > sim.now:
                break
            getattr(self, "_" + action)(at, *args)
        for clock in self.clocks:
            if clock.status in ("running", "paused"):
                self.finish_open_clock(clock)
            sim.rows.clocks.append(clock.row())
        for disposition in self.dispositions:
            sim.rows.dispositions.append(disposition.row(self.id))
        if self.state in ("baru", "tertunda", "terverifikasi", "terdisposisi", "diproses"):
            sim.counts["open"] += 1

    def admin_time(self, after: dt.datetime) -> dt.datetime:
        return self.sim.calendars.in_office_hours(after + self.sim._lognormal_hours(4, 1.1), self.sim.rng)

    def agency_time(self, after: dt.datetime, agency: int, median: float, sigma: float) -> dt.datetime:
        sim = self.sim
        moment = after + sim._lognormal_hours(median, sigma) * sim.pace[agency]
        if agency in sim.world.open_24_7:
            return moment
        return sim.calendars.in_office_hours(moment, sim.rng)

    # --- rows -----------------------------------------------------------------------------------------------

    def event(self, at, action, actor_kind, actor, agency, disposition, from_state, to_state, note, public,
              effect="", deadline=None, stage="", transition=True):  # fmt: skip
        sim = self.sim
        sim.rows.events.append(
            (sim._id("event"), self.id, action, actor, actor_kind, agency, disposition, from_state, to_state, stage,
             note, public, effect, deadline, at)
        )  # fmt: skip
        if at > self.updated:
            self.updated = at
        if transition:
            self.version += 1

    def move(self, to_state: str) -> str:
        before, self.state = self.state, to_state
        return before

    # --- clocks ---------------------------------------------------------------------------------------------

    def start_clock(self, step, agency, at, disposition=None) -> Clock:
        sim = self.sim
        self.cancel_clocks(at, steps=(step,), disposition=disposition)
        budget = sim.budgets[step, self.weight]
        clock = Clock()
        clock.id, clock.report, clock.disposition, clock.agency = sim._id("clock"), self.id, disposition, agency
        clock.step, clock.budget, clock.started = step, budget, at
        clock.always_open = agency in sim.world.open_24_7
        clock.due = self.deadline(budget.amount, budget.unit, at, clock.always_open)
        clock.remind = at + (clock.due - at) * float(budget.reminder_fraction)
        clock.paused = clock.remaining = clock.stopped = None
        clock.status, clock.level, clock.next_check = "running", 0, clock.remind
        self.clocks.append(clock)
        return clock

    def deadline(self, amount, unit, at, always_open) -> dt.datetime:
        if unit == "working_days":
            return self.sim.calendars.add_working_days(at, int(amount), always_open)
        return at + dt.timedelta(hours=float(amount))

    def supervisor_time(self, clock: Clock) -> dt.datetime | None:
        amount = float(clock.budget.supervisor_after or 0)
        if clock.step == self.sim.Step.CONFIRMATION:
            return None
        if amount <= 0:
            return clock.due
        if clock.budget.unit == "working_days":
            return self.sim.calendars.add_working_days(clock.due, max(1, round(amount)), clock.always_open)
        return clock.due + dt.timedelta(hours=amount)

    def running(self, steps=None, disposition=None):
        return [
            c
            for c in self.clocks
            if c.status in ("running", "paused")
            and (steps is None or c.step in steps)
            and (disposition is None or c.disposition == disposition)
        ]

    def escalations(self, clock: Clock, until: dt.datetime) -> None:
        """The sweep's reminders and escalations of ``clock`` up to ``until`` (when it stopped, or now)."""
        if clock.status != "running":
            return
        sim, step = self.sim, clock.step
        rng = sim.rng
        if until <= clock.remind:
            return  # nothing crossed (the common case): no texts to write
        phrase = STEP_WORDS[step]
        due_text = _local_text(clock.due, sim.calendars.tz)
        disposition = clock.disposition
        if step == sim.Step.CONFIRMATION:
            if clock.level < 1 and until > clock.remind:
                note = f"Laporan akan ditutup otomatis pada {due_text} bila pelapor tidak memberi tanggapan."
                at = clock.remind + dt.timedelta(seconds=rng.uniform(1, 290))
                self.event(at, "reminder", "system", None, clock.agency, None, self.state, self.state, note, True,
                           "remind:reporter", clock.due, transition=False)  # fmt: skip
                clock.level = 1
            return
        admin_step = step in (sim.Step.VERIFICATION, sim.Step.DISPATCH)
        if clock.level < 1 and until > clock.remind:
            at = clock.remind + dt.timedelta(seconds=rng.uniform(1, 290))
            effect = "remind:admin" if admin_step else "remind:liaison"
            note = f"Pengingat: tenggat {phrase} paling lambat {due_text}."
            self.event(at, "reminder", "system", None, clock.agency, disposition, self.state, self.state, note,
                       False, effect, clock.due, transition=False)  # fmt: skip
            clock.level = 1
        if clock.level < 2 and until > clock.due:
            at = clock.due + dt.timedelta(seconds=rng.uniform(1, 290))
            name = sim.world.agency_names.get(clock.agency, "")
            note = f"Tenggat {phrase} terlewati ({due_text}). Laporan dieskalasi kepada pimpinan {name}."
            self.event(at, "escalation", "system", None, clock.agency, disposition, self.state, self.state, note,
                       True, "escalate:head", clock.due, transition=False)  # fmt: skip
            clock.level = 2
        if clock.level == 2:
            sup = self.supervisor_time(clock)
            if sup is not None and until > sup:
                at = sup + dt.timedelta(seconds=rng.uniform(1, 290))
                note = f"Tenggat {phrase} terlewati sejak {due_text}. Laporan dieskalasi kepada pengawas."
                self.event(at, "escalation", "system", None, clock.agency, disposition, self.state, self.state,
                           note, True, "escalate:supervisor", clock.due, transition=False)  # fmt: skip
                clock.level = 3

    def stop_clocks(self, at, steps, disposition=None):
        for clock in self.running(steps, disposition):
            self.escalations(clock, at)
            due = at if clock.status == "paused" else clock.due
            clock.status = "met" if at <= due else "late"
            clock.stopped, clock.next_check = at, None

    def cancel_clocks(self, at, steps=None, disposition=None):
        for clock in self.running(steps, disposition):
            self.escalations(clock, at)
            clock.status, clock.stopped, clock.next_check = "cancelled", at, None

    def pause_clocks(self, at):
        office = self.sim.calendars.office
        for clock in self.running():
            if clock.status != "running":
                continue
            self.escalations(clock, at)
            if clock.budget.unit == "calendar_hours" or clock.always_open:
                clock.remaining = (clock.due - at).total_seconds()
            else:
                clock.remaining = office.working_seconds_between(at, clock.due)
            clock.status, clock.paused, clock.next_check = "paused", at, None

    def resume_clocks(self, at):
        office = self.sim.calendars.office
        for clock in self.running():
            if clock.status != "paused":
                continue
            tail = clock.due - clock.remind
            remaining = clock.remaining or 0.0
            if clock.budget.unit == "calendar_hours" or clock.always_open:
                clock.due = at + dt.timedelta(seconds=remaining)
            else:
                clock.due = office.add_working_seconds(at, remaining).astimezone(UTC)
            clock.status, clock.paused, clock.remaining = "running", None, None
            clock.remind = max(clock.due - tail, at) if clock.level == 0 else clock.remind
            clock.next_check = clock.remind if clock.level == 0 else clock.due

    def finish_open_clock(self, clock: Clock) -> None:
        """A clock still running now: the sweep has taken it as far as ``now`` allows; its next check is the next
        threshold (a paused clock waits for the reporter, unchecked)."""
        if clock.status == "paused":
            clock.next_check = None
            return
        now = self.sim.now
        if clock.level == 0 and clock.budget.unit == "working_days" and not clock.always_open:
            office = self.sim.calendars.office  # the exact instant, as the workflow computes it
            used = office.working_seconds_between(clock.started, clock.due) * float(clock.budget.reminder_fraction)
            clock.remind = office.add_working_seconds(clock.started, used).astimezone(UTC)
        self.escalations(clock, now)
        if clock.step == self.sim.Step.CONFIRMATION:
            clock.next_check = clock.due if clock.level >= 1 else clock.remind
            return
        if clock.level == 0:
            clock.next_check = clock.remind
        elif clock.level == 1:
            clock.next_check = clock.due
        elif clock.level == 2:
            clock.next_check = self.supervisor_time(clock)
        else:
            clock.next_check = None

    # --- the admin desk -------------------------------------------------------------------------------------

    def _decide(self, at, replied):
        sim, rng = self.sim, self.sim.rng
        u = rng.random()
        if u < P_ARCHIVE:
            self.archive(at, sim._pick(sim.reasons, sim.reason_cum))
        elif u < P_ARCHIVE + P_PEND and not replied:
            self.state_before_pause = self.state
            self.pause_clocks(at)
            before = self.move("tertunda")
            self.event(at, "pend", "admin", self.admin_user, None, None, before, "tertunda", rng.choice(PEND_NOTES),
                       True, "pause:all")  # fmt: skip
            if rng.random() < 0.6:
                self.later(at + sim._lognormal_hours(20, 1.0), "reply")
            else:
                self.later(sim.calendars.in_office_hours(at + dt.timedelta(days=10), rng), "give_up")
        else:
            self.verify(at, dispatch_now=rng.random() >= P_VERIFY_ONLY)

    def archive(self, at, reason):
        self.archive_reason = reason
        if reason == "duplikat" and self.id > 1:
            self.duplicate_of = self.sim.rng.randint(max(1, self.id - 5000), self.id - 1)
        self.closed = at
        self.cancel_clocks(at)
        before = self.move("arsip")
        self.event(at, "archive", "admin", self.admin_user, None, None, before, "arsip", REASON_LABELS[reason],
                   True, "cancel:all")  # fmt: skip

    def _reply(self, at):
        if self.state != "tertunda":
            return
        self.resume_clocks(at)
        before = self.move(self.state_before_pause or "baru")
        self.state_before_pause = ""
        self.event(at, "add_info", "reporter", None, None, None, before, self.state,
                   self.sim.rng.choice(ADD_INFO_NOTES), False, "resume:all")  # fmt: skip
        self.later(self.admin_time(at), "decide", True)

    def _give_up(self, at):
        if self.state == "tertunda":
            self.archive(at, "tidak_dijawab")

    def verify(self, at, dispatch_now: bool):
        sim = self.sim
        self.verified = at
        self.stop_clocks(at, (sim.Step.VERIFICATION,))
        clock = self.start_clock(sim.Step.DISPATCH, self.admin, at)
        before = self.move("terverifikasi")
        self.event(at, "verify", "admin", self.admin_user, None, None, before, "terverifikasi", "", True,
                   "stop:verification start:dispatch", clock.due)  # fmt: skip
        if dispatch_now:
            self.version -= 1  # verify and dispatch in one action: one version step, two timeline entries
            self._dispatch(at)
        else:
            self.later(self.admin_time(at), "dispatch")

    def _dispatch(self, at):
        sim, rng = self.sim, self.sim.rng
        agencies = [self.target]
        if rng.random() < P_TWO_AGENCIES:
            agencies.append(sim._other_agency(self.target, self.kabkota, self.village))
        self.stop_clocks(at, (sim.Step.DISPATCH,))
        self.dispatched = self.dispatched or at
        deadline = None
        for agency in agencies:
            first = self.open_disposition(agency, at, self.admin_user, "")
            deadline = first.due if deadline is None else min(deadline, first.due)
        names = ", ".join(sim.world.agency_names[a] for a in agencies)
        before = self.move("terdisposisi")
        self.event(at, "dispatch", "admin", self.admin_user, None, None, before, "terdisposisi",
                   f"Didisposisikan kepada {names}.", True,
                   "stop:verification,dispatch start:first_response,follow_up,resolution", deadline)  # fmt: skip

    def open_disposition(self, agency, at, by, note, forwarded_from=None) -> Clock:
        sim = self.sim
        d = Disposition()
        d.id, d.agency, d.state, d.forwarded_from, d.note, d.by, d.at = (
            sim._id("disposition"),
            agency,
            "menunggu",
            forwarded_from,
            note,
            by,
            at,
        )
        d.first = d.resolved = d.closed = None
        self.dispositions.append(d)
        first = self.start_clock(sim.Step.FIRST_RESPONSE, agency, at, d.id)
        self.start_clock(sim.Step.FOLLOW_UP, agency, at, d.id)
        self.start_clock(sim.Step.RESOLUTION, agency, at, d.id)
        if sim.rng.random() >= sim.never[agency]:
            # the file's delays already hold nights and weekends: no shift into office hours
            answer = dt.timedelta(hours=sim.rng.choice(sim.first_answers)) * sim.pace[agency]
            self.later(at + answer, "answer", d, forwarded_from is None)
        return first

    # --- the agencies ---------------------------------------------------------------------------------------

    def _answer(self, at, d: Disposition, may_forward: bool):
        sim, rng = self.sim, self.sim.rng
        if d.state not in ("menunggu", "diterima", "diproses"):
            return
        user = sim.world.liaison_user.get(d.agency)
        if may_forward and rng.random() < P_FORWARD:
            target = sim._other_agency(d.agency, self.kabkota, self.village)
            d.state, d.closed = "diteruskan", at
            self.cancel_clocks(at, disposition=d.id)
            note = rng.choice(FORWARD_NOTES)
            first = self.open_disposition(target, at, user, note, forwarded_from=d.id)
            busy = any(x.state in ("diterima", "diproses") for x in self.dispositions)
            before = self.move("diproses" if busy else "terdisposisi")
            text = f"Diteruskan dari {sim.world.agency_names[d.agency]} kepada {sim.world.agency_names[target]}: {note}"
            self.event(at, "forward", "agency", user, d.agency, self.dispositions[-1].id, before, self.state, text,
                       True, "cancel:agency start:first_response,follow_up,resolution", first.due)  # fmt: skip
            return
        d.first = d.first or at
        self.first_response = self.first_response or at
        self.stop_clocks(at, (sim.Step.FIRST_RESPONSE,), d.id)
        before = self.move("diproses")
        if rng.random() < 0.7:
            d.state = "diterima"
            self.event(at, "accept", "agency", user, d.agency, d.id, before, "diproses", rng.choice(ACCEPT_NOTES),
                       True, "stop:first_response", stage="verifikasi")  # fmt: skip
        else:
            self._progress(at, d, "cek_lapangan")
        if rng.random() < P_STUCK:
            return  # the agency never finishes
        resolution = dt.timedelta(hours=self.resolution_hours())
        done = max(self.agency_time(d.at + resolution * sim.pace[d.agency], d.agency, 0.5, 0.3), at + HOUR)
        for _k in range(rng.choice((0, 1, 1, 2))):
            self.later(at + (done - at) * rng.random(), "progress", d, rng.choice(("cek_lapangan", "pengerjaan")))
        self.later(done, "resolve", d)

    def resolution_hours(self) -> float:
        budget = self.sim.budgets[self.sim.Step.RESOLUTION, self.weight]
        days = float(budget.amount)
        return 24 * days * 1.4 * math.exp(self.sim.rng.gauss(-0.7, 0.8))  # most well within, some late

    def _progress(self, at, d: Disposition, stage: str):
        sim = self.sim
        if d.state not in ("menunggu", "diterima", "diproses"):
            return
        d.state = "diproses"
        d.first = d.first or at
        self.first_response = self.first_response or at
        self.stop_clocks(at, (sim.Step.FIRST_RESPONSE, sim.Step.FOLLOW_UP), d.id)
        before = self.move("diproses")
        note = sim.rng.choice(PROGRESS_NOTES[stage])
        self.event(at, "progress", "agency", sim.world.liaison_user.get(d.agency), d.agency, d.id, before, "diproses",
                   note, True, "stop:first_response,follow_up", stage=stage)  # fmt: skip

    def _resolve(self, at, d: Disposition):
        sim, rng = self.sim, self.sim.rng
        if d.state not in ("menunggu", "diterima", "diproses") or self.state not in ("terdisposisi", "diproses"):
            return
        d.state, d.resolved = "selesai", at
        d.first = d.first or at
        self.first_response = self.first_response or at
        self.stop_clocks(at, (sim.Step.FIRST_RESPONSE, sim.Step.FOLLOW_UP, sim.Step.RESOLUTION), d.id)
        effect, deadline, target = "stop:follow_up,resolution", None, "diproses"
        if not any(x.state in ("menunggu", "diterima", "diproses") for x in self.dispositions):
            self.resolved = at
            clock = self.start_clock(sim.Step.CONFIRMATION, self.admin, at)
            target, deadline, effect = "selesai", clock.due, effect + " start:confirmation"
            self.confirmation_round += 1
            self.reporter_turn(at, clock)
        before = self.move(target)
        self.event(at, "resolve", "agency", sim.world.liaison_user.get(d.agency), d.agency, d.id, before, target,
                   rng.choice(RESOLVE_NOTES), True, effect, deadline, stage="selesai")  # fmt: skip

    # --- the reporter's turn --------------------------------------------------------------------------------

    def reporter_turn(self, at, clock: Clock):
        sim, rng = self.sim, self.sim.rng
        u = rng.random()
        round_ = self.confirmation_round
        if u < P_CONFIRM:
            moment = at + sim._lognormal_hours(30, 1.0)
            if moment < clock.due:
                self.later(moment, "confirm", round_)
                return
        elif u < P_CONFIRM + P_REOPEN and self.reopen_count == 0:
            moment = at + sim._lognormal_hours(48, 0.8)
            if moment < clock.due:
                self.later(moment, "reopen", round_)
                return
        self.later(clock.due + dt.timedelta(seconds=rng.uniform(1, 290)), "auto_close", round_)

    def _confirm(self, at, round_):
        if self.state != "selesai" or round_ != self.confirmation_round:
            return
        rng = self.sim.rng
        self.closed = at
        self.stop_clocks(at, (self.sim.Step.CONFIRMATION,))
        if rng.random() < 0.7:
            self.rating = rng.choices((5, 4, 3, 2, 1), (45, 30, 12, 7, 6))[0]
            self.rating_comment = rng.choice(RATING_COMMENTS)
        before = self.move("ditutup")
        self.event(at, "confirm", "reporter", None, None, None, before, "ditutup",
                   "Pelapor mengonfirmasi laporan telah selesai.", True, "stop:confirmation")  # fmt: skip

    def _reopen(self, at, round_):
        sim = self.sim
        if self.state != "selesai" or round_ != self.confirmation_round:
            return
        self.reopen_count += 1
        self.resolved = None
        self.cancel_clocks(at, (sim.Step.CONFIRMATION,))
        self.confirmation_round += 1
        for d in self.dispositions:
            if d.state == "selesai":
                d.state, d.resolved = "diproses", None
                self.start_clock(sim.Step.RESOLUTION, d.agency, at, d.id)
                resolution = dt.timedelta(hours=self.resolution_hours() / 2)
                self.later(self.agency_time(at + resolution, d.agency, 0.5, 0.3), "resolve", d)
        before = self.move("diproses")
        self.event(at, "reopen", "reporter", None, None, None, before, "diproses", sim.rng.choice(REOPEN_NOTES),
                   True, "cancel:confirmation start:resolution")  # fmt: skip

    def _auto_close(self, at, round_):
        sim, rng = self.sim, self.sim.rng
        if self.state != "selesai" or round_ != self.confirmation_round:
            return
        self.closed = at
        self.stop_clocks(at, (sim.Step.CONFIRMATION,))
        before = self.move("ditutup")
        self.event(at, "auto_close", "system", None, None, None, before, "ditutup",
                   "Ditutup otomatis: tidak ada tanggapan pelapor dalam batas waktu konfirmasi.", True,
                   "stop:confirmation")  # fmt: skip
        if rng.random() < P_RATE_LATE:
            self.later(at + sim._lognormal_hours(24, 1.0), "rate")

    def _rate(self, at):
        rng = self.sim.rng
        if self.rating is not None:
            return
        self.rating = rng.choices((5, 4, 3, 2, 1), (35, 30, 15, 10, 10))[0]
        self.rating_comment = rng.choice(RATING_COMMENTS)
        note = f"Penilaian: {self.rating} dari 5." + (f" {self.rating_comment}" if self.rating_comment else "")
        self.event(at, "rate", "reporter", None, None, None, self.state, self.state, note, True)


STEP_WORDS = {
    "verification": "verifikasi",
    "dispatch": "disposisi",
    "first_response": "respon pertama",
    "follow_up": "tindak lanjut",
    "resolution": "penyelesaian",
    "confirmation": "konfirmasi pelapor",
}
REASON_LABELS = {
    "format": "Format laporan tidak sesuai / tidak lengkap.",
    "umum": "Terlalu umum, tidak dapat ditindaklanjuti.",
    "bukan_pelayanan": "Bukan tentang pelayanan publik.",
    "duplikat": "Duplikat laporan lain.",
    "sara": "Mengandung ujaran kebencian, SARA atau spam.",
    "tidak_dijawab": "Pelapor tidak melengkapi informasi.",
    "lainnya": "Alasan lain.",
}
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def _local_text(moment: dt.datetime, tz) -> str:
    local = moment.astimezone(tz)
    return f"{DAYS[local.weekday()]}, {local:%d-%m-%Y %H.%M} WIB"
