"""Issue 15: a report is public only once published (verified, or at submission where the deployment says so),
and attachments are addressed by a random public id instead of their sequential primary key."""

import secrets

from django.db import migrations, models

import layan.reports.models


def forwards(apps, schema_editor):
    """Reports already verified were published when verified. Reports past verification without a date (imported
    history) count as published when received. Reports still waiting for verification (baru, or pended before it)
    stay unpublished: under the new rule they become public when an admin verifies them."""
    Report = apps.get_model("reports", "Report")
    Report.objects.filter(verified_at__isnull=False).update(published_at=models.F("verified_at"))
    Report.objects.filter(verified_at__isnull=True).exclude(state__in=["baru", "tertunda", "arsip"]).update(
        published_at=models.F("created_at")
    )
    Attachment = apps.get_model("reports", "Attachment")
    for pk in Attachment.objects.filter(public_id__isnull=True).values_list("pk", flat=True).iterator():
        Attachment.objects.filter(pk=pk).update(public_id=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_report_search_column")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="dipublikasikan"),
        ),
        migrations.AddField(
            model_name="attachment",
            name="public_id",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attachment",
            name="public_id",
            field=models.CharField(
                default=layan.reports.models.new_public_id, editable=False, max_length=32, unique=True
            ),
        ),
    ]
