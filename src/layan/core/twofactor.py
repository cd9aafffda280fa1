"""Two-factor authentication for staff (django-otp) and the limits of staff sessions.

- A staff member who has enrolled (an authenticator app, TOTP, plus ten one-time backup codes) is asked for a code
  after the password, on every page including the Django admin, before the session counts as verified.
- Platform admins, system administrators, oversight accounts and superusers (``permissions.must_use_two_factor``)
  must enrol at their first login before they reach any page but the 2FA pages, when ``LAYAN_2FA_REQUIRED`` is on
  (the default; the demo and the test settings turn it off so the demo logins work without a phone).
- Every other staff member is offered it (the "Keamanan akun" link).
- Staff sessions end ``LAYAN_STAFF_SESSION_HOURS`` after login, or after ``LAYAN_STAFF_IDLE_MINUTES`` without a
  request; a citizen's session is left alone.

The pages are server-rendered and need no JavaScript: the QR code is an inline SVG (segno) beside the secret as
text, for an app that cannot scan.
"""

import time
from base64 import b32encode
from urllib.parse import quote

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import permissions

BACKUP_CODES = 10
SESSION_LOGIN_AT = "layan_login_at"
SESSION_SEEN_AT = "layan_seen_at"
SESSION_NO_2FA = "layan_2fa_none"  # this session's user has no device and need not enrol: skip the lookups
SEEN_RESOLUTION = 60  # seconds: the idle stamp is rewritten at most once a minute (one session write)

# Paths a session that still owes its second factor may reach: the login and 2FA pages, logout, the language
# switcher, static files. The admin's logout as well.
_OPEN_PREFIXES = ("/masuk/", "/keluar/", "/i18n/", "/admin/logout/", "/healthz", "/readyz")


def _open_path(path: str) -> bool:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return path.startswith(_OPEN_PREFIXES) or path.startswith(static)


def pending_step(request) -> str | None:
    """What the signed-in user still owes before reaching staff pages: ``"verify"`` (enrolled, not yet verified in
    this session), ``"enrol"`` (must enrol first) or None."""
    user = request.user
    if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
        return None
    if request.session.get(SESSION_NO_2FA):
        return None
    if django_otp.user_has_device(user, confirmed=True):
        return "verify"
    if settings.LAYAN_2FA_REQUIRED and permissions.must_use_two_factor(user):
        return "enrol"
    request.session[SESSION_NO_2FA] = True
    return None


class TwoFactorMiddleware:
    """Sends a session that owes its second factor to the 2FA page, from every page but the open ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not _open_path(request.path_info):
            step = pending_step(request)
            if step is not None:
                target = reverse("twofactor-verify" if step == "verify" else "twofactor-enrol")
                return HttpResponseRedirect(f"{target}?next={quote(request.get_full_path())}")
        return self.get_response(request)


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs):
    """Start the clocks of a new session (the session key is new: Django rotates it at login)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_SEEN_AT] = now
        request.session.pop(SESSION_NO_2FA, None)
        if permissions.has_staff_session(user):
            request.session.set_expiry(int(settings.LAYAN_STAFF_IDLE_MINUTES * 60) + SEEN_RESOLUTION)


class StaffSessionMiddleware:
    """Ends a staff session past its absolute or idle limit: the user is logged out and sent to the login page
    with a message saying why. The session cookie of staff also expires after the idle limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and permissions.has_staff_session(user):
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(SESSION_LOGIN_AT, now)
            seen_at = session.get(SESSION_SEEN_AT, now)
            max_age = settings.LAYAN_STAFF_SESSION_HOURS * 3600
            idle = settings.LAYAN_STAFF_IDLE_MINUTES * 60
            if now - login_at > max_age or now - seen_at > idle:
                logout(request)
                messages.info(request, _("Sesi Anda berakhir. Silakan masuk lagi."))
                return redirect(f"{reverse('login')}?next={quote(request.get_full_path())}")
            if now - seen_at >= SEEN_RESOLUTION or SESSION_SEEN_AT not in session:
                session[SESSION_SEEN_AT] = now
                session.set_expiry(int(min(idle, max_age - (now - login_at))) + SEEN_RESOLUTION)
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Kode"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
def verify(request):
    """The second step of the login: a code from the authenticator app or one of the backup codes."""
    if not django_otp.user_has_device(request.user, confirmed=True):
        return redirect(f"{reverse('twofactor-enrol')}?next={quote(_next_url(request))}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            request.session.pop(SESSION_NO_2FA, None)
            return redirect(_next_url(request))
        form.add_error("token", _("Kode salah atau sudah dipakai. Coba lagi dengan kode yang baru."))
    return render(request, "core/twofactor_verify.html", {"form": form, "next": _next_url(request)})


def _qr_svg(url: str) -> str:
    """The otpauth URL as an inline SVG (no script, no external image: the CSP allows it)."""
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff", title=None, svgclass="qr")


@never_cache
@login_required
def enrol(request):
    """Enrol an authenticator app: a QR code and the secret as text, then a first code proves the app has it."""
    user = request.user
    if django_otp.user_has_device(user, confirmed=True):
        if not user.is_verified():
            return redirect(f"{reverse('twofactor-verify')}?next={quote(_next_url(request))}")
        return render(request, "core/twofactor_active.html", {"required": permissions.must_use_two_factor(user)})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Aplikasi autentikator"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = replace_backup_codes(user)
            django_otp.login(request, device)
            request.session.pop(SESSION_NO_2FA, None)
            return render(request, "core/twofactor_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("token", _("Kode tidak cocok. Periksa jam ponsel Anda dan masukkan kode yang sedang tampil."))
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308  (segno's SVG of our own otpauth URL)
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": settings.LAYAN_2FA_REQUIRED and permissions.must_use_two_factor(user),
    }
    return render(request, "core/twofactor_enrol.html", context)


def replace_backup_codes(user) -> list[str]:
    """Ten new one-time backup codes for ``user`` (the old ones stop working); shown once, stored by django-otp."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
