# A replaced document is kept with the status "replaced" (DOMAIN.md), never deleted while
# the claim lives. Documents an earlier file of the same type already stood behind (the
# history kept after submitting) are marked "replaced" here, so "current" means one thing
# everywhere: the claim's document of a type that is not "replaced".

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_superseded(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    newer = Document.objects.filter(
        claim_id=OuterRef("claim_id"),
        document_type_id=OuterRef("document_type_id"),
        created_at__gt=OuterRef("created_at"),
    )
    Document.objects.filter(Exists(newer)).update(status="replaced")


def unmark_superseded(apps, schema_editor):
    # Before this migration the history kept its verdict; that verdict is lost, and a
    # replaced file was never accepted for good: it goes back as "rejected".
    Document = apps.get_model("documents", "Document")
    Document.objects.filter(status="replaced").update(status="rejected")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0006_access_log_outlives_document"),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="status",
            field=models.CharField(
                choices=[
                    ("checking", "Sedang diperiksa"),
                    ("accepted", "Diterima"),
                    ("rejected", "Perlu diganti"),
                    ("replaced", "Sudah diganti"),
                ],
                default="checking",
                max_length=12,
            ),
        ),
        migrations.RunPython(mark_superseded, unmark_superseded, elidable=True),
    ]
