"""Load what a demo needs: Hanoi's units, the network, and one account per role.

``make run`` calls it on every start, so it must be quick and harmless when the data is there.
Demo credentials are printed only when the accounts are created, and only in demo mode.
"""

import time
from contextlib import contextmanager

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
        from motcua.simulation.management.commands.simulate import Progress
        from motcua.simulation.services import (
            DEMO_SCALE,
            expected_weights,
            simulation_demo_load,
            simulation_demo_period,
        )
        from motcua.transparency.services import figures_fold_all

        if not settings.DEMO:
            raise CommandError("setup_demo runs only with MOTCUA_ENV=demo (it creates accounts).")
        started = time.monotonic()

        if not AdministrativeUnit.objects.filter(level="province", code="01").exists():
            with self.stage("Loading Hanoi's administrative units"):
                units_load(province_code=HANOI)
        if not Site.objects.exists():
            with self.stage("Loading the Center's network and agencies"):
                network_load()
        regimes_load()
        if not Procedure.objects.exists():
            with self.stage("Loading the procedure catalogue"):
                catalog_load()

        with self.stage("Demo accounts and dossiers"):
            created = demo_accounts_create()
            codes = demo_dossiers_create()
        if created:
            self.stdout.write(self.style.SUCCESS("Demo accounts (shown once):"))
            width = max(len(username) for username, _password, _role in created)
            for username, password, role in created:
                self.stdout.write(f"  {username:<{width}}  {password}  {role}")
            self._second_factors([username for username, _password, _role in created])
        if codes:
            self.stdout.write(f"Demo dossiers at Branch No. 1: {len(codes)} ({codes[0]} …)")

        start, end = simulation_demo_period()
        with self.stage("Simulating the last weeks of work across the network"):
            progress = Progress(self.stderr, expected_weights(start, end, DEMO_SCALE), 1)
            run = simulation_demo_load(on_day=progress.day_done)
            progress.finish()
        if run.days_done:
            self.stdout.write(
                f"Simulated {run.dossiers} dossiers over {run.days_done} days "
                f"({run.start:%d/%m/%Y}–{run.end:%d/%m/%Y})."
            )
        with self.stage("Folding the transparency figures"):
            folded = figures_fold_all()
        self.stdout.write(f"Transparency figures: {folded.events} events folded.")
        self.stdout.write(f"Demo data ready. It took {time.monotonic() - started:.0f} s.")

    @contextmanager
    def stage(self, title: str):
        """One line per stage, then how long it took: the first run is minutes long."""
        self.stdout.write(f"motcua: {title}…")
        self.stdout.flush()
        began = time.monotonic()
        yield
        self.stdout.write(f"motcua:   done in {time.monotonic() - began:.0f} s")

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
        width = max(len(user.username) for user in needing)
        for user in needing:
            key = totp_secret(demo_totp_create(user=user)).replace(" ", "")
            self.stdout.write(f"  {user.username:<{width}}  {key}")
        self.stdout.write(
            "  Add a key to an authenticator app, or print the current code with "
            "`MOTCUA_ENV=demo motcua demo_otp USERNAME`."
        )
