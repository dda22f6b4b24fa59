"""``motcua backup FILE``: the database and the stored files as one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a backup archive: the database (pg_dump -Fc on PostgreSQL, the online backup "
        "API on SQLite) and the stored files (MEDIA_ROOT). Safe while the service runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive to write (a .tar file).")
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, file: Path, database: str, **options):
        try:
            manifest = backup(file, alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {file}: {manifest['engine']}, {manifest['dossiers']} dossiers, "
                f"{manifest['events']} events, {manifest['files']} files "
                f"({manifest['file_bytes']} bytes)."
            )
        )
