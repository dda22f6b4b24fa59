"""Make the personal-data access log append-only in the database itself (PostgreSQL).

The same guard as the dossier events (dossiers 0002): a trigger refuses UPDATE and DELETE.
"""

from django.db import migrations

TABLE = "privacy_dataaccess"

CREATE = f"""
CREATE OR REPLACE FUNCTION motcua_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the personal-data access log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS motcua_access_log_append_only ON {TABLE};
CREATE TRIGGER motcua_access_log_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION motcua_access_log_append_only();
"""

DROP = f"""
DROP TRIGGER IF EXISTS motcua_access_log_append_only ON {TABLE};
DROP FUNCTION IF EXISTS motcua_access_log_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_access_log")]

    operations = [migrations.RunPython(forwards, backwards)]
