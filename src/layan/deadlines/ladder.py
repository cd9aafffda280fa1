"""The escalation ladder (tangga eskalasi): who hears of a clock at each step, and when its next step is due.

For a step handled by an agency (first response, follow-up, resolution) or by the admin desk (verification,
dispatch):

- level 0 -> 1 at ``remind_at`` (``reminder_fraction`` of the time used): a reminder (pengingat) to the
  agency's liaison officers (pejabat penghubung); for the admin's own steps, to the platform admins
  (verifikator) of the report's admin agency. Internal: not shown to the public.
- level 1 -> 2 at ``due_at``: escalation to the head (pimpinan) of the agency. Public.
- level 2 -> 3 at ``due_at`` + ``supervisor_after`` (in the clock's own unit, on the agency's working calendar):
  escalation to the supervising level: the oversight bodies (inspektorat, kantor kepala daerah / sekretariat
  daerah) that oversee the agency or any agency above it. Public.

The reporter's confirmation window (konfirmasi pelapor) has its own two steps: at ``remind_at`` a public note
that the report will close (the reporter hears of it as of every public update), at ``due_at`` the report closes
(``workflow`` action ``auto_close``).

A role missing in an agency is looked for in the agency above it (a UPT without its own liaison officer is
covered by its dinas). Everything here is loaded once per sweep: the cost does not grow with the open reports.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from layan.core.models import Agency, Membership, Region

from .calendar import WorkingCalendar, load_region_holidays
from .models import Step, Unit
from .services import STEP_PHRASES, format_local

REMINDED, HEAD, SUPERVISOR = 1, 2, 3
CLOSED = 2  # the confirmation window's last level
ADMIN_STEPS = (Step.VERIFICATION, Step.DISPATCH)
SUPERVISOR_KINDS = (Agency.Kind.INSPEKTORAT, Agency.Kind.KEPALA_DAERAH)
Role = Membership.Role


def escalation_enabled() -> bool:
    """``LAYAN_ESCALATION_ENABLED`` (default True). When off, the sweep only closes expired confirmation windows."""
    return bool(getattr(settings, "LAYAN_ESCALATION_ENABLED", True))


class Directory:
    """Agencies, their staff's e-mail addresses by role, and who oversees whom, read once."""

    def __init__(self):
        self.agencies = {a.pk: a for a in Agency.objects.select_related("home_region")}
        self._emails: dict[tuple[int, str], list[str]] = defaultdict(list)
        members = (
            Membership.objects.filter(is_active=True, user__is_active=True)
            .exclude(user__email="")
            .values_list("agency_id", "role", "user__email")
            .order_by("user__email")
        )
        for agency_id, role, email in members:
            email = email.strip().lower()
            if email and email not in self._emails[agency_id, role]:
                self._emails[agency_id, role].append(email)
        self._overseers: dict[int, set[int]] = defaultdict(set)
        links = Agency.oversees.through.objects.filter(
            from_agency__kind__in=SUPERVISOR_KINDS, from_agency__is_active=True
        ).values_list("from_agency_id", "to_agency_id")
        for body, target in links:
            self._overseers[target].add(body)

    def lineage(self, agency_id: int) -> list[int]:
        """The agency and every agency above it, nearest first."""
        chain, node = [], agency_id
        while node is not None and node not in chain and node in self.agencies:
            chain.append(node)
            node = self.agencies[node].parent_id
        return chain

    def staff_emails(self, agency_id: int, role: str) -> list[str]:
        for node in self.lineage(agency_id):
            if self._emails.get((node, role)):
                return list(self._emails[node, role])
        return []

    def supervisors(self, agency_id: int) -> list[Agency]:
        bodies = set()
        for node in self.lineage(agency_id):
            bodies |= self._overseers.get(node, set())
        return sorted((self.agencies[b] for b in bodies), key=lambda a: a.name)

    def supervisor_emails(self, bodies: list[Agency]) -> list[str]:
        result = []
        for body in bodies:
            for email in self._emails.get((body.pk, Role.OVERSIGHT), []):
                if email not in result:
                    result.append(email)
        return result


class Calendars:
    """Working calendars by (agency, place), with the administrators' extra holidays loaded once."""

    def __init__(self, directory: Directory):
        self.directory = directory
        self.region_holidays = load_region_holidays()
        self.regions: dict[str, Region] = {}
        self._cache: dict[tuple[int, str | None], WorkingCalendar] = {}

    def load_regions(self, codes) -> None:
        missing = {c for c in codes if c and c not in self.regions}
        if missing:
            self.regions.update(Region.objects.in_bulk(missing))

    def for_clock(self, agency_id: int, region_id: str | None) -> WorkingCalendar:
        agency = self.directory.agencies[agency_id]
        place = agency.home_region_id or region_id
        key = (agency_id, place)
        if key not in self._cache:
            self.load_regions([region_id])
            region = self.regions.get(region_id) if region_id else None
            self._cache[key] = WorkingCalendar.for_agency(agency, region, region_holidays=self.region_holidays)
        return self._cache[key]

    def timezone(self, agency_id: int, region_id: str | None) -> str:
        """The zone deadlines are shown in: the report's region, else the agency's."""
        self.load_regions([region_id])
        if region_id and region_id in self.regions:
            return self.regions[region_id].timezone
        return self.directory.agencies[agency_id].timezone


def supervisor_at(calendar: WorkingCalendar, due_at: dt.datetime, amount, unit: str) -> dt.datetime:
    """When the supervising level hears of a missed deadline: ``amount`` more of the clock's unit after it.
    Working days are whole days (rounded); zero or less means at the deadline itself."""
    amount = float(amount or 0)
    if amount <= 0:
        return due_at
    if unit == Unit.WORKING_DAYS:
        return calendar.add_working_days(due_at, max(1, round(amount)))
    mode = "working" if unit == Unit.WORKING_HOURS else "calendar"
    return calendar.add_hours(due_at, amount, mode)


@dataclass(frozen=True)
class Plan:
    """What the sweep does to one due clock: climb to ``level``, run ``actions``, next look at ``next_check_at``."""

    level: int
    next_check_at: dt.datetime | None
    actions: tuple[str, ...]


def plan(row: dict, now: dt.datetime, calendars: Calendars) -> Plan:
    """The step(s) a due clock takes now. A clock found past several thresholds (the sweep did not run for a
    while) climbs to the highest one due in one claim; a reminder whose deadline has already passed is skipped
    (the escalation says more), every escalation is still recorded."""
    level, due = row["escalation_level"], row["due_at"]
    remind = row["remind_at"] or due
    if row["step"] == Step.CONFIRMATION:
        if now >= due:
            return Plan(CLOSED, None, ("auto_close",) if level < CLOSED else ())
        if now >= remind and level < REMINDED:
            return Plan(REMINDED, due, ("remind_reporter",))
        return Plan(level, due if level >= REMINDED else remind, ())
    target = REMINDED if now >= remind else 0
    sup = None
    if now >= due:
        calendar = calendars.for_clock(row["agency_id"], row["report__region_id"])
        sup = supervisor_at(calendar, due, row["supervisor_after"], row["unit"])
        target = SUPERVISOR if now >= sup else HEAD
    target = max(target, level)
    actions = []
    for step in range(level + 1, target + 1):
        if step == REMINDED and target > REMINDED:
            continue
        actions.append({REMINDED: "remind", HEAD: "head", SUPERVISOR: "supervisor"}[step])
    if target == 0:
        next_check = remind
    elif target == REMINDED:
        next_check = due
    elif target == HEAD:
        if sup is None:
            calendar = calendars.for_clock(row["agency_id"], row["report__region_id"])
            sup = supervisor_at(calendar, due, row["supervisor_after"], row["unit"])
        next_check = sup
    else:
        next_check = None
    return Plan(target, next_check, tuple(actions))


@dataclass
class Message:
    """One timeline entry and the staff it is sent to."""

    action: str
    clock_effect: str
    is_public: bool
    note: str
    recipients: list[str]
    subject: str = ""
    body: str = ""


def staff_link(tracking_number: str) -> str:
    base = settings.LAYAN_PUBLIC_URL.rstrip("/")
    try:
        return base + reverse("reports:staff-detail", args=[tracking_number])
    except NoReverseMatch:  # pragma: no cover - the reports URLs are always installed
        return base


class Wording:
    """The texts of the ladder, translated once per sweep (in the language active when it is built), and the
    deadlines already written out: a sweep over thousands of clocks formats each distinct instant once."""

    PLACEHOLDER = "NOMOR-LAPORAN"

    def __init__(self):
        self.reporter_note = _("Laporan akan ditutup otomatis pada %(due)s bila pelapor tidak memberi tanggapan.")
        self.remind_note = _("Pengingat: tenggat %(step)s paling lambat %(due)s.")
        self.remind_subject = _("Pengingat tenggat %(step)s laporan %(number)s")
        self.head_note = _("Tenggat %(step)s terlewati (%(due)s). Laporan dieskalasi kepada pimpinan %(agency)s.")
        self.head_subject = _("Eskalasi: tenggat %(step)s laporan %(number)s terlewati")
        self.supervisor_note = _(
            "Tenggat %(step)s terlewati sejak %(due)s. Laporan dieskalasi kepada pengawas: %(bodies)s."
        )
        self.supervisor_subject = _("Eskalasi ke pengawas: laporan %(number)s (%(agency)s)")
        self.no_supervisor = _("belum ada badan pengawas yang ditetapkan")
        self.body = "\n".join(
            [
                "%(note)s",
                "",
                _("Laporan: %(number)s %(title)s"),
                _("Instansi: %(agency)s"),
                _("Tenggat: %(due)s"),
                "",
                _("Buka laporan: %(link)s"),
                "",
                "-- ",
                settings.LAYAN_SITE_NAME.replace("%", "%%"),
                "",
            ]
        )
        self.steps = {step: str(phrase) for step, phrase in STEP_PHRASES.items()}
        self.link = staff_link(self.PLACEHOLDER)
        self.site = settings.LAYAN_SITE_NAME
        self._moments: dict[tuple, str] = {}

    def moment(self, value: dt.datetime, tz: str) -> str:
        key = (value, tz)
        if key not in self._moments:
            self._moments[key] = format_local(value, tz)
        return self._moments[key]


def message(kind: str, row: dict, directory: Directory, calendars: Calendars, wording: Wording | None = None):
    """The timeline note and the e-mail of one ladder step (Indonesian source strings)."""
    w = wording or Wording()
    agency = directory.agencies[row["agency_id"]]
    tz = calendars.timezone(row["agency_id"], row["report__region_id"])
    values = {
        "step": w.steps[row["step"]],
        "due": w.moment(row["due_at"], tz),
        "agency": agency.name,
        "number": row["report__tracking_number"],
    }
    if kind == "remind_reporter":
        return Message("reminder", "remind:reporter", True, w.reporter_note % values, [])
    if kind == "remind":
        if row["step"] in ADMIN_STEPS:
            recipients, effect = directory.staff_emails(row["report__admin_agency_id"], Role.PLATFORM_ADMIN), "admin"
        else:
            recipients, effect = directory.staff_emails(agency.pk, Role.PENGHUBUNG), "liaison"
        result = Message("reminder", f"remind:{effect}", False, w.remind_note % values, recipients)
        subject = w.remind_subject % values
    elif kind == "head":
        recipients = directory.staff_emails(agency.pk, Role.PIMPINAN)
        result = Message("escalation", "escalate:head", True, w.head_note % values, recipients)
        subject = w.head_subject % values
    else:
        bodies = directory.supervisors(agency.pk)
        values["bodies"] = ", ".join(b.name for b in bodies) or w.no_supervisor
        recipients = directory.supervisor_emails(bodies)
        result = Message("escalation", "escalate:supervisor", True, w.supervisor_note % values, recipients)
        subject = w.supervisor_subject % values
    values["title"] = "" if row["report__privacy"] == "rahasia" else row["report__title"]
    values["note"] = result.note
    values["link"] = w.link.replace(w.PLACEHOLDER, values["number"])
    result.subject = f"[{w.site}] {subject}"[:200]
    result.body = w.body % values
    return result
