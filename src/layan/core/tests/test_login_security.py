"""Login throttling (django-axes), two-factor authentication (django-otp) and staff session limits, through the
real login pages."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from layan.core.demo import DEMO_PASSWORD
from layan.core.twofactor import SESSION_LOGIN_AT, SESSION_SEEN_AT

pytestmark = pytest.mark.django_db

LOGIN = "/masuk/"


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/staf/laporan/"}, **extra)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


# --- lockout ------------------------------------------------------------------------------------------------------


@override_settings(AXES_ENABLED=True)
def test_five_wrong_passwords_lock_the_username_from_that_address(client, staff):
    for _attempt in range(4):
        response = post_login(client, "penghubung.dsdabm-sby", "salah")
        assert response.status_code == 200  # the form again, with its error
    locked = post_login(client, "penghubung.dsdabm-sby", "salah")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Terlalu banyak percobaan masuk" in body and "15 menit" in body
    # even the right password is refused while locked out, and nobody is logged in
    again = post_login(client, "penghubung.dsdabm-sby", DEMO_PASSWORD)
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    # another username from the same address, and the same username from another address, are not locked
    assert post_login(client, "pimpinan.dsdabm-sby", DEMO_PASSWORD).status_code == 302
    other = type(client)()
    assert post_login(other, "penghubung.dsdabm-sby", DEMO_PASSWORD, REMOTE_ADDR="10.9.8.7").status_code == 302
    # what axes keeps of the attempts holds no password
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="penghubung.dsdabm-sby")
    assert attempt.failures_since_start >= 5 and "salah" not in attempt.post_data


@override_settings(AXES_ENABLED=True)
def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, staff):
    for attempt in range(6):
        response = post_login(client, "admin.surabaya", "salah", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    assert response.status_code == 429


@override_settings(AXES_ENABLED=True)
def test_the_lockout_page_speaks_english_when_chosen(client, staff):
    client.cookies["django_language"] = "en"
    for _attempt in range(5):
        response = post_login(client, "admin.surabaya", "salah")
    assert response.status_code == 429
    assert 'lang="en"' in response.content.decode()


@override_settings(AXES_ENABLED=True)
def test_the_admin_login_is_locked_out_too(client, staff):
    for _attempt in range(5):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "sysadmin", "password": "salah", "next": "/admin/"}
        )
    assert response.status_code == 429
    assert client.post("/admin/login/", {"username": "sysadmin", "password": DEMO_PASSWORD}).status_code == 429


@override_settings(AXES_ENABLED=True)
def test_a_success_before_the_limit_resets_the_count(client, staff):
    for _attempt in range(4):
        post_login(client, "penghubung.dsdabm-sby", "salah")
    assert post_login(client, "penghubung.dsdabm-sby", DEMO_PASSWORD).status_code == 302
    client.post("/keluar/")
    for _attempt in range(4):
        assert post_login(client, "penghubung.dsdabm-sby", "salah").status_code == 200


# --- two-factor ---------------------------------------------------------------------------------------------------


@override_settings(LAYAN_2FA_REQUIRED=True)
def test_an_admin_must_enrol_before_any_staff_page(client, staff):
    response = post_login(client, "admin.surabaya", DEMO_PASSWORD)
    assert response.status_code == 302
    inbox = client.get("/staf/laporan/")
    assert inbox.status_code == 302 and inbox["Location"].startswith(reverse("twofactor-enrol"))
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/reports/").status_code == 302  # not through the session API either
    page = client.get(inbox["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and "<script>" not in body
    device = TOTPDevice.objects.get(user=staff("admin.surabaya"), confirmed=False)
    wrong = client.post(inbox["Location"], {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Kode tidak cocok" in wrong.content.decode()
    time.sleep(1.1)  # django-otp slows down guessing: 1 s after the first wrong code, doubling
    done = client.post(inbox["Location"], {"token": current_code(device), "next": "/staf/laporan/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert client.get("/staf/laporan/").status_code == 200

    # the next login asks for a code; a backup code works once
    client.post("/keluar/")
    post_login(client, "admin.surabaya", DEMO_PASSWORD)
    asked = client.get("/staf/laporan/")
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("twofactor-verify"))
    assert client.post(asked["Location"], {"token": "12345678"}).status_code == 200
    assert client.get("/staf/laporan/").status_code == 302
    time.sleep(1.1)
    verified = client.post(asked["Location"], {"token": codes[0]})
    assert verified.status_code == 302 and verified["Location"] == "/staf/laporan/"
    assert client.get("/staf/laporan/").status_code == 200
    client.post("/keluar/")
    post_login(client, "admin.surabaya", DEMO_PASSWORD)
    assert client.post(reverse("twofactor-verify"), {"token": codes[0]}).status_code == 200  # used up


@override_settings(LAYAN_2FA_REQUIRED=True)
@pytest.mark.parametrize("username", ["sysadmin", "pengawas.ombudsman-jatim"])
def test_sysadmin_and_oversight_must_enrol(client, staff, username):
    post_login(client, username, DEMO_PASSWORD)
    response = client.get("/staf/laporan/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor-enrol"))


@override_settings(LAYAN_2FA_REQUIRED=True)
def test_a_liaison_officer_is_offered_two_factor_not_forced(client, staff):
    post_login(client, "penghubung.dsdabm-sby", DEMO_PASSWORD)
    assert client.get("/staf/laporan/").status_code == 200
    page = client.get(reverse("twofactor-enrol"))
    assert page.status_code == 200 and "<svg" in page.content.decode()


def test_the_admin_asks_a_code_of_whoever_enrolled_even_with_the_requirement_off(client, staff):
    """The demo setting turns enrolment off, never the code of someone who enrolled."""
    user = staff("sysadmin")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.post(LOGIN, {"username": "sysadmin", "password": DEMO_PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor-verify"))


@override_settings(LAYAN_2FA_REQUIRED=False)
def test_demo_logins_work_without_a_phone(client, staff):
    post_login(client, "sysadmin", DEMO_PASSWORD)
    assert client.get("/staf/laporan/").status_code == 200


def test_next_after_the_code_never_leaves_the_site(client, staff):
    user = staff("pimpinan.dsdabm-sby")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    post_login(client, "pimpinan.dsdabm-sby", DEMO_PASSWORD)
    response = client.post(
        reverse("twofactor-verify"), {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


# --- staff sessions -----------------------------------------------------------------------------------------------


@override_settings(LAYAN_STAFF_IDLE_MINUTES=30, LAYAN_STAFF_SESSION_HOURS=8)
def test_a_staff_session_ends_after_30_idle_minutes(client, staff):
    post_login(client, "penghubung.dsdabm-sby", DEMO_PASSWORD)
    assert client.get("/staf/laporan/").status_code == 200
    session = client.session
    session[SESSION_SEEN_AT] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/staf/laporan/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    assert "_auth_user_id" not in client.session
    assert "Sesi Anda berakhir" in client.get(response["Location"]).content.decode()


@override_settings(LAYAN_STAFF_IDLE_MINUTES=30, LAYAN_STAFF_SESSION_HOURS=8)
def test_a_busy_staff_session_still_ends_after_8_hours(client, staff):
    post_login(client, "penghubung.dsdabm-sby", DEMO_PASSWORD)
    session = client.session
    session[SESSION_LOGIN_AT] = int(time.time()) - 8 * 3600 - 5
    session[SESSION_SEEN_AT] = int(time.time()) - 10
    session.save()
    assert client.get("/staf/laporan/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_session_key_changes_at_login_and_the_staff_cookie_is_short(client, staff):
    anonymous = client.session
    anonymous["x"] = 1
    anonymous.save()
    before = client.cookies["sessionid"].value
    post_login(client, "penghubung.dsdabm-sby", DEMO_PASSWORD)
    response = client.get("/staf/laporan/")
    cookie = client.cookies["sessionid"]
    assert cookie.value != before
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert response.wsgi_request.session.get_expiry_age() <= 31 * 60


def test_a_citizen_account_keeps_the_default_session(client, db):
    from layan.core.models import User

    User.objects.create_user("warga1", password="kata-sandi-panjang-1")
    assert client.login(username="warga1", password="kata-sandi-panjang-1")
    session = client.session
    session[SESSION_SEEN_AT] = int(time.time()) - 3 * 3600
    session.save()
    response = client.get("/")
    assert response.status_code == 200 and response.wsgi_request.user.is_authenticated
