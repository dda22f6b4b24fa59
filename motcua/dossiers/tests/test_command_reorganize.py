"""``motcua reorganize``: the scripted handover, through the same services as the page."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from motcua.dossiers.choices import Action
from motcua.dossiers.models import DossierEvent, Reorganization

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("reorganize", *args, stdout=out)
    return out.getvalue()


def test_show_then_apply_every_district_then_nothing_left(scenario, clock):
    dossier, successor = scenario["dossier"], scenario["successor"]
    clock.set(2025, 7, 1, 7, 30)
    shown = run("--agency", "UBND-D-003", "--on", "2025-07-01")
    assert f"{dossier.code}\t{successor.code}\tterritory" in shown
    assert not Reorganization.objects.exists()

    applied = run("--kind", "district_committee", "--on", "2025-07-01", "--apply",
                  "--decision", "NQ 1656/NQ-UBTVQH15")  # fmt: skip
    assert "1 dossier(s) moved" in applied
    # One decision per district that ceased; the others had nothing in flight.
    assert Reorganization.objects.filter(applied_at__isnull=False).count() > 20
    assert DossierEvent.objects.filter(action=Action.SUCCEED).count() == 1
    again = run("--agency", "UBND-D-003", "--on", "2025-07-01", "--apply")
    assert "0 dossier(s) moved" in again


def test_a_dossier_without_successor_fails_the_dry_run_and_takes_set(scenario, clock):
    from motcua.dossiers.models import Dossier

    dossier = scenario["dossier"]
    Dossier.objects.filter(pk=dossier.pk).update(object_unit=None, applicant_unit=None)
    clock.set(2025, 7, 2, 9, 0)
    with pytest.raises(CommandError, match="no successor"):
        run("--agency", "UBND-D-003", "--on", "2025-07-01")
    with pytest.raises(CommandError, match=dossier.code):
        run("--agency", "UBND-D-003", "--on", "2025-07-01", "--apply")
    done = run("--agency", "UBND-D-003", "--on", "2025-07-01", "--apply",
               "--set", f"{dossier.code}={scenario['successor'].code}")  # fmt: skip
    assert "1 dossier(s) moved" in done
