"""``layan backup`` then ``layan restore`` into an empty instance (another database, another media directory, a
separate process): every row of every table and every file (by checksum) comes back; a non-empty target is refused
without --force; a damaged archive is refused before anything changes. On SQLite and on PostgreSQL, both methods."""

import datetime
import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from .processes import SRC

pytestmark = pytest.mark.django_db(transaction=True)


def jpeg(name="foto.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def populate(client, staff):
    """Reports through the real form (with a photo), an audit trail, a 2FA device, a session, extra files."""
    for title in ("Jalan berlubang di Jl. Tegalsari", "Lampu PJU mati di Jl. Dr. Soetomo ✓ 🚧"):
        response = client.post(
            reverse("reports:submit"),
            {
                "type": "pengaduan",
                "title": title,
                "description": "Lubang besar di tengah jalan sudah dua minggu, banyak pengendara jatuh.",
                "kabkota": "35.78",
                "kecamatan": "35.78.05",
                "desa": "35.78.05.1001",
                "privacy": "publik",
                "name": "Siti Aminah",
                "phone": "081234567890",
                "kirim": "1",
                "attachments": jpeg(),
            },
        )
        assert response.status_code == 302, response.content.decode()[:1500]
    TOTPDevice.objects.create(user=staff("sysadmin"), name="app", confirmed=True)
    assert client.login(username="admin.surabaya", password="layan-demo")
    default_storage.save("cadangan/uji/berkas biner.bin", ContentFile(bytes(range(256)) * 40))


def snapshot(vendor: str, target) -> dict[str, list]:
    """Every row of every table, read with a plain driver connection (not Django's), sorted."""
    if vendor == "sqlite":
        db = sqlite3.connect(target)
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}
        db.close()
        return rows
    import psycopg

    with psycopg.connect(**target) as db:
        tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        return {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}


def files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def empty_target(tmp_path):
    """An empty instance: a database that does not exist yet (SQLite) or has no tables (PostgreSQL), and an empty
    media directory. Yields (DATABASE_URL, how to read it, media root)."""
    media = tmp_path / "media-restored"
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", path, media
        return
    import psycopg

    params = connection.get_connection_params()
    base = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
    name = f"layan_restore_{os.getpid()}"
    with psycopg.connect(**base, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    user = base.get("user", "")
    auth = f"{user}:{base['password']}@" if base.get("password") else (f"{user}@" if user else "")
    url = f"postgres://{auth}{base.get('host', '127.0.0.1')}:{base.get('port', 5432)}/{name}"
    yield url, {**base, "dbname": name}, media
    with psycopg.connect(**base, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def layan(args, database_url, media, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH", "")])),
        "DJANGO_SETTINGS_MODULE": "layan.settings.demo",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
        "LAYAN_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "restore-test",
    }
    return subprocess.run([sys.executable, "-m", "layan", *args], env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("method", ["native", "json"])
def test_restore_into_an_empty_instance_gives_back_every_row_and_file(
    client, staff, demo_agencies, tmp_path, empty_target, method
):
    populate(client, staff)
    # a row added and deleted: its id is used up, and a restored instance must not give it out again
    from layan.core.models import RegionHoliday

    RegionHoliday.objects.create(date=datetime.date(2026, 12, 24), name="Dihapus").delete()
    archive = tmp_path / "cadangan.tar.gz"
    call_command("backup", str(archive), method=method, stdout=io.StringIO())
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only

    vendor = connection.vendor
    source = (
        settings.DATABASES["default"]["NAME"]
        if vendor == "sqlite"
        else {
            **{
                k: v for k, v in connection.get_connection_params().items() if k in ("host", "port", "user", "password")
            },
            "dbname": connection.settings_dict["NAME"],
        }
    )
    before = snapshot(vendor, source)
    before_files = files(Path(settings.MEDIA_ROOT))
    assert before["reports_report"] and before["reports_attachment"] and before["auditlog_logentry"]
    assert before["otp_totp_totpdevice"] and before["django_session"]
    assert any(name.startswith("cadangan/uji/") for name in before_files)

    url, target, media = empty_target
    restored = layan(["restore", str(archive)], url, media, tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "every checksum and row count matches" in restored.stdout

    after = snapshot(vendor, target)
    assert sorted(after) == sorted(before)
    differing = [table for table in before if before[table] != after[table]]
    assert differing == [], differing
    assert files(media) == before_files

    # the restored instance is not empty any more: a second restore is refused, unless forced
    again = layan(["restore", str(archive)], url, media, tmp_path)
    assert again.returncode != 0 and "not empty" in again.stderr and "--force" in again.stderr
    forced = layan(["restore", str(archive), "--force"], url, media, tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert snapshot(vendor, target) == before and files(media) == before_files


def test_a_damaged_archive_is_refused_before_anything_changes(client, staff, demo_agencies, tmp_path, empty_target):
    populate(client, staff)
    archive = tmp_path / "cadangan.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    damaged = tmp_path / "rusak.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/cadangan/"):
                data = b"X" + data[1:]
            out.addfile(member, io.BytesIO(data))
    url, target, media = empty_target
    result = layan(["restore", str(damaged)], url, media, tmp_path)
    assert result.returncode != 0 and "checksum mismatch" in result.stderr
    assert not media.exists() or not any(media.rglob("*"))

    # a freshly migrated instance (`layan migrate` only writes Django's bookkeeping rows) counts as empty
    assert layan(["migrate", "-v", "0"], url, media, tmp_path).returncode == 0
    assert snapshot(connection.vendor, target)["core_user"] == []
    good = layan(["restore", str(archive)], url, media, tmp_path)
    assert good.returncode == 0, good.stderr
    assert len(snapshot(connection.vendor, target)["reports_report"]) == 2
