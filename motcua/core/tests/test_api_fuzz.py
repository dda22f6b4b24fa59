"""The API keeps its published contract under schemathesis, every check and the stateful phase.

A short run against a live server on the test database (PostgreSQL in CI) with an officer's
token; `make fuzz` is the long run. bench/schemathesis.toml holds the configuration.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from motcua.api import api

ROOT = Path(__file__).resolve().parents[3]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the contract run is on PostgreSQL, as in production")


@pytest.fixture
def officer_token(transactional_db):
    from motcua.catalog.services import catalog_load
    from motcua.core.services import api_token_create
    from motcua.dossiers.services.regimes import regimes_load
    from motcua.organization.choices import Role
    from motcua.organization.models import Site
    from motcua.organization.services.network import network_load, units_load
    from motcua.organization.services.staff import assignment_create, staff_create

    units_load(province_code=1)
    network_load()
    regimes_load()
    catalog_load()
    user = staff_create(username="fuzz.cn01", full_name="Cán bộ kiểm thử")
    assignment_create(
        user=user,
        role=Role.RECEIVING_OFFICER,
        site=Site.objects.get(code="CN01"),
        valid_from=date(2025, 1, 1),
        decision_number="FUZZ",
    )
    return api_token_create(user=user, name="fuzz")[1]


def test_every_schemathesis_check_passes_with_the_stateful_phase(live_server, officer_token):
    command = [
        str(Path(sys.executable).parent / "st"),
        "--config-file", str(ROOT / "bench" / "schemathesis.toml"),
        "run", f"{live_server.url}/api/v1/openapi.json",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", "5",
        "--workers", "2",
        "--seed", "18",
        "--header", f"Authorization: Bearer {officer_token}",
        "--no-color",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    summary = run.stdout[run.stdout.find("SUMMARY") :]
    print(summary)  # the figures, with -s
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    operations = sum(
        len(methods) for methods in api.get_openapi_schema(path_prefix="/api/v1")["paths"].values()
    )
    assert "Stateful" in summary and f"Tested: {operations}" in summary, summary
