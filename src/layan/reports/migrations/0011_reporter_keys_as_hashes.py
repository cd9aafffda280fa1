"""Secret links are stored as SHA-256 digests, never in readable rows (issue 15).

- ``Report.secret`` (the reporter's secret link) becomes a :class:`ReporterKey` row holding only its digest, so
  every link already given out keeps working; later messages get fresh keys minted when they are sent.
- The confidential choice's label says who reads what (the rule of ``layan.core.permissions``).
- ``Follower.token`` (the follow confirmation link) and ``PendingUpload.token`` (the form's parked upload) become
  ``token_digest``: pending confirmation links and parked uploads keep working.

On PostgreSQL the digests are computed in SQL (``sha256``, one statement per table: seconds at a million reports);
elsewhere in Python, in batches. Not atomic: PostgreSQL refuses to alter a table with pending trigger events
left by the updates of the same transaction. There is no way back to the clear keys (that is the point): going
backwards gives every report a new key, so links given out before stop working.
"""

import hashlib
import secrets

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import layan.reports.models

BATCH = 2000


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def hash_keys(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    ReporterKey = apps.get_model("reports", "ReporterKey")
    Follower = apps.get_model("reports", "Follower")
    PendingUpload = apps.get_model("reports", "PendingUpload")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        sql = "encode(sha256(convert_to({}, 'UTF8')), 'hex')"
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ReporterKey._meta.db_table} (report_id, digest, purpose, created_at) "
                f"SELECT id, {sql.format('secret')}, 'legacy', created_at FROM {Report._meta.db_table}"
            )
            for model in (Follower, PendingUpload):
                cursor.execute(f"UPDATE {model._meta.db_table} SET token_digest = {sql.format('token')}")
        return
    batch = []
    for pk, secret, created_at in Report.objects.values_list("pk", "secret", "created_at").iterator(BATCH):
        batch.append(ReporterKey(report_id=pk, digest=digest(secret), purpose="legacy", created_at=created_at))
        if len(batch) >= BATCH:
            ReporterKey.objects.bulk_create(batch)
            batch = []
    ReporterKey.objects.bulk_create(batch)
    for model in (Follower, PendingUpload):
        for pk, token in model.objects.values_list("pk", "token").iterator(BATCH):
            model.objects.filter(pk=pk).update(token_digest=digest(token))


def new_keys(apps, schema_editor):
    """Backwards: the old column needs a unique value per row; the digests cannot give the keys back."""
    for name in ("Report", "Follower", "PendingUpload"):
        model = apps.get_model("reports", name)
        field = "secret" if name == "Report" else "token"
        for pk in model.objects.values_list("pk", flat=True).iterator(BATCH):
            model.objects.filter(pk=pk).update(**{field: secrets.token_urlsafe(24)})


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0010_publication_and_attachment_public_id"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReporterKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("purpose", models.CharField(blank=True, max_length=20)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reporter_keys",
                        to="reports.report",
                    ),
                ),
            ],
            options={"verbose_name": "kunci tautan pelapor", "verbose_name_plural": "kunci tautan pelapor"},
        ),
        migrations.AddField(
            model_name="follower", name="token_digest", field=models.CharField(max_length=64, null=True)
        ),
        migrations.AddField(
            model_name="pendingupload", name="token_digest", field=models.CharField(max_length=64, null=True)
        ),
        # backwards: the old columns come back nullable, get fresh keys, then are made unique again
        migrations.AlterField(
            model_name="report",
            name="secret",
            field=models.CharField(max_length=40, null=True, verbose_name="kunci rahasia pelapor"),
        ),
        migrations.AlterField(model_name="follower", name="token", field=models.CharField(max_length=40, null=True)),
        migrations.AlterField(
            model_name="pendingupload", name="token", field=models.CharField(max_length=40, null=True)
        ),
        migrations.RunPython(hash_keys, new_keys, elidable=False),
        migrations.RemoveField(model_name="report", name="secret"),
        migrations.RemoveField(model_name="follower", name="token"),
        migrations.RemoveField(model_name="pendingupload", name="token"),
        migrations.AlterField(
            model_name="follower",
            name="token_digest",
            field=models.CharField(default=layan.reports.models._random_digest, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="pendingupload",
            name="token_digest",
            field=models.CharField(default=layan.reports.models._random_digest, max_length=64, unique=True),
        ),
        # the confidential choice tells the exact rule of layan.core.permissions (issue 15)
        migrations.AlterField(
            model_name="report",
            name="privacy",
            field=models.CharField(
                choices=[
                    ("publik", "Publik"),
                    (
                        "rahasia",
                        "Rahasia (tidak tampil untuk publik; isinya untuk petugas yang menangani, pengawas dan "
                        "administrator sistem; identitas pelapor hanya untuk petugas yang menangani)",
                    ),
                    ("anonim", "Anonim (identitas pelapor tidak ditampilkan kepada siapa pun)"),
                ],
                default="publik",
                max_length=8,
                verbose_name="kerahasiaan",
            ),
        ),
    ]
