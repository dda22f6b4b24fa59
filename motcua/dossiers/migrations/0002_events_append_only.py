"""Make dossier events append-only in the database itself (PostgreSQL).

A trigger refuses UPDATE and DELETE on the events table, so not even a hand-written SQL
statement rewrites history. SQLite has no such guard here; the model layer refuses there.
"""

from django.db import migrations

from motcua.core.migration_tools import append_only


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [
        append_only(
            "dossiers_dossierevent",
            "motcua_events_append_only",
            "dossier events are append-only",
        )
    ]
