"""Make dossier events append-only in the database itself (PostgreSQL).

A trigger refuses UPDATE and DELETE on the events table, so not even a hand-written SQL
statement rewrites history. SQLite has no such guard here; the model layer refuses there.
"""

from django.db import migrations

TABLE = "dossiers_dossierevent"

CREATE = f"""
CREATE OR REPLACE FUNCTION motcua_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'dossier events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS motcua_events_append_only ON {TABLE};
CREATE TRIGGER motcua_events_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION motcua_events_append_only();
"""

DROP = f"""
DROP TRIGGER IF EXISTS motcua_events_append_only ON {TABLE};
DROP FUNCTION IF EXISTS motcua_events_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
