"""The NIK, the heir NIK and both phone numbers encrypted at rest, each with a blind index
to find it (core/fields.py) but the heir NIK, which nothing looks up.

The plain columns are renamed, the encrypted ones added and filled in batches, then the
plain ones dropped. Reversible: backwards decrypts into plain columns again.
"""

from django.db import migrations, models

import core.fields

BATCH = 2000
ENCRYPTED = ("nik", "heir_nik", "phone", "heir_phone")
INDEXED = ("nik", "phone", "heir_phone")


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
    indexes = {name: Claim._meta.get_field(f"{name}_index").index for name in INDEXED}
    for rows in _batches(Claim, [f"{name}_plain" for name in ENCRYPTED]):
        for claim in rows:
            for name in ENCRYPTED:
                setattr(claim, name, getattr(claim, f"{name}_plain"))
            for name, index in indexes.items():
                setattr(claim, f"{name}_index", index.current(getattr(claim, f"{name}_plain")))
        Claim.objects.bulk_update(rows, [*ENCRYPTED, *(f"{name}_index" for name in INDEXED)])


def decrypt(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    for rows in _batches(Claim, ENCRYPTED):
        for claim in rows:
            for name in ENCRYPTED:
                setattr(claim, f"{name}_plain", getattr(claim, name))
        Claim.objects.bulk_update(rows, [f"{name}_plain" for name in ENCRYPTED])


def _encrypted(verbose_name: str, **kwargs):
    return core.fields.EncryptedTextField(default="", verbose_name=verbose_name, **kwargs)


class Migration(migrations.Migration):
    dependencies = [("claims", "0010_programme_payment_days")]

    operations = [
        migrations.RemoveIndex("claim", "claim_phone_status_idx"),
        *(migrations.RenameField("claim", name, f"{name}_plain") for name in ENCRYPTED),
        migrations.AddField("claim", "nik", _encrypted("NIK")),
        migrations.AddField("claim", "heir_nik", _encrypted("NIK ahli waris", blank=True)),
        migrations.AddField(
            "claim",
            "phone",
            _encrypted("nomor HP", blank=True, help_text="Format E.164, misalnya +6281234567890."),
        ),
        migrations.AddField("claim", "heir_phone", _encrypted("nomor HP ahli waris", blank=True)),
        migrations.AddField("claim", "nik_index", core.fields.BlindIndexField(source="nik")),
        migrations.AddField(
            "claim", "phone_index", core.fields.BlindIndexField(source="phone", purpose="claims.phone")
        ),
        migrations.AddField(
            "claim", "heir_phone_index", core.fields.BlindIndexField(source="heir_phone", purpose="claims.phone")
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        # A default, so that going backwards can add the plain NIK column to a filled table.
        migrations.AlterField("claim", "nik_plain", models.CharField(default="", max_length=16, verbose_name="NIK")),
        *(migrations.RemoveField("claim", f"{name}_plain") for name in ENCRYPTED),
        migrations.AddIndex("claim", models.Index(fields=["nik_index", "programme"], name="claim_nik_index_idx")),
        migrations.AddIndex("claim", models.Index(fields=["phone_index"], name="claim_phone_index_idx")),
        migrations.AddIndex("claim", models.Index(fields=["heir_phone_index"], name="claim_heir_phone_index_idx")),
    ]
