"""The ``motcua`` console command: ``manage.py`` under a name people can remember."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    # Commands read better with hyphens (motcua verify-audit); Django's modules use underscores.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["motcua", *args])


if __name__ == "__main__":
    main()
