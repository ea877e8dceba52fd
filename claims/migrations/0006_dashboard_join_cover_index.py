"""A covering index for the dashboard, on PostgreSQL only (SQLite has no INCLUDE columns).

Interviews and documents reach their claim's branch, programme and channel through it
alone: an index-only scan of a few tens of megabytes instead of the wide claims table
(bench/dashboard.py: the national page's document and interview queries).
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS claim_join_cover_idx ON claims_claim (id) INCLUDE (branch_id, programme_id, channel)"
)
DROP = "DROP INDEX IF EXISTS claim_join_cover_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_dashboard_indexes")]

    operations = [migrations.RunPython(create, drop)]
