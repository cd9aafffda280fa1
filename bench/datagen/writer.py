"""Fast writes of millions of rows: COPY on PostgreSQL, ``executemany`` on SQLite, in one transaction per chunk.

Each table is written with the column values of a template instance prepared once by Django (defaults, field
adaptation) and only the generated columns replaced per row, so a column added to a model later with a default
needs nothing here. While the big tables fill, their secondary indexes (and on PostgreSQL their foreign keys and
unique constraints) are set aside and rebuilt once at the end: building an index once is many times cheaper than
keeping it up to date row by row, and the rebuilt foreign keys are validated against the whole table.
"""

import datetime as dt
from contextlib import contextmanager

from django.db import connection

# The generated columns of each table, in the order of the tuples of ``history.Rows``
COLUMNS = {
    "citizens": ("core.Citizen", ["id", "name", "phone", "email", "created_at"]),
    "reports": (
        "reports.Report",
        [
            "id", "tracking_number", "type", "title", "description", "category_id", "weight", "region_id",
            "address", "latitude", "longitude", "occurred_on", "channel", "privacy", "reporter_id", "entered_by_id",
            "admin_agency_id", "state", "state_before_pause", "archive_reason", "duplicate_of_id", "created_at",
            "updated_at", "verified_at", "dispatched_at", "first_response_at", "resolved_at", "closed_at", "rating",
            "rating_comment", "reopen_count", "support_count", "version",
        ],
    ),
    "dispositions": (
        "reports.Disposition",
        [
            "id", "report_id", "agency_id", "state", "forwarded_from_id", "note", "dispatched_by_id", "dispatched_at",
            "first_response_at", "resolved_at", "closed_at",
        ],
    ),
    "clocks": (
        "deadlines.Clock",
        [
            "id", "report_id", "disposition_id", "agency_id", "step", "amount", "unit", "reminder_fraction",
            "supervisor_after", "started_at", "due_at", "remind_at", "paused_at", "remaining_seconds", "stopped_at",
            "status", "escalation_level", "next_check_at",
        ],
    ),
    "events": (
        "reports.ReportEvent",
        [
            "id", "report_id", "action", "actor_id", "actor_kind", "agency_id", "disposition_id", "from_state",
            "to_state", "stage", "note", "is_public", "clock_effect", "deadline_at", "created_at",
        ],
    ),
    "supports": ("reports.Support", ["id", "report_id", "key", "created_at"]),
    "followers": (
        "reports.Follower", ["id", "report_id", "email", "is_reporter", "confirmed", "token_digest", "created_at"]
    ),
}  # fmt: skip
ORDER = ["citizens", "reports", "dispositions", "clocks", "events", "supports", "followers"]
# Columns that take the value of another generated column of the same row: a report is public from its verification
COPIED = {"reports.Report": [("published_at", "verified_at")]}


def _utc_text(value):
    """A datetime as Django stores it in SQLite (naive UTC text)."""
    if value is None:
        return None
    text = str(value)
    if text.endswith("+00:00"):  # the generator's instants are UTC already
        return text[:-6]
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _date_text(value):
    return None if value is None else value.isoformat()


class TableWriter:
    """Rows of one model: the template's prepared values, the generated columns replaced."""

    def __init__(self, model, columns: list[str]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        template = model()
        self.base = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in self.fields]
        position = {f.attname: k for k, f in enumerate(self.fields)}
        missing = [c for c in columns if c not in position]
        if missing:
            raise ValueError(f"{model.__name__} has no columns {missing}")
        self.positions = [position[c] for c in columns]
        label = model._meta.label
        self.copies = [(position[to], position[source]) for to, source in COPIED.get(label, []) if to in position]
        self.adapters = [self._adapter(self.fields[position[c]]) for c in columns]
        # personal data is written as the models write it: encrypted, with its blind index (layan.core.pii)
        from layan.core import pii

        self.indexes = [
            (position[f.attname], columns.index(f.source), pii.INDEXERS[f.kind])
            for f in self.fields
            if isinstance(f, pii.BlindIndexField) and f.source in columns
        ]
        self.adapters = [
            pii.encrypt if isinstance(self.fields[position[c]], pii.EncryptedTextField) else adapter
            for c, adapter in zip(columns, self.adapters, strict=True)
        ]
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in self.fields)
        self.table = model._meta.db_table
        self.copy_sql = f"COPY {quote(self.table)} ({names}) FROM STDIN"
        self.insert_sql = f"INSERT INTO {quote(self.table)} ({names}) VALUES ({', '.join(['%s'] * len(self.fields))})"

    @staticmethod
    def _adapter(field):
        if connection.vendor != "sqlite":
            return None  # psycopg adapts datetimes, dates and decimals itself
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            return _utc_text
        if kind == "DateField":
            return _date_text
        return None

    def rows(self, values_list):
        base, positions, adapters = self.base, self.positions, self.adapters
        plain = not any(adapters)
        for values in values_list:
            row = list(base)
            if plain:
                for position, value in zip(positions, values, strict=True):
                    row[position] = value
            else:
                for position, adapt, value in zip(positions, adapters, values, strict=True):
                    row[position] = adapt(value) if adapt is not None else value
            for to, source in self.copies:
                row[to] = row[source]
            for position, source, indexer in self.indexes:
                row[position] = indexer(None, values[source])
            yield row

    def write(self, cursor, values_list) -> None:
        if not values_list:
            return
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(self.copy_sql) as copy:
                for row in self.rows(values_list):
                    copy.write_row(row)
        else:
            cursor.executemany(self.insert_sql, list(self.rows(values_list)))


def writers() -> dict[str, TableWriter]:
    from django.apps import apps

    return {name: TableWriter(apps.get_model(label), columns) for name, (label, columns) in COLUMNS.items()}


def write_chunk(table_writers: dict[str, TableWriter], rows) -> None:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for name in ORDER:
            table_writers[name].write(cursor, getattr(rows, name))


# --- indexes and constraints set aside while filling ---------------------------------------------------------------


@contextmanager
def bulk_load(tables: list[str], progress=print):
    """Secondary indexes (and on PostgreSQL foreign keys and unique constraints) of ``tables`` dropped for the
    fill and rebuilt after it, even when the fill fails halfway (the tables then hold what was written). Inside
    a caller's transaction (a test) nothing is set aside: a small fill does not need it."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        saved = _pg_set_aside(tables)
    else:
        saved = _sqlite_set_aside(tables)
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            _pg_restore(saved, progress)
        else:
            _sqlite_restore(saved, progress)


def _pg_set_aside(tables):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
            FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')
            ORDER BY c.contype DESC, c.conname
            """,
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            ORDER BY i.indexname
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition, _kind in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return constraints, indexes


def _pg_restore(saved, progress):
    constraints, indexes = saved
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        progress(f"  rebuilding {len(indexes)} indexes and {len(constraints)} constraints")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition, _kind in sorted(constraints, key=lambda c: c[3] != "u"):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _sqlite_set_aside(tables):
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(tables))
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
            tables,
        )
        indexes = sorted(cursor.fetchall())
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("PRAGMA foreign_keys = OFF")
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA cache_size = -262144")
        cursor.execute("PRAGMA temp_store = MEMORY")
    return indexes


def _sqlite_restore(indexes, progress):
    with connection.cursor() as cursor:
        progress(f"  rebuilding {len(indexes)} indexes")
        for _name, sql in indexes:
            cursor.execute(sql)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")


def reset_sequences(models) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def analyze() -> None:
    """Planner statistics; on PostgreSQL also the visibility map and hint bits a live database has from
    autovacuum (without it the first reads of freshly copied pages write them), and a checkpoint."""
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute("ANALYZE")  # VACUUM cannot run inside a transaction
        elif connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
