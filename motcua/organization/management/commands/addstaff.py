"""``motcua addstaff``: create a staff account with its first role, through the services."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.core.services import api_token_create
from motcua.organization.choices import AGENCY_ROLES, Role
from motcua.organization.models import Agency, Site
from motcua.organization.services.staff import assignment_create, generate_password, staff_create


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("Enter a valid date (YYYY-MM-DD), not %(value)s.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Create a staff account, its profile and its first assignment. With --token the raw "
        "API token is the last line printed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(Role.values)}.")
        parser.add_argument("--site", help="Site code, for site roles.")
        parser.add_argument("--agency", help="Agency code, for agency roles (and home agency).")
        parser.add_argument("--full-name", dest="full_name", help="Defaults to the username.")
        parser.add_argument("--password", help="Generated and printed when omitted.")
        parser.add_argument("--email", default="")
        parser.add_argument("--from", dest="valid_from", help="First day (YYYY-MM-DD); today.")
        parser.add_argument("--decision", default="", help="Number of the appointment decision.")
        parser.add_argument("--token", action="store_true", help="Also create an API token.")

    def handle(self, *args, **options) -> None:
        role = options["role"]
        if role not in Role.values:
            raise CommandError(
                _("Unknown role %(role)s. Choose one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            )
        site = self._find(Site, options["site"], _("No site has the code %(code)s."))
        agency = self._find(Agency, options["agency"], _("No agency has the code %(code)s."))
        valid_from = _day(options["valid_from"]) if options["valid_from"] else clock.today()
        password = options["password"]
        generated = not password
        if generated:
            password = generate_password()

        try:
            with transaction.atomic():
                user = staff_create(
                    username=options["username"],
                    full_name=options["full_name"] or options["username"],
                    password=password,
                    email=options["email"],
                    home_agency=agency,
                )
                assignment_create(
                    user=user,
                    role=role,
                    site=site,
                    # --agency is the home agency for everyone, and the post only for agency roles.
                    agency=agency if role in AGENCY_ROLES else None,
                    valid_from=valid_from,
                    decision_number=options["decision"],
                )
                if role == Role.ADMINISTRATOR:
                    user.is_staff = user.is_superuser = True
                    user.save(update_fields=["is_staff", "is_superuser"])
                raw_token = None
                if options["token"]:
                    _token, raw_token = api_token_create(user=user, name="addstaff")
        except DomainError as exc:
            raise CommandError(exc.detail) from exc

        self.stdout.write(
            _("Created %(username)s (%(role)s).")
            % {"username": user.get_username(), "role": Role(role).label}
        )
        if generated:
            self.stdout.write(_("Password: %(password)s") % {"password": password})
        if raw_token:
            self.stdout.write(raw_token)

    @staticmethod
    def _find(model, code: str | None, message: str):
        if not code:
            return None
        found = model.objects.filter(code=code).first()
        if found is None:
            raise CommandError(message % {"code": code})
        return found
