"""``motcua restore FILE``: put a backup back, then verify the audit trail."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from motcua.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the configured database (DATABASE_URL; on PostgreSQL "
        "an existing, preferably empty, database) and MEDIA_ROOT, then run verify-audit."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="An archive written by motcua backup.")
        parser.add_argument("--database", default="default", help="The database alias.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that holds dossiers and write into a non-empty MEDIA_ROOT.",
        )

    def handle(self, *args, file: Path, database: str, force: bool, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            manifest = restore(file, alias=database, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {manifest['dossiers']} dossiers, "
            f"{manifest['events']} events, {manifest['files']} files."
        )
        call_command("verify_audit", stdout=self.stdout, stderr=self.stderr)
