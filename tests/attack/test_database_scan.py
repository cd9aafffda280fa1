"""A dump of the database must not reveal who filed an anonymous report.

An anonymous report is filed through the real web form (and through the REST API) and committed; then the
database is read as an attacker with a copy of it would: on SQLite the file's bytes after a WAL checkpoint (the
main file, and any WAL or journal left), on PostgreSQL every text, varchar, json and bytea column of every table.
The reporter's name, phone (in any format: the national significant number is inside every one) and e-mail must be
nowhere in clear: the contact is encrypted with a key from the environment and phones are looked up through a
keyed blind index (``core.pii``)."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from .world import national_number

WEB = dict(name="Paramita Tersembunyi", phone="0853-6661-2345", email="Paramita.Tersembunyi@contoh.id")
API = dict(name="Gunawan Takbernama", phone="+62 812 9090 4455", email="gunawan.takbernama@contoh.id")


def needles(person) -> dict[str, bytes]:
    return {
        "name": person["name"].split()[-1].lower().encode(),
        "phone": national_number(person["phone"]).encode(),
        "email": person["email"].split("@")[0].lower().encode(),
    }


def file_bytes() -> bytes:
    """The SQLite database as a copy of its files would hold it, after the WAL is written back."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    name = Path(connection.settings_dict["NAME"])
    parts = [name, Path(f"{name}-wal"), Path(f"{name}-journal")]
    return b"\n".join(path.read_bytes() for path in parts if path.exists())


def postgres_text() -> bytes:
    """Every text, varchar, json and bytea value of every table (what pg_dump would write; bytea as its bytes)."""
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')"
        )
        columns = cursor.fetchall()
        for table, column, data_type in columns:
            qn = connection.ops.quote_name
            value = f"convert_from({qn(column)}, 'SQL_ASCII')" if data_type == "bytea" else f"{qn(column)}::text"
            cursor.execute(f"SELECT {value} FROM {qn(table)} WHERE {qn(column)} IS NOT NULL")
            chunks.extend(value for (value,) in cursor.fetchall())
    return "\n".join(chunks).encode()


def dump() -> bytes:
    raw = file_bytes() if connection.vendor == "sqlite" else postgres_text()
    # digits separated by spaces or dashes still spell the number
    return re.sub(rb"(?<=\d)[\s\-.()]+(?=\d)", b"", raw.lower())


def file_anonymously(demo_agencies):
    from django.core.cache import cache

    cache.clear()
    client = Client()
    data = {
        "type": "pengaduan",
        "title": "Pungutan liar di loket kelurahan",
        "description": "Petugas loket meminta uang tambahan untuk surat pengantar.",
        "kabkota": "35.78",
        "kecamatan": "35.78.05",
        "desa": "35.78.05.1001",
        "privacy": "anonim",
        "kirim": "1",
        **WEB,
    }
    response = client.post(reverse("reports:submit"), data)
    assert response.status_code == 302, response.content.decode()[:1000]
    body = {
        "title": "Pungutan liar di loket kecamatan",
        "description": "Petugas meminta uang tambahan untuk mengurus akta.",
        "region": "35.78.05.1001",
        "privacy": "anonim",
        "reporter": {"name": API["name"], "phone": API["phone"], "email": API["email"]},
    }
    from layan.api.models import ApiKey

    _key, raw = ApiKey.objects.create_key(
        name="aplikasi kota", agency=demo_agencies["surabaya"], permissions=["report.intake"]
    )
    response = Client(headers={"X-Api-Key": raw}).post(
        reverse("api:report-list"), body, content_type="application/json"
    )
    assert response.status_code == 201, response.content.decode()[:1000]


@pytest.mark.django_db(transaction=True)
def test_dump_reveals_no_anonymous_reporter(demo_agencies):
    file_anonymously(demo_agencies)
    content = dump()
    leaks = [f"{who} {kind}" for who, person in (("web", WEB), ("api", API)) for kind, value in needles(person).items()]
    leaks = [label for label in leaks if _needle(label) in content]
    if leaks:  # say where, for whoever must fix it
        from layan.core.tests.dump import places_of

        leaks.append(places_of(*(_needle(label).decode() for label in leaks)))
    assert leaks == []


def _needle(label: str) -> bytes:
    who, kind = label.split()
    return needles(WEB if who == "web" else API)[kind]


@pytest.mark.django_db(transaction=True)
def test_dump_is_searchable(demo_agencies):
    """The control: the same reading does find the report's own text, so a clean scan means something."""
    file_anonymously(demo_agencies)
    content = dump()
    assert b"pungutan liar di loket kelurahan" in content and b"pungutan liar di loket kecamatan" in content
