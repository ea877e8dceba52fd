"""The document access log cannot be rewritten (see claims/migrations/0008, which defines
lapakasik_append_only()): PostgreSQL refuses UPDATE and DELETE on it."""

from django.db import migrations

CREATE = """
CREATE TRIGGER documentaccess_append_only BEFORE UPDATE OR DELETE ON documents_documentaccess
    FOR EACH ROW EXECUTE FUNCTION lapakasik_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS documentaccess_append_only ON documents_documentaccess;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_resumable_upload"),
        ("claims", "0008_audit_append_only"),
    ]

    operations = [migrations.RunPython(create, drop)]
