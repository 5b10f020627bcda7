"""The access log refuses UPDATE and DELETE in the database itself, not only in the model, so
neither a bulk query nor raw SQL from the application can rewrite who looked at what.

PostgreSQL: a trigger refusing UPDATE and DELETE. SQLite (development and the quick test
run): a trigger refusing UPDATE only — Django's test runner empties tables with DELETE on
SQLite, whereas on PostgreSQL it uses TRUNCATE, which row triggers do not see.
"""

from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION casework_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'casework_accesslog is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER casework_accesslog_append_only
    BEFORE UPDATE OR DELETE ON casework_accesslog
    FOR EACH ROW EXECUTE FUNCTION casework_accesslog_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS casework_accesslog_append_only ON casework_accesslog;
DROP FUNCTION IF EXISTS casework_accesslog_append_only();
"""
SQLITE_CREATE = """
CREATE TRIGGER casework_accesslog_no_update BEFORE UPDATE ON casework_accesslog
BEGIN SELECT RAISE(ABORT, 'casework_accesslog is append-only: UPDATE refused'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS casework_accesslog_no_update;"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("casework", "0004_seed_letter_templates")]

    operations = [migrations.RunPython(create, drop)]
