"""Each programme says within how many working days an approved claim is paid.

The approval message tells the claimant this number (DOMAIN.md: approved, and when the money
comes). Seeded per programme below, then edited in admin like the rest of the catalogue.

JHT: five working days from a complete, approved claim (Permenaker No. 4/2022, as the
Minister announced it in April 2022). JKK, JKM and JPN: the same five days until the agency
sets its own figure in admin; no separate legal deadline was confirmed for them when this
was written, and a promise the agency keeps is better than a shorter one it may not.
"""

import django.core.validators
from django.db import migrations, models

PAYMENT_DAYS = {"JHT": 5, "JKK": 5, "JKM": 5, "JPN": 5}


def seed_payment_days(apps, schema_editor):
    Programme = apps.get_model("claims", "Programme")
    for code, days in PAYMENT_DAYS.items():
        Programme.objects.filter(code=code).update(payment_days=days)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0009_non_working_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="payment_days",
            field=models.PositiveSmallIntegerField(
                default=5,
                help_text="Dana dikirim ke rekening peserta paling lambat sekian hari kerja setelah klaim disetujui.",
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="lama pembayaran (hari kerja)",
            ),
        ),
        migrations.RunPython(seed_payment_days, migrations.RunPython.noop),
    ]
