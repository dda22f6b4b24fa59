"""Load what a demo needs: Hanoi's units, the network, and one account per role.

``make run`` calls it on every start, so it must be quick and harmless when the data is there.
Demo credentials are printed only when the accounts are created, and only in demo mode.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

HANOI = 1


class Command(BaseCommand):
    help = "Load Hanoi's administrative units, the Center's network and the demo accounts."

    def handle(self, *args, **options):
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

        created = demo_accounts_create()
        if created:
            self.stdout.write(self.style.SUCCESS("Demo accounts (shown once):"))
            width = max(len(username) for username, _password, _role in created)
            for username, password, role in created:
                self.stdout.write(f"  {username:<{width}}  {password}  {role}")
        self.stdout.write("Demo data ready.")
