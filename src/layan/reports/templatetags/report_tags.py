"""Small helpers for the report pages: status badges, clock badges, timeline labels."""

from django import template
from django.utils.translation import gettext_lazy as _

from ..models import Report
from ..redact import redact

register = template.Library()

S = Report.State

# Only the badge classes layan.css defines: on_time, due_soon, overdue, met, met_late.
STATUS_CLASSES = {
    S.TERTUNDA: "due_soon",
    S.DIPROSES: "on_time",
    S.SELESAI: "met",
    S.DITUTUP: "met",
}
CLOCK_CLASSES = {"on_time", "due_soon", "overdue", "met", "met_late"}

EVENT_TITLES = {
    "submit": _("Laporan diterima"),
    "verify": _("Diverifikasi"),
    "dispatch": _("Didisposisikan ke instansi"),
    "pend": _("Ditunda: menunggu informasi dari pelapor"),
    "archive": _("Diarsipkan"),
    "accept": _("Diterima oleh instansi"),
    "progress": _("Perkembangan tindak lanjut"),
    "resolve": _("Tindak lanjut selesai"),
    "forward": _("Diteruskan ke instansi yang berwenang"),
    "add_info": _("Informasi tambahan dari pelapor"),
    "confirm": _("Dikonfirmasi selesai oleh pelapor"),
    "reopen": _("Dibuka kembali oleh pelapor"),
    "rate": _("Penilaian dari pelapor"),
    "auto_close": _("Ditutup otomatis"),
    "reminder": _("Pengingat tenggat"),
    "escalation": _("Eskalasi: tenggat terlewati"),
    "return": _("Dikembalikan ke admin"),
    "note": _("Catatan internal"),
}


@register.filter
def status_class(report):
    """The badge class of a report's public status."""
    return STATUS_CLASSES.get(report.state, "")


@register.filter
def clock_class(state):
    return state if state in CLOCK_CLASSES else ""


@register.filter
def event_title(event):
    title = EVENT_TITLES.get(event.action)
    if title is None:
        from ..workflow import TRANSITIONS

        transition = TRANSITIONS.get(event.action)
        title = transition.label if transition else event.action
    return title


@register.simple_tag
def event_actor(event, report):
    """Who acted, as the public may know it: an agency's name, never a staff member's or the reporter's name."""
    if event.actor_kind == "reporter":
        return _("Pelapor")
    if event.actor_kind == "system":
        return _("Sistem")
    if event.agency_id:
        return event.agency.name
    if event.actor_kind in ("admin", "intake"):
        return report.admin_agency.name
    return ""


@register.filter
def public_text(text, original=False):
    """Citizen-typed text on a public page: NIK, phone numbers and e-mail addresses masked (``reports.redact``).
    ``original`` (true on the reporter's own page) shows the text as written."""
    return text if original else redact(text)
