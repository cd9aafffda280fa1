"""What a database dump shows: the test helper that looks for a citizen's contact in clear in everything stored.

SQLite: the database file's bytes (and its journal/WAL) after a checkpoint, as a copy of the file would give.
PostgreSQL: every text-like column of every table (text, varchar, json, jsonb, bytea), as ``pg_dump`` would print
it. Use it in a ``transaction=True`` test (rows must be committed to reach the file)."""

from pathlib import Path

from django.db import connection

TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "bytea")


def sqlite_bytes() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    name = Path(connection.settings_dict["NAME"])
    data = name.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = name.with_name(name.name + suffix)
        if extra.exists():
            data += extra.read_bytes()
    return data


def postgresql_rows() -> list[tuple[str, str, str]]:
    """(table, column, value as text) of every non-empty text-like value in the public schema."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY(%s) ORDER BY table_name, column_name",
            [list(TEXT_TYPES)],
        )
        columns = cursor.fetchall()
        for table, column, data_type in columns:
            quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
            # bytea as its bytes read as UTF-8 (what a dump's reader sees), the rest as text
            value = f"convert_from({quoted_column}, 'SQL_ASCII')" if data_type == "bytea" else f"{quoted_column}::text"
            cursor.execute(f"SELECT {value} FROM {quoted_table} WHERE {quoted_column} IS NOT NULL")  # noqa: S608
            found += [(table, column, row[0]) for row in cursor.fetchall() if row[0]]
    return found


def places_of(*needles: str) -> dict[str, list[str]]:
    """For each needle found in clear anywhere in the database: where (``table.column`` on PostgreSQL, byte
    offsets on SQLite). An empty dict means none of them is stored readable."""
    needles = [n for n in needles if n]
    result: dict[str, list[str]] = {}
    if connection.vendor == "sqlite":
        data = sqlite_bytes()
        for needle in needles:
            for encoded in {needle.encode("utf-8"), needle.encode("utf-16-le")}:
                offset = data.find(encoded)
                if offset >= 0:
                    result.setdefault(needle, []).append(f"byte {offset}: {data[max(0, offset - 60) : offset + 60]!r}")
        return result
    for table, column, value in postgresql_rows():
        lowered = value.lower()
        for needle in needles:
            if needle.lower() in lowered:
                result.setdefault(needle, []).append(f"{table}.{column}")
    return result
