"""Reading the catalogue: search, the version in force, and the competent agency of a dossier."""

from datetime import date

import pytest
from django.utils import translation

from motcua.catalog.selectors import (
    competent_agency_for,
    procedure_get,
    procedures_search,
    version_on,
)
from motcua.core.errors import InvalidInput, NotFound
from motcua.organization.models import AdministrativeUnit

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def codes(**kwargs):
    return [p.code for p in procedures_search(**kwargs)]


def ward(name, on):
    return AdministrativeUnit.objects.filter(level="ward", name=name).on(on).get()


# -- search -------------------------------------------------------------------------------------


def test_khai_sinh_without_diacritics_finds_the_birth_registrations(catalog, db):
    found = procedures_search(query="khai sinh", day=TODAY)
    names = {p.code: p.name for p in found}
    assert names["1.001193"] == "Đăng ký khai sinh"
    assert {"2.000528", "1.004884", "3.000722"} <= set(names)
    assert all("khai sinh" in p.name_folded for p in found)


def test_dang_ky_dat_dai_finds_the_first_land_registration(catalog, db):
    found = procedures_search(query="dang ky dat dai", day=TODAY)
    first = next(p for p in found if p.code == "1.013978")
    assert first.name.startswith("Đăng ký đất đai")


def test_search_accepts_diacritics_capitals_codes_and_words_in_any_order(catalog, db):
    assert codes(query="ĐĂNG KÝ KHAI SINH", day=TODAY) == codes(
        query="khai sinh dang ky", day=TODAY
    )
    assert codes(query="1.0139", day=TODAY) == ["1.013978", "1.013992"]
    assert codes(query="khai sinh", sector="chung-thuc", day=TODAY) == []
    assert codes(query="xyz khong co", day=TODAY) == []


def test_only_procedures_in_force_on_the_day_are_listed(catalog, db):
    assert "3.000333" in codes(query="ly lich tu phap", day=date(2026, 6, 30))
    assert "3.000333" not in codes(query="ly lich tu phap", day=date(2026, 7, 1))
    assert "1.013226" not in codes(query="giay phep xay dung", day=date(2026, 1, 1))
    assert "1.013226" in codes(query="giay phep xay dung", day=date(2026, 7, 1))


def test_a_sector_lists_its_procedures_with_the_version_of_the_day(
    catalog, db, django_assert_num_queries
):
    with django_assert_num_queries(2):
        found = list(procedures_search(sector="xay-dung", day=date(2026, 6, 1)))
        assert [p.code for p in found] == ["1.013225"]
        (version,) = found[0].versions_on_day
        assert (version.number, version.time_limit_unit) == (2, "calendar_days")


# -- one procedure ------------------------------------------------------------------------------


def test_an_unknown_code_is_not_found(catalog, db):
    with pytest.raises(NotFound, match="No procedure has the code 9.999999.") as caught:
        procedure_get(code=" 9.999999 ")
    assert caught.value.field == "code"


@pytest.mark.parametrize(
    ("day", "number", "limit"),
    [
        (date(2025, 6, 30), 1, (15, "calendar_days")),
        (date(2025, 7, 1), 2, (15, "calendar_days")),
        (date(2026, 6, 30), 2, (15, "calendar_days")),
        (date(2026, 7, 1), 3, (7, "working_days")),
    ],
)
def test_the_building_permit_version_depends_on_the_day(catalog, db, day, number, limit):
    version = version_on(procedure=procedure_get(code="1.013225"), day=day)
    assert version.number == number
    assert (version.time_limit, version.time_limit_unit) == limit


def test_a_day_without_a_version_is_invalid_input(catalog, db):
    with pytest.raises(InvalidInput, match="1.013225 has no version in force on 01/01/2024"):
        version_on(procedure=procedure_get(code="1.013225"), day=date(2024, 1, 1))


# -- the competent agency -----------------------------------------------------------------------


def test_the_first_land_certificate_in_ba_vi_goes_to_the_ba_vi_commune_committee(
    catalog, db, django_assert_num_queries
):
    ba_vi = ward("Xã Ba Vì", TODAY)
    assert ba_vi.valid_from == date(2025, 7, 1)
    version = version_on(procedure=procedure_get(code="1.013978"), day=TODAY)
    with django_assert_num_queries(1):
        agency = competent_agency_for(version=version, unit=ba_vi, day=TODAY)
    assert agency.code == f"UBND-X-{ba_vi.code}-2025" == "UBND-X-09700-2025"
    assert agency.name == "Ủy ban nhân dân xã Ba Vì"


def test_a_fixed_agency_is_the_versions_own(catalog, db, django_assert_num_queries):
    version = version_on(procedure=procedure_get(code="1.013831"), day=TODAY)
    with django_assert_num_queries(0):
        agency = competent_agency_for(version=version, unit=None, day=TODAY)
    assert agency.code == "VPDKDD"


def test_a_commune_rule_needs_a_commune_in_force_that_day(catalog, db):
    version = version_on(procedure=procedure_get(code="1.001193"), day=TODAY)
    with pytest.raises(InvalidInput, match="Choose the commune or ward") as caught:
        competent_agency_for(version=version, unit=None, day=TODAY)
    assert caught.value.field == "object_unit"
    hanoi = AdministrativeUnit.objects.get(level="province", code="01")
    with pytest.raises(InvalidInput, match="is not a commune or ward"):
        competent_agency_for(version=version, unit=hanoi, day=TODAY)
    old_ward = ward("Phường Trúc Bạch", date(2025, 6, 1))  # merged into Ba Đình on 1/7/2025
    with pytest.raises(InvalidInput, match="No People's Committee is competent for Phường Trúc"):
        competent_agency_for(version=version, unit=old_ward, day=TODAY)


def test_before_july_2025_the_old_commune_committee_was_competent(catalog, db):
    day = date(2025, 6, 2)
    version = version_on(procedure=procedure_get(code="1.001193"), day=day)
    old_ward = ward("Phường Trúc Bạch", day)
    agency = competent_agency_for(version=version, unit=old_ward, day=day)
    assert agency.code == f"UBND-X-{old_ward.code}"


def test_a_district_rule_finds_the_district_of_a_ward_or_the_district_itself(
    catalog, db, django_assert_num_queries
):
    day = date(2025, 6, 2)
    version = version_on(procedure=procedure_get(code="1.001612"), day=day)
    assert version.competence_rule == "district_committee"
    dich_vong = ward("Phường Dịch Vọng", day)
    with django_assert_num_queries(1):
        agency = competent_agency_for(version=version, unit=dich_vong, day=day)
    assert agency.code == "UBND-D-005"  # Quận Cầu Giấy
    assert competent_agency_for(version=version, unit=dich_vong.parent, day=day) == agency
    after = date(2025, 7, 1)
    with pytest.raises(InvalidInput, match="No People's Committee is competent"):
        competent_agency_for(version=version, unit=ward("Phường Ba Đình", after), day=after)
