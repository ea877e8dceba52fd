from django.db import migrations, models

# Written before bodies were redacted from the start: a code or a link was readable until a
# real provider had it. The generic text stands in for the whole body (which part was the
# secret is not known any more); a row still to be delivered keeps its text sealed.
HIDDEN_BODY = "[isi pesan disembunyikan: berisi kode atau tautan]"
DEVELOPMENT_OUTBOX = ("outbox", "console")


def redact_existing(apps, schema_editor):
    from notifications.sealing import seal

    Message = apps.get_model("notifications", "Message")
    rows = Message.objects.filter(sensitive=True).exclude(body__startswith="[isi pesan").exclude(
        backend__in=DEVELOPMENT_OUTBOX
    )
    for message in rows.iterator():
        if message.status in ("queued", "sending"):
            message.sealed = seal(message.body)
        message.body = HIDDEN_BODY
        message.save(update_fields=["body", "sealed"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_providers"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="sealed",
            field=models.TextField(blank=True, db_default="", default=""),
        ),
        migrations.RunPython(redact_existing, migrations.RunPython.noop),
    ]
