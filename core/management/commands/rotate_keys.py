"""Move every encrypted value and blind index to the first key of its setting.

Rotating a key: put the new key first in PERSONAL_DATA_KEYS (or PERSONAL_DATA_INDEX_KEYS),
keeping the old one after it, and deploy: values still open and lookups still find, under
either key. Run this command; once it has finished, remove the old key. It goes through
every model with a core.fields.EncryptedTextField or BlindIndexField, in batches of locked
rows, so it can run on a live service and be run again (it rewrites every row: a Fernet
token does not say which key sealed it).
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.fields import BlindIndexField, EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt personal data and recompute blind indexes under the first key of each setting."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        for model in apps.get_models():
            fields = [
                field
                for field in model._meta.concrete_fields
                if isinstance(field, (EncryptedTextField, BlindIndexField))
            ]
            if not fields:
                continue
            rows = self._rotate(model, fields, batch_size)
            self.stdout.write(f"{model._meta.label}: {rows} rows under the first keys")

    def _rotate(self, model, fields, batch_size: int) -> int:
        indexes = [field for field in fields if isinstance(field, BlindIndexField)]
        sources = {field.source for field in indexes}
        read = {field.name for field in fields if isinstance(field, EncryptedTextField)} | sources
        last, done = None, 0
        while True:
            with transaction.atomic():
                batch = model._base_manager.select_for_update().order_by("pk").only("pk", *read)
                if last is not None:
                    batch = batch.filter(pk__gt=last)
                rows = list(batch[:batch_size])
                if not rows:
                    return done
                for row in rows:
                    for field in indexes:
                        setattr(row, field.attname, field.index.current(getattr(row, field.source) or ""))
                # Saving writes each encrypted value again, with the first key.
                model._base_manager.bulk_update(rows, [field.name for field in fields])
            done += len(rows)
            last = rows[-1].pk
