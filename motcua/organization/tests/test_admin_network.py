"""The admin pages of the network: they render, and their checks are the services' rules."""

from datetime import date

import pytest
from django.urls import reverse

from motcua.organization.admin.network import NetworkPhaseForm
from motcua.organization.models import NetworkPhase, Site
from motcua.organization.tests.test_services_network import hanoi  # noqa: F401


@pytest.mark.parametrize(
    "model", ["administrativeunit", "unitsuccession", "agency", "networkphase", "site"]
)
def test_every_network_changelist_renders(hanoi, admin_client, model):  # noqa: F811
    response = admin_client.get(reverse(f"admin:organization_{model}_changelist"), {"q": "ba"})
    assert response.status_code == 200


def test_a_branch_page_shows_its_periods_coverage_and_counters(hanoi, admin_client):  # noqa: F811
    site = Site.objects.get(number=2)
    response = admin_client.get(reverse("admin:organization_site_change", args=[site.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "85 Dịch Vọng Hậu" in content and "Quận Thanh Xuân" in content


def test_units_are_read_only_in_the_admin(hanoi, admin_client):  # noqa: F811
    response = admin_client.get(reverse("admin:organization_administrativeunit_add"))
    assert response.status_code == 403


def test_a_phase_edit_that_breaks_the_network_is_refused(hanoi, db):  # noqa: F811
    phase = NetworkPhase.objects.get(number=2)
    data = {
        "number": 2,
        "name": phase.name,
        "coverage_rule": phase.coverage_rule,
        "province": phase.province_id,
        "legal_basis": phase.legal_basis,
        "valid_from": date(2025, 3, 1),  # before the ten regional branches opened
        "valid_to": phase.valid_to,
    }
    form = NetworkPhaseForm(data=data, instance=phase)
    assert not form.is_valid()
    assert "Quận Hoàn Kiếm (002)" in " ".join(form.non_field_errors())
