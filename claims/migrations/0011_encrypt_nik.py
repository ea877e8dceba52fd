"""The NIK and the heir NIK encrypted at rest, and a blind index to find a NIK (core/fields.py).

The plain columns are renamed, the encrypted ones added and filled in batches, then the
plain ones dropped. Reversible: backwards decrypts into plain columns again.
"""

from django.db import migrations, models

import core.fields

BATCH = 2000


def _batches(Claim, fields):
    last = 0
    while True:
        rows = list(Claim.objects.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def encrypt(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    index = Claim._meta.get_field("nik_index").index
    for rows in _batches(Claim, ("nik_plain", "heir_nik_plain")):
        for claim in rows:
            claim.nik = claim.nik_plain
            claim.heir_nik = claim.heir_nik_plain
            claim.nik_index = index.current(claim.nik_plain)
        Claim.objects.bulk_update(rows, ["nik", "heir_nik", "nik_index"])


def decrypt(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    for rows in _batches(Claim, ("nik", "heir_nik")):
        for claim in rows:
            claim.nik_plain = claim.nik
            claim.heir_nik_plain = claim.heir_nik
        Claim.objects.bulk_update(rows, ["nik_plain", "heir_nik_plain"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0010_programme_payment_days")]

    operations = [
        migrations.RenameField("claim", "nik", "nik_plain"),
        migrations.RenameField("claim", "heir_nik", "heir_nik_plain"),
        migrations.AddField("claim", "nik", core.fields.EncryptedTextField(default="", verbose_name="NIK")),
        migrations.AddField(
            "claim", "heir_nik", core.fields.EncryptedTextField(blank=True, default="", verbose_name="NIK ahli waris")
        ),
        migrations.AddField("claim", "nik_index", core.fields.BlindIndexField(source="nik")),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        # A default, so that going backwards can add the plain columns to a filled table.
        migrations.AlterField("claim", "nik_plain", models.CharField(default="", max_length=16, verbose_name="NIK")),
        migrations.RemoveField("claim", "nik_plain"),
        migrations.RemoveField("claim", "heir_nik_plain"),
        migrations.AddIndex("claim", models.Index(fields=["nik_index", "programme"], name="claim_nik_index_idx")),
    ]
