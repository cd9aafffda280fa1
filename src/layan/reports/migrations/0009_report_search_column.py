"""PostgreSQL: the text search reads a stored, generated ``tsvector`` column (``search_tsv``) with its own GIN index,
instead of an index on the expression (migration 0007).

With the expression index, a search sorted by date could only test a report by computing its vector again: at a
million reports, the staff inbox's search for a common word walked the newest reports computing each one's
vector, 1-2 s a page. The stored column is computed once, when the report is written, and read from then on.
The column is not a model field (SQLite has no ``tsvector``): ``reports.services.search`` names it on PostgreSQL.
Adding it rewrites the table: about a minute per million reports.
"""

from django.db import migrations

COLUMN, INDEX, OLD_INDEX = "search_tsv", "report_search_tsv_gin", "report_search_gin"
VECTOR = (
    "to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(description, '') || ' ' || "
    "COALESCE(address, ''))"
)


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE reports_report ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON reports_report USING gin ({COLUMN})")
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def remove_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE reports_report DROP COLUMN IF EXISTS {COLUMN}")  # drops its index too
    from importlib import import_module

    import_module("layan.reports.migrations.0007_report_search_index").add_index(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_disposition_dispatched_index")]

    operations = [migrations.RunPython(add_column, remove_column)]
