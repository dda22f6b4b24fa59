from django.core.management.base import BaseCommand

from motcua.settings.env import REGISTRY


class Command(BaseCommand):
    help = "List the environment variables motcua reads (--markdown: docs/configuration.md)."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true")

    def handle(self, *args, markdown=False, **options):
        if not markdown:
            for var in REGISTRY.values():
                self.stdout.write(f"{var.name}={var.default!s}\n    {var.help}")
            return
        self.stdout.write("# Configuration\n")
        self.stdout.write(
            "motcua reads its settings from the environment (twelve-factor). This page is\n"
            "generated from `motcua/settings/env.py` by `make envdocs`; `make test` fails when\n"
            "it is out of date.\n"
        )
        self.stdout.write("| variable | default | meaning |\n| --- | --- | --- |")
        for var in REGISTRY.values():
            default = f"`{var.default}`" if var.default else "(empty)"
            self.stdout.write(f"| `{var.name}` | {default} | {var.help} |")
