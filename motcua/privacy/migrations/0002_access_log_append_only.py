"""Make the personal-data access log append-only in the database itself (PostgreSQL).

The same guard as the dossier events (dossiers 0002): a trigger refuses UPDATE and DELETE.
"""

from django.db import migrations

from motcua.core.migration_tools import append_only


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_access_log")]

    operations = [
        append_only(
            "privacy_dataaccess",
            "motcua_access_log_append_only",
            "the personal-data access log is append-only",
        )
    ]
