"""The audit trail cannot be rewritten, even by the application (UU PDP No. 27/2022).

PostgreSQL triggers refuse UPDATE and DELETE on the log of staff looks at personal data
(claims_claimdataaccess), and on the claim history (claims_claimevent) every change but
one: the retention sweep blanking a free-text note (privacy/retention.py).
documents/migrations/0005 does the same for the document access log. SQLite (the
development default) has no such triggers; the models refuse there too.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION lapakasik_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION lapakasik_claimevent_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.note = '' AND NEW.id = OLD.id AND NEW.claim_id = OLD.claim_id
       AND NEW.at = OLD.at AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.from_status = OLD.from_status AND NEW.to_status = OLD.to_status AND NEW.reason = OLD.reason THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER claimdataaccess_append_only BEFORE UPDATE OR DELETE ON claims_claimdataaccess
    FOR EACH ROW EXECUTE FUNCTION lapakasik_append_only();
CREATE TRIGGER claimevent_append_only BEFORE UPDATE OR DELETE ON claims_claimevent
    FOR EACH ROW EXECUTE FUNCTION lapakasik_claimevent_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS claimevent_append_only ON claims_claimevent;
DROP TRIGGER IF EXISTS claimdataaccess_append_only ON claims_claimdataaccess;
DROP FUNCTION IF EXISTS lapakasik_claimevent_guard();
DROP FUNCTION IF EXISTS lapakasik_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_retention_and_export")]

    operations = [migrations.RunPython(create, drop)]
