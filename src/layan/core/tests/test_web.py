import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from layan.core.demo import DEMO_PASSWORD
from layan.core.models import Agency, Membership


@pytest.mark.django_db
def test_home_page_in_indonesian_and_english(client, demo_agencies):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sampaikan laporan Anda" in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Send us your report" in response.content.decode()


@pytest.mark.django_db
def test_login_with_a_demo_account_shows_roles(client, demo_agencies):
    response = client.post(reverse("login"), {"username": "penghubung.dlh-sby", "password": DEMO_PASSWORD}, follow=True)
    body = response.content.decode()
    assert "Pejabat penghubung" in body and "Dinas Lingkungan Hidup Kota Surabaya" in body


@pytest.mark.django_db
def test_bad_login_is_refused_with_a_message(client, demo_agencies):
    response = client.post(reverse("login"), {"username": "penghubung.dlh-sby", "password": "salah"})
    assert response.status_code == 200
    assert "dan sandi yang benar" in response.content.decode()


@pytest.mark.django_db
def test_admin_lists_demo_agencies_in_indonesian(client, demo_agencies):
    client.login(username="sysadmin", password=DEMO_PASSWORD)
    response = client.get("/admin/core/agency/?q=Surabaya")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dinas Lingkungan Hidup Kota Surabaya" in body
    assert "Administrasi Layan" in body and "Cari" in body  # Django's own Indonesian admin strings
    assert client.get("/admin/core/region/?level=kecamatan").status_code == 200


@pytest.mark.django_db
def test_audit_page_only_for_those_allowed(client, demo_agencies):
    client.login(username="penghubung.dlh-sby", password=DEMO_PASSWORD)
    assert client.get(reverse("audit-log")).status_code == 403
    client.login(username="pengawas.inspektorat-sby", password=DEMO_PASSWORD)
    assert client.get(reverse("audit-log")).status_code == 200


@pytest.mark.django_db
def test_demo_seed_is_idempotent(demo_agencies):
    from layan.core.demo import seed_reference_data

    counts = Agency.objects.count(), Membership.objects.count()
    seed_reference_data()
    assert (Agency.objects.count(), Membership.objects.count()) == counts
    assert counts[0] >= 15


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="layan.settings.production", LAYAN_DATA_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "layan", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "refuses to start" in result.stderr


def test_demo_command_twice_is_safe(tmp_path):
    """``layan demo --no-serve`` on a fresh data directory, twice: SQLite created, nothing duplicated."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    cmd = [sys.executable, "-m", "layan", "demo", "--no-serve", "--data-dir", str(tmp_path / "data")]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "http://127.0.0.1:8000/" in first.stdout and "layan-demo" in first.stdout
    assert (tmp_path / "data" / "layan.sqlite3").exists() and (tmp_path / "data" / "secret_key").exists()
    second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "0 created, 0 updated" in second.stdout
    first_summary = [line for line in first.stdout.splitlines() if line.startswith("Demo data (core)")]
    second_summary = [line for line in second.stdout.splitlines() if line.startswith("Demo data (core)")]
    assert first_summary == second_summary
    assert "320 reports" in first.stdout and "reports already present, none added" in second.stdout


@pytest.mark.django_db
def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_pages_ignore_browser_english_until_the_user_switches(client, demo_agencies):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Sampaikan laporan Anda" in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Send us your report" in client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
