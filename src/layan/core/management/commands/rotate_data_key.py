from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from layan.core import pii

# values sealed inside JSON columns (model label, JSON field, key): the channels' profile name and envelope sender
SEALED_IN_JSON = [
    ("channels.InboundMessage", "parsed", "sender_name"),
    ("channels.InboundRequest", "headers", "mail-from"),
]


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored personal value under the first LAYAN_DATA_KEY (after prepending a new key); the "
        "old key can be dropped from the list once this has run. Blind indexes do not change."
    )

    def handle(self, *args, **options):
        pii.reset_keys()
        total = 0
        for model in apps.get_models():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, (pii.EncryptedTextField, pii.EncryptedBinaryField))
            ]
            if fields:
                total += self._rewrite(model, fields)
        for label, field, key in SEALED_IN_JSON:
            model = apps.get_model(label)
            for pk, data in model.objects.values_list("pk", field).iterator(chunk_size=1000):
                if isinstance(data, dict) and data.get(key):
                    data[key] = pii.rotate(data[key])
                    model.objects.filter(pk=pk).update(**{field: data})
        self.stdout.write(f"{total} rows re-encrypted under the first LAYAN_DATA_KEY")

    def _rewrite(self, model, fields) -> int:
        count = 0
        rows = model.objects.values_list("pk", *fields).order_by("pk")
        for row in rows.iterator(chunk_size=1000):
            values = dict(zip(fields, row[1:], strict=True))  # read in clear (any listed key) ...
            with transaction.atomic():
                model.objects.filter(pk=row[0]).update(**values)  # ... written under the first key
            count += 1
        return count
