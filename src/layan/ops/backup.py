"""``layan backup`` and ``layan restore``: the database and the attachments in one ``.tar.gz``, checked on the way
back.

The archive holds ``manifest.json`` (format, time, database vendor and method, row count of every table, the
migrations applied, and the size and SHA-256 of every member), the database and ``media/`` (every file of the
default storage: attachments, parked uploads, routing models).

The database copy does not go through ``dumpdata`` (which skips tables without a model, e.g. django-tasks' or the
auditlog's own, and re-serialises values through the ORM):

- SQLite: the ``sqlite3`` online backup API, a page-for-page copy taken safely while Layan runs; restored the same
  way over the target file.
- PostgreSQL: ``pg_dump --format=custom`` when the client is installed, restored with ``pg_restore`` into an empty
  schema; without it (or with ``--method json``) every table's rows as JSON lines, with types tagged, inserted back
  in one transaction into a database migrated to the same migrations (Django's foreign keys are deferrable, so the
  order does not matter), and the id sequences moved past the restored rows.

Restore refuses a target holding data (any row outside Django's bookkeeping tables, or any stored file) unless
``force`` is given, and refuses an archive whose checksums do not match before it changes anything.
"""

import base64
import datetime as dt
import decimal
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
# Rows Django writes itself on ``migrate``: a freshly migrated database has them and is still "empty".
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (shown to the operator as is)."""


# --- reading what there is ---------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(storage=None) -> list[str]:
    """Every file name in the default storage (recursively), sorted."""
    storage = storage or default_storage
    found = []

    def walk(prefix: str) -> None:
        try:
            directories, files = storage.listdir(prefix)
        except FileNotFoundError:
            return
        for name in files:
            found.append(f"{prefix}/{name}" if prefix else name)
        for directory in directories:
            walk(f"{prefix}/{directory}" if prefix else directory)

    walk("")
    return sorted(found)


def table_names() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in table_names():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def holds_data() -> list[str]:
    """Why the current database and storage are not empty (tables with rows, files), or [] if they are."""
    reasons = [
        f"{table}: {count}" for table, count in row_counts().items() if count and table not in BOOKKEEPING_TABLES
    ]
    files = media_files()
    if files:
        reasons.append(f"media: {len(files)} file(s)")
    return reasons


def applied_migrations() -> list[list[str]]:
    if MigrationRecorder.Migration._meta.db_table not in table_names():
        return []
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


# --- the JSON form of a table ----------------------------------------------------------------------------------------


def _encode(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, decimal.Decimal):
        return {"$dec": str(value)}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, list | tuple):
        return {"$list": [_encode(item) for item in value]}
    if isinstance(value, dict):
        return {"$json": json.dumps(value, sort_keys=True)}
    return {"$str": str(value)}  # e.g. an inet address: written back as its text


def _decode(value):
    if not isinstance(value, dict):
        return value
    (tag, raw), *_rest = value.items()
    match tag:
        case "$dt":
            return dt.datetime.fromisoformat(raw)
        case "$date":
            return dt.date.fromisoformat(raw)
        case "$time":
            return dt.time.fromisoformat(raw)
        case "$td":
            return dt.timedelta(days=raw[0], seconds=raw[1], microseconds=raw[2])
        case "$dec":
            return decimal.Decimal(raw)
        case "$uuid":
            return uuid.UUID(raw)
        case "$b64":
            return base64.b64decode(raw)
        case "$list":
            return [_decode(item) for item in raw]
        case "$json" | "$str":
            return raw
    raise BackupError(f"unknown value tag {tag!r} in the archive")


def _column_names(cursor, table: str) -> list[str]:
    """The table's stored columns: generated columns (e.g. the reports' search vector) are computed again."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]
    if connection.vendor == "sqlite":
        cursor.execute(f"PRAGMA table_xinfo({connection.ops.quote_name(table)})")
        return [row[1] for row in cursor.fetchall() if row[6] in (0, 1)]  # hidden 2/3: generated
    return [column.name for column in connection.introspection.get_table_description(cursor, table)]


def dump_json(path: Path) -> None:
    """Every table's rows as JSON lines: a header ``{"table", "columns"}`` then one list per row."""
    with open(path, "w", encoding="utf-8") as out, connection.cursor() as cursor:
        for table in table_names():
            columns = _column_names(cursor, table)
            out.write(json.dumps({"table": table, "columns": columns}) + "\n")
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            while rows := cursor.fetchmany(1000):
                for row in rows:
                    out.write(json.dumps([_encode(value) for value in row], ensure_ascii=False) + "\n")
        if connection.vendor == "sqlite":
            # SQLite's AUTOINCREMENT counters: kept, so that an id of a row deleted before the backup is never
            # given out again after the restore (the counter can be ahead of the highest id still stored)
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
            out.write(json.dumps({"sqlite_sequence": [list(row) for row in cursor.fetchall()]}) + "\n")


def load_json(path: Path) -> None:
    """Replace every table's rows by the archive's, in one transaction, then move the id sequences on."""
    from django.apps import apps
    from django.core.management.color import no_style

    tables = table_names()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"TRUNCATE {quoted} CASCADE")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        table, insert, batch, counters = None, None, [], []

        def flush():
            if batch:
                cursor.executemany(insert, batch)
                batch.clear()

        with open(path, encoding="utf-8") as lines:
            for line in lines:
                item = json.loads(line)
                if isinstance(item, dict) and "sqlite_sequence" in item:
                    flush()
                    counters = item["sqlite_sequence"] if connection.vendor == "sqlite" else []
                elif isinstance(item, dict):
                    flush()
                    table = item["table"]
                    if table not in tables:
                        raise BackupError(f"table {table} of the archive does not exist here: run `layan migrate`")
                    columns = ", ".join(connection.ops.quote_name(c) for c in item["columns"])
                    marks = ", ".join(["%s"] * len(item["columns"]))
                    insert = f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES ({marks})"
                else:
                    batch.append([_decode(value) for value in item])
                    if len(batch) >= 500:
                        flush()
            flush()
        reset = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
        for statement in reset:
            cursor.execute(statement)
        if counters:
            cursor.execute("DELETE FROM sqlite_sequence")
            cursor.executemany("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", counters)


# --- PostgreSQL's own tools ------------------------------------------------------------------------------------------


def _pg_env_and_target() -> tuple[dict, list[str]]:
    params = connection.get_connection_params()
    env = {**os.environ}
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    args = []
    for key, flag in (("host", "--host"), ("port", "--port"), ("user", "--username")):
        if params.get(key):
            args += [flag, str(params[key])]
    return env, [*args, "--dbname", str(params.get("dbname") or settings.DATABASES["default"]["NAME"])]


def pg_tools_available() -> bool:
    """pg_dump and pg_restore on PATH, of a major version not older than the server's."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        return False
    try:
        out = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True, check=True).stdout
        client_major = int(out.split()[-1].split(".")[0])
    except (OSError, subprocess.CalledProcessError, ValueError, IndexError):
        return False
    return client_major >= connection.pg_version // 10000


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


# --- backup ------------------------------------------------------------------------------------------------------


class _HashingReader:
    """A file's reader that hashes what it hands on (to tarfile, which copies ``size`` bytes in chunks)."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def create_backup(destination: Path, method: str = "auto") -> dict:
    """Write the archive to ``destination``; returns its manifest. ``method``: auto, native or json."""
    vendor = connection.vendor
    if method == "auto":
        method = "json" if vendor == "postgresql" and not pg_tools_available() else "native"
    if method == "native" and vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"no native backup for {vendor}: use --method json")
    destination = Path(destination)
    with tempfile.TemporaryDirectory(prefix="layan-backup-") as work:
        work = Path(work)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "vendor": vendor,
            "method": method,
            "tables": row_counts(),
            "migrations": applied_migrations(),
            "members": {},
            "media": [],
        }
        if method == "json":
            db_member = "database/tables.jsonl"
            (work / "database").mkdir()
            dump_json(work / db_member)
        elif vendor == "sqlite":
            db_member = "database/layan.sqlite3"
            (work / "database").mkdir()
            connection.ensure_connection()
            with sqlite3.connect(work / db_member) as target:
                connection.connection.backup(target)
            target.close()
        else:
            db_member = "database/layan.pgdump"
            (work / "database").mkdir()
            env, target_args = _pg_env_and_target()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(work / db_member),
                  *target_args], env)  # fmt: skip
        manifest["database"] = db_member
        manifest["members"][db_member] = {
            "size": (work / db_member).stat().st_size,
            "sha256": _sha256_file(work / db_member),
        }

        tmp = destination.with_name(destination.name + ".part")
        with tarfile.open(tmp, "w:gz") as archive:
            archive.add(work / db_member, arcname=db_member)
            for name in media_files():
                info = tarfile.TarInfo(f"media/{name}")
                info.size, info.mtime, info.mode = default_storage.size(name), int(timezone.now().timestamp()), 0o600
                with default_storage.open(name, "rb") as handle:
                    reader = _HashingReader(handle)
                    archive.addfile(info, reader)  # streamed: a large routing model is never read into memory
                manifest["media"].append({"name": name, "size": info.size, "sha256": reader.digest.hexdigest()})
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(body), int(timezone.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(body))
        tmp.chmod(0o600)  # it holds reporters' contacts and the password hashes
        tmp.replace(destination)
    return manifest


# --- restore -----------------------------------------------------------------------------------------------------


def _extract(archive_path: Path, work: Path) -> dict:
    """Unpack the archive (refusing links and paths out of ``work``) and check every checksum; the manifest."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive_path} is not a readable Layan backup: {exc}") from exc
    try:
        manifest = json.loads((work / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{archive_path} has no readable manifest.json") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for member, meta in manifest["members"].items():
        if _sha256_file(work / member) != meta["sha256"]:
            raise BackupError(f"{member}: checksum mismatch, the archive is damaged")
    for item in manifest["media"]:
        path = work / "media" / item["name"]
        if not path.is_file() or _sha256_file(path) != item["sha256"]:
            raise BackupError(f"media/{item['name']}: missing or checksum mismatch, the archive is damaged")
    return manifest


def restore_backup(archive_path: Path, force: bool = False) -> dict:
    """Restore the archive into the configured database and storage; returns the manifest."""
    archive_path = Path(archive_path)
    with tempfile.TemporaryDirectory(prefix="layan-restore-") as work:
        work = Path(work)
        manifest = _extract(archive_path, work)
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"the backup is of a {manifest['vendor']} database, this instance uses {connection.vendor}"
            )
        found = holds_data()
        if found and not force:
            raise BackupError(
                "the target is not empty (" + ", ".join(found[:5]) + (", ..." if len(found) > 5 else "") + "); "
                "restore into an empty instance, or pass --force to replace everything in it"
            )
        db_file = work / manifest["database"]
        if manifest["method"] == "json":
            from django.core.management import call_command

            call_command("migrate", interactive=False, verbosity=0)
            load_json(db_file)
        elif connection.vendor == "sqlite":
            connection.close()
            target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
            try:
                with sqlite3.connect(db_file) as source:
                    source.backup(target)
                source.close()
            finally:
                target.close()
        else:
            if not pg_tools_available():
                raise BackupError("this backup was made with pg_dump: install the PostgreSQL client (pg_restore)")
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute("CREATE SCHEMA public")
            connection.close()
            env, target_args = _pg_env_and_target()
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *target_args, str(db_file)], env)

        for name in media_files():
            default_storage.delete(name)
        for item in manifest["media"]:
            with open(work / "media" / item["name"], "rb") as handle:
                saved = default_storage.save(item["name"], File(handle))
            if saved != item["name"]:
                raise BackupError(f"media/{item['name']} was stored as {saved}")
        counts = row_counts()
        differing = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
        if differing:
            raise BackupError(f"restored row counts differ from the backup's: {differing}")
    return manifest
