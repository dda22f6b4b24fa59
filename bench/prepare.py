"""Load what a benchmark needs into the database of DATABASE_URL; print tokens as JSON.

Run by the benchmarks as ``python bench/prepare.py`` with the server's environment.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django  # noqa: E402

django.setup()

from motcua.catalog.services import catalog_load  # noqa: E402
from motcua.core.errors import DomainError  # noqa: E402
from motcua.core.services import api_token_create  # noqa: E402
from motcua.dossiers.services.regimes import regimes_load  # noqa: E402
from motcua.organization.choices import Role  # noqa: E402
from motcua.organization.models import Site  # noqa: E402
from motcua.organization.services.network import network_load, units_load  # noqa: E402
from motcua.organization.services.staff import assignment_create, staff_create  # noqa: E402


def tokens_only() -> None:
    """New tokens for the accounts an earlier run made (the data stays as it is)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__startswith="bench.")
    tokens = {}
    for user in users:
        key = "director" if user.username == "bench.director" else user.username[-4:].upper()
        tokens[key] = api_token_create(user=user, name="bench")[1]
    print(json.dumps(tokens))


def main() -> None:
    if "--tokens-only" in sys.argv:
        return tokens_only()
    if not Site.objects.filter(code="CN01").exists():
        # A fresh database; one filled by `motcua simulate` already holds the reference data.
        units_load(province_code=1)
        network_load()
        regimes_load()
        catalog_load()
    tokens = {}
    for number in range(1, 13):
        site = Site.objects.get(code=f"CN{number:02d}")
        user = staff_create(username=f"bench.cn{number:02d}", full_name=f"Cán bộ {number}")
        assignment_create(
            user=user, role=Role.RECEIVING_OFFICER, site=site, valid_from=date(2025, 1, 1),
            decision_number="BENCH",
        )  # fmt: skip
        tokens[site.code] = api_token_create(user=user, name="bench")[1]
    director = staff_create(username="bench.director", full_name="Giám đốc")
    try:
        assignment_create(
            user=director, role=Role.CENTER_DIRECTOR, site=Site.objects.get(code="TTPVHCC"),
            valid_from=date(2025, 1, 1), decision_number="BENCH",
        )  # fmt: skip
    except DomainError as exc:
        # The simulated Center already has its director: an inspector sees as much.
        print(f"bench.director is an inspector: {exc}", file=sys.stderr)
        assignment_create(
            user=director, role=Role.INSPECTOR, site=Site.objects.get(code="TTPVHCC"),
            valid_from=date(2025, 1, 1), decision_number="BENCH",
        )  # fmt: skip
    tokens["director"] = api_token_create(user=director, name="bench")[1]
    print(json.dumps(tokens))


if __name__ == "__main__":
    main()
