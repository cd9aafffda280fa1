"""Stored outbound messages no longer carry the reporter's secret link (issue 15): the text holds a placeholder
(``layan.reports.keys.PLACEHOLDER``) and a fresh link is made when the message is sent. Texts stored before carry
the link in clear: it is replaced by the placeholder here (a pending one still gets a working link when sent)."""

import re

from django.db import migrations, models

PLACEHOLDER = "{tautan_rahasia_pelapor}"  # layan.reports.keys.PLACEHOLDER, frozen here
SECRET_LINK = re.compile(r"\S*/lacak/[0-9A-Za-z]{4}-[0-9A-Za-z]{4}/[A-Za-z0-9_-]+/?")


def scrub(apps, schema_editor):
    OutboundMessage = apps.get_model("channels", "OutboundMessage")
    rows = OutboundMessage.objects.filter(text__contains="/lacak/").values_list("pk", "text", "report_id")
    for pk, text, report_id in rows.iterator(2000):
        cleaned = SECRET_LINK.sub(PLACEHOLDER, text)
        if cleaned != text:
            OutboundMessage.objects.filter(pk=pk).update(text=cleaned, reporter_link=report_id is not None)


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0003_inbound_status_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundmessage",
            name="reporter_link",
            field=models.BooleanField(default=False, verbose_name="berisi tautan rahasia pelapor"),
        ),
        migrations.RunPython(scrub, migrations.RunPython.noop),
    ]
