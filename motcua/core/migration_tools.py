"""Operations shared by migrations: an append-only guard in the database (PostgreSQL)."""

from __future__ import annotations

from django.db import migrations


def append_only(table: str, name: str, what: str) -> migrations.RunPython:
    """A trigger ``name`` that refuses UPDATE and DELETE on ``table`` (PostgreSQL only).

    Not even a hand-written SQL statement rewrites the rows; SQLite has no such guard, and the
    model layer refuses there.
    """
    create = f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{what} (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {name} ON {table};
CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}();
"""
    drop = f"""
DROP TRIGGER IF EXISTS {name} ON {table};
DROP FUNCTION IF EXISTS {name}();
"""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return migrations.RunPython(forwards, backwards)
