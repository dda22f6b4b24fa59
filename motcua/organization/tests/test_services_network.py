"""Loading the territory and the network, and editing the network through its services."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.organization.choices import SiteKind, UnitLevel
from motcua.organization.models import (
    AdministrativeUnit,
    NetworkPhase,
    Site,
    SiteCoverage,
    SiteOperatingPeriod,
    UnitSuccession,
)
from motcua.organization.services.network import (
    network_load,
    network_verify,
    site_coverage_set,
    site_create,
    site_operating_period_add,
    site_update,
    units_load,
)


@pytest.fixture(scope="module")
def hanoi(django_db_setup, django_db_blocker):
    """Hanoi's units, agencies and network, loaded once per module and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        network_load()
        yield
        transaction.set_rollback(True)


def unit(level, code, on):
    return AdministrativeUnit.objects.filter(level=level, code=code).on(on).get()


def district(code):
    return unit(UnitLevel.DISTRICT, code, date(2025, 6, 1))


# -- units -------------------------------------------------------------------------------------


def test_hanoi_has_30_districts_526_old_and_126_new_communes(hanoi, db):
    before, after = date(2025, 6, 30), date(2025, 7, 1)
    units = AdministrativeUnit.objects
    assert units.filter(level="district", parent__code="01").on(before).count() == 30
    assert units.filter(level="ward", parent__parent__code="01").on(before).count() == 526
    assert units.filter(level="ward", parent__code="01").on(after).count() == 126
    assert units.filter(level="district").on(after).count() == 0
    hanoi_rows = units.filter(level="province", code="01")
    assert [(p.valid_from, p.valid_to) for p in hanoi_rows] == [(None, None)]


def test_unit_codes_are_zero_padded_and_reused_ward_codes_get_their_own_row(hanoi, db):
    assert district("001").name == "Quận Ba Đình"
    old, new = AdministrativeUnit.objects.filter(level="ward", code="00004").order_by("valid_from")
    # order_by puts NULL first on SQLite and last on PostgreSQL; sort in Python instead.
    old, new = sorted([old, new], key=lambda u: u.valid_from or date.min)
    assert (old.valid_to, new.valid_from) == (date(2025, 6, 30), date(2025, 7, 1))
    assert new.name == "Phường Ba Đình" and old.parent.code == "001" and new.parent.code == "01"


def test_the_2025_successions_link_old_wards_to_new_ones_with_their_legal_basis(hanoi, db):
    ba_dinh = unit("ward", "00004", date(2025, 7, 1))
    sources = UnitSuccession.objects.filter(successor=ba_dinh)
    assert {"Phường Trúc Bạch", "Phường Quán Thánh"} <= {s.predecessor.name for s in sources}
    assert all(s.effective_on == date(2025, 7, 1) for s in sources)
    assert "1656/NQ-UBTVQH15" in sources.first().legal_basis
    assert UnitSuccession.objects.filter(successor__parent__code="01").count() == 795


def test_loading_units_twice_changes_nothing(hanoi, db):
    counts = AdministrativeUnit.objects.count(), UnitSuccession.objects.count()
    report = units_load(province_code="01")
    assert report.created == {"units": 0, "successions": 0}
    assert report.updated == {"units": 0, "successions": 0}
    assert (AdministrativeUnit.objects.count(), UnitSuccession.objects.count()) == counts


def test_a_merged_province_ends_on_30_june_and_its_successor_gets_its_own_row(hanoi, db):
    call_command("load_units", province=2)  # Hà Giang, merged into Tuyên Quang (08)
    ha_giang = AdministrativeUnit.objects.get(level="province", code="02")
    assert ha_giang.valid_to == date(2025, 6, 30)
    tuyen_quang = (
        AdministrativeUnit.objects.filter(level="province", code="08").on(date(2025, 7, 1)).get()
    )
    assert UnitSuccession.objects.filter(predecessor=ha_giang, successor=tuyen_quang).exists()
    assert AdministrativeUnit.objects.filter(level="ward", parent=tuyen_quang).count() > 100
    assert AdministrativeUnit.objects.filter(level="district", parent=ha_giang).count() == 11


def test_a_province_whose_code_passed_to_a_new_one_is_two_rows(hanoi, db):
    units_load(province_code=15)  # Yên Bái (legacy 15) + Lào Cai (10) became Lào Cai (15)
    rows = sorted(
        AdministrativeUnit.objects.filter(level="province", code="15"),
        key=lambda u: u.valid_from or date.min,
    )
    assert [(r.name, r.valid_from, r.valid_to) for r in rows] == [
        ("Tỉnh Yên Bái", None, date(2025, 6, 30)),
        ("Tỉnh Lào Cai", date(2025, 7, 1), None),
    ]


@pytest.mark.parametrize("code", ["99", "abc"])
def test_an_unknown_province_code_is_a_clear_command_error(db, code):
    with pytest.raises(CommandError, match=code):
        call_command("load_units", province=code)


def test_units_load_refuses_an_unknown_province(db):
    with pytest.raises(NotFound):
        units_load(province_code=0)


# -- network loading ---------------------------------------------------------------------------


def test_the_network_has_the_center_12_branches_18_reception_points_and_126_commune_points(
    hanoi, db
):
    kinds = {k: Site.objects.filter(kind=k).count() for k in SiteKind.values}
    assert kinds == {"center": 1, "branch": 12, "reception_point": 18, "commune_point": 126}
    assert Site.objects.get(number=1).address.startswith("258 Võ Chí Công")
    assert Site.objects.get(number=2).address.startswith("85 Dịch Vọng Hậu")
    assert Site.objects.get(number=7).name == "Chi nhánh Hà Đông – Chương Mỹ – Quốc Oai"
    assert all(s.unit_id.endswith(".H26") for s in Site.objects.all())
    assert all(s.counters.exists() for s in Site.objects.exclude(kind="center"))


def test_phases_are_rows_with_the_dates_of_the_plan(hanoi, db):
    phases = [
        (p.number, p.valid_from, p.valid_to, p.coverage_rule) for p in NetworkPhase.objects.all()
    ]
    assert phases == [
        (1, date(2024, 12, 1), date(2025, 3, 1), "pilot"),
        (2, date(2025, 4, 1), date(2025, 6, 30), "districts_exactly_once"),
        (3, date(2025, 7, 1), None, "province_wide"),
    ]


def test_every_commune_point_hangs_under_the_branch_holding_most_of_its_old_wards(hanoi, db):
    ba_dinh = Site.objects.get(code="DPV-00004")  # from wards of Ba Đình (001)
    assert ba_dinh.parent.number == 12
    assert ba_dinh.unit_id.endswith(".12.HC.H26")
    assert not Site.objects.filter(kind="commune_point", parent__isnull=True).exists()


def test_the_loaded_network_follows_every_phase_rule(hanoi, db):
    assert network_verify() == []
    call_command("load_network", verify=True)


def test_loading_the_network_twice_changes_nothing(hanoi, db):
    counts = [m.objects.count() for m in (Site, SiteCoverage, SiteOperatingPeriod, NetworkPhase)]
    report = network_load(verify=True)
    assert set(report.created.values()) == {0}
    assert report.problems == []
    assert [
        m.objects.count() for m in (Site, SiteCoverage, SiteOperatingPeriod, NetworkPhase)
    ] == counts


# -- guarded edits -----------------------------------------------------------------------------


def test_verify_names_a_district_covered_twice_and_one_left_uncovered(hanoi, db):
    tay_ho = Site.objects.get(number=1)
    SiteCoverage.objects.create(
        site=tay_ho, unit=district("009"), valid_from=date(2025, 4, 1), valid_to=date(2025, 4, 2)
    )
    SiteCoverage.objects.filter(unit__code="021", site__kind="branch").delete()
    problems = network_verify()
    twice = [p for p in problems if "Quận Thanh Xuân (009)" in p]
    uncovered = [p for p in problems if p.startswith("Quận Bắc Từ Liêm (021)")]
    assert len(twice) == 1 and "01/04/2025" in twice[0] and "02/04/2025" in twice[0]
    assert len(uncovered) == 1 and "30/06/2025" in uncovered[0]


def test_covering_a_district_another_branch_covers_is_refused_naming_it(hanoi, db):
    tay_ho = Site.objects.get(number=1)
    with pytest.raises(InvalidInput, match="Thanh Xuân") as caught:
        site_coverage_set(
            site=tay_ho,
            units=[district("003"), district("009")],
            valid_from=date(2025, 4, 1),
            valid_to=date(2025, 6, 30),
        )
    assert caught.value.extra["problems"]
    assert not SiteCoverage.objects.filter(site=tay_ho, unit__code="009").exists()


def test_dropping_a_district_in_phase_two_is_refused_naming_it(hanoi, db):
    cau_giay = Site.objects.get(number=2)
    with pytest.raises(InvalidInput, match="Thanh Xuân"):
        site_coverage_set(
            site=cau_giay,
            units=[district("005")],
            valid_from=date(2025, 5, 1),
            valid_to=date(2025, 6, 30),
        )


def test_moving_a_district_between_branches_cuts_history_around_the_change(hanoi, db):
    # Give Thanh Xuân to Tây Hồ in June: first Cầu Giấy lets it go, which alone is refused…
    cau_giay, tay_ho = Site.objects.get(number=2), Site.objects.get(number=1)
    june = {"valid_from": date(2025, 6, 1), "valid_to": date(2025, 6, 30)}
    with pytest.raises(InvalidInput):
        site_coverage_set(site=cau_giay, units=[district("005")], **june)
    # …so an administrator repairs step by step on an already broken network:
    SiteCoverage.objects.filter(site=cau_giay, unit__code="009").update(valid_to=date(2025, 5, 31))
    site_coverage_set(site=tay_ho, units=[district("003"), district("009")], **june)
    # What is left is Cầu Giấy's reception point in Thanh Xuân, which must move branch too.
    assert [p[:25] for p in network_verify()] == ["Điểm tiếp nhận Thanh Xuân"]
    rows = SiteCoverage.objects.filter(site=tay_ho, unit__code="003").order_by("valid_from")
    assert [(r.valid_from, r.valid_to) for r in rows] == [
        (date(2024, 12, 1), date(2025, 5, 31)),
        (date(2025, 6, 1), date(2025, 6, 30)),
    ]


def test_a_second_overlapping_operating_period_is_a_conflict(hanoi, db):
    with pytest.raises(Conflict):
        site_operating_period_add(site=Site.objects.get(number=3), valid_from=date(2026, 1, 1))


def test_a_new_site_that_operates_without_covering_the_province_is_refused(hanoi, db):
    site = site_create(
        code="XE-01",
        name="Điểm phục vụ lưu động",
        kind=SiteKind.COMMUNE_POINT,
        unit_id="M01.00.HC.H26",
        parent=Site.objects.get(number=1),
    )
    with pytest.raises(InvalidInput, match="Điểm phục vụ lưu động"):
        site_operating_period_add(site=site, valid_from=date(2025, 10, 1))
    site_coverage_set(
        site=site, units=[unit("province", "01", date(2025, 10, 1))], valid_from=date(2025, 10, 1)
    )
    site_operating_period_add(site=site, valid_from=date(2025, 10, 1), note="Xe phục vụ lưu động")
    assert network_verify() == []


def test_site_create_refuses_a_malformed_or_taken_unit_identifier(hanoi, db):
    with pytest.raises(InvalidInput) as caught:
        site_create(code="X", name="X", kind="branch", unit_id="000.01.HC.H27")
    assert caught.value.field == "unit_id"
    with pytest.raises(Conflict):
        site_create(code="X", name="X", kind="branch", unit_id="000.01.HC.H26")


def test_turning_a_reception_point_into_a_branch_is_refused(hanoi, db):
    with pytest.raises(InvalidInput, match="Thanh Xuân"):
        site_update(site=Site.objects.get(code="DTN-009"), kind=SiteKind.BRANCH)
