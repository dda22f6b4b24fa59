import pytest

from motcua.dossiers.audit import chain_breaks
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.demo import SCENARIOS, demo_dossiers_create
from motcua.organization.services.staff import demo_accounts_create

pytestmark = pytest.mark.django_db


def test_demo_dossiers_cover_the_main_states_once(hanoi_data, clock):
    clock.set(2026, 11, 27, 10, 0)
    demo_accounts_create()
    codes = demo_dossiers_create()
    assert len(codes) == len(SCENARIOS)
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {"received", "transferred", "in_progress", "awaiting_supplement", "result_ready",
            "delivered"} <= statuses  # fmt: skip
    assert Dossier.objects.filter(extension_count=1).exists()
    assert Dossier.objects.filter(outside_territory=True, return_site__code="CN07").exists()
    # The Land Registration Office's demo accounts have work: to accept, to sign, in hand.
    land = Dossier.objects.filter(competent_agency__code="VPDKDD")
    assert set(land.values_list("status", flat=True)) == {"transferred", "in_progress"}
    assert land.filter(custodian__username="lanhdao.vpdk").exists()
    assert land.filter(custodian__username="chuyenvien.vpdk").exists()
    assert list(chain_breaks()) == []
    assert demo_dossiers_create() == []
