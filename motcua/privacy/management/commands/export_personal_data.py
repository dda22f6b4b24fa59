"""``motcua export_personal_data ID_NUMBER --by USERNAME``: a citizen's data, on request.

Decree 13/2023/NĐ-CP gives a person the right to their data. The export holds every dossier
filed under the ID number with its ratings and complaints; it is written to a file (or
standard output) as JSON or CSV and logged as a read by the director or administrator named.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import DomainError
from motcua.privacy.services import citizen_data_export, export_as_csv, export_as_json


class Command(BaseCommand):
    help = "Export every dossier, rating and complaint of a citizen ID (logged)."

    def add_arguments(self, parser):
        parser.add_argument("id_number")
        parser.add_argument("--by", required=True, help="The director or administrator asking.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", help="A file; standard output when omitted.")

    def handle(self, *args, id_number, by, format, output, **options):  # noqa: A002
        user = get_user_model().objects.filter(username=by, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account {by}.")
        try:
            data = citizen_data_export(user=user, id_number=id_number)
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        text = export_as_csv(data) if format == "csv" else export_as_json(data)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"{len(data['dossiers'])} dossiers written to {output}.")
        else:
            self.stdout.write(text)
