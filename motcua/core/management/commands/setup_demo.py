"""Load what a demo needs: Hanoi's units, the network, and one account per role.

``make run`` calls it on every start, so it must be quick and harmless when the data is there.
Demo credentials are printed only when the accounts are created, and only in demo mode.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

HANOI = 1


class Command(BaseCommand):
    help = (
        "Load Hanoi's administrative units, the network, the regimes, the procedure catalogue, "
        "the demo accounts and a few demo dossiers."
    )

    def handle(self, *args, **options):
        from motcua.catalog.models import Procedure
        from motcua.catalog.services import catalog_load
        from motcua.dossiers.services.demo import demo_dossiers_create
        from motcua.dossiers.services.regimes import regimes_load
        from motcua.organization.models import AdministrativeUnit, Site
        from motcua.organization.services.network import network_load, units_load
        from motcua.organization.services.staff import demo_accounts_create

        if not settings.DEMO:
            raise CommandError("setup_demo runs only with MOTCUA_ENV=demo (it creates accounts).")

        if not AdministrativeUnit.objects.filter(level="province", code="01").exists():
            self.stdout.write("Loading Hanoi's administrative units…")
            units_load(province_code=HANOI)
        if not Site.objects.exists():
            self.stdout.write("Loading the Center's network and agencies…")
            network_load()
        regimes_load()
        if not Procedure.objects.exists():
            self.stdout.write("Loading the procedure catalogue…")
            catalog_load()

        created = demo_accounts_create()
        if created:
            self.stdout.write(self.style.SUCCESS("Demo accounts (shown once):"))
            width = max(len(username) for username, _password, _role in created)
            for username, password, role in created:
                self.stdout.write(f"  {username:<{width}}  {password}  {role}")
            self._second_factors([username for username, _password, _role in created])
        codes = demo_dossiers_create()
        if codes:
            self.stdout.write(f"Demo dossiers at Branch No. 1: {len(codes)} ({codes[0]} …)")
        from motcua.simulation.services import simulation_demo_load

        self.stdout.write("Simulating the last weeks of work across the network…")
        run = simulation_demo_load()
        if run.days_done:
            self.stdout.write(
                f"Simulated {run.dossiers} dossiers over {run.days_done} days "
                f"({run.start:%d/%m/%Y}–{run.end:%d/%m/%Y})."
            )
        from motcua.transparency.services import figures_fold_all

        folded = figures_fold_all()
        self.stdout.write(f"Transparency figures: {folded.events} events folded.")
        self.stdout.write("Demo data ready.")

    def _second_factors(self, usernames: list[str]) -> None:
        """Directors, inspectors and the administrator get an authenticator, shown once."""
        from django.contrib.auth import get_user_model

        from motcua.accounts.devices import demo_totp_create, totp_secret
        from motcua.accounts.policy import needs_second_factor

        users = get_user_model().objects.filter(username__in=usernames).order_by("username")
        needing = [u for u in users if needs_second_factor(u)]
        if not needing:
            return
        self.stdout.write(self.style.SUCCESS("Second factor (authenticator keys, shown once):"))
        for user in needing:
            key = totp_secret(demo_totp_create(user=user)).replace(" ", "")
            self.stdout.write(f"  {user.username:<14}  {key}")
        self.stdout.write(
            "  Add a key to an authenticator app, or print the current code with "
            "`MOTCUA_ENV=demo motcua demo_otp USERNAME`."
        )
