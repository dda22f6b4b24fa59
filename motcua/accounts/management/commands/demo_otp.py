"""``motcua demo_otp USERNAME``: the code a demo account's authenticator shows now.

Demo mode only: the demo's directors, inspector and administrator must pass a second factor
like in production; this stands in for the phone of whoever tries the demo.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.testing import current_code


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo account (MOTCUA_ENV=demo only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEMO:
            raise CommandError("demo_otp runs only with MOTCUA_ENV=demo.")
        user = get_user_model().objects.filter(username=username).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if device is None:
            raise CommandError(f"{username} has no authenticator.")
        self.stdout.write(current_code(device))
