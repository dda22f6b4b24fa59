"""Hanoi's agencies: stable codes, both periods of the 2025 reorganization."""

from datetime import date

from motcua.organization.models import Agency
from motcua.organization.services.network import agencies_load
from motcua.organization.tests.test_services_network import hanoi  # noqa: F401

BEFORE, AFTER = date(2025, 6, 30), date(2025, 7, 1)


def test_district_and_old_commune_committees_end_on_30_june_2025(hanoi, db):  # noqa: F811
    committees = Agency.objects.filter(kind="district_committee")
    assert committees.on(BEFORE).count() == 30 and committees.on(AFTER).count() == 0
    assert Agency.objects.get(code="UBND-D-005").name == "Ủy ban nhân dân quận Cầu Giấy"
    old = Agency.objects.get(code="UBND-X-00004")
    assert (old.valid_to, old.parent.code, old.territory.code) == (BEFORE, "UBND-D-001", "00004")


def test_new_commune_committees_start_on_1_july_2025_with_a_suffixed_code(hanoi, db):  # noqa: F811
    communes = Agency.objects.filter(kind="commune_committee")
    assert communes.on(BEFORE).count() == 526 and communes.on(AFTER).count() == 126
    new = Agency.objects.get(code="UBND-X-00004-2025")
    assert new.name == "Ủy ban nhân dân phường Ba Đình"
    assert (new.valid_from, new.parent.code) == (AFTER, "UBND-TP")


def test_city_departments_and_the_land_registration_office_are_loaded(hanoi, db):  # noqa: F811
    assert Agency.objects.get(code="SO-TP").name == "Sở Tư pháp"
    assert Agency.objects.filter(kind="city_department").count() >= 12
    office = Agency.objects.get(code="VPDKDD")
    assert office.parent.code == "SO-NNMT"
    branches = Agency.objects.filter(kind="land_registration_branch")
    assert branches.on(BEFORE).count() == 30 and branches.on(AFTER).count() == 12
    assert Agency.objects.get(code="VPDKDD-CN-001").territory.code == "001"


def test_loading_agencies_twice_creates_nothing(hanoi, db):  # noqa: F811
    count = Agency.objects.count()
    assert agencies_load().created == {"agencies": 0}
    assert Agency.objects.count() == count
