"""Stored notification bodies no longer carry the reporter's secret link (issue 15): the body holds a placeholder
(``layan.reports.keys.PLACEHOLDER``) and a fresh link is made when the e-mail is sent. Bodies stored before carry
the link in clear: it is replaced by the placeholder here (a pending one still gets a working link when sent)."""

import re

from django.db import migrations, models

PLACEHOLDER = "{tautan_rahasia_pelapor}"  # layan.reports.keys.PLACEHOLDER, frozen here
SECRET_LINK = re.compile(r"\S*/lacak/[0-9A-Za-z]{4}-[0-9A-Za-z]{4}/[A-Za-z0-9_-]+/?")


def scrub(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for pk, body in Notification.objects.filter(body__contains="/lacak/").values_list("pk", "body").iterator(2000):
        cleaned = SECRET_LINK.sub(PLACEHOLDER, body)
        if cleaned != body:
            Notification.objects.filter(pk=pk).update(body=cleaned, reporter_link=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="reporter_link",
            field=models.BooleanField(default=False, verbose_name="berisi tautan rahasia pelapor"),
        ),
        migrations.RunPython(scrub, migrations.RunPython.noop),
    ]
