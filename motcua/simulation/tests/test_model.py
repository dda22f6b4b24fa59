"""The workload model's figures and arithmetic (pure)."""

import random
import unicodedata
from datetime import date

import pytest

from motcua.dossiers.rules import citizen_id_problem, phone_problem
from motcua.simulation import model, people
from motcua.simulation.tests.synthetic import calendar


def test_online_share_rises_linearly_from_35_to_80_percent_and_is_flat_outside():
    assert model.online_share(date(2024, 6, 1)) == pytest.approx(0.35)
    assert model.online_share(date(2025, 1, 1)) == pytest.approx(0.35)
    assert model.online_share(date(2026, 1, 1)) == pytest.approx(0.35 + 0.45 * 365 / 729)
    assert model.online_share(date(2026, 12, 31)) == pytest.approx(0.80)
    assert model.online_share(date(2027, 6, 1)) == pytest.approx(0.80)


def test_digitisation_shares_rise_linearly_through_the_two_years():
    assert model.scan_share(date(2024, 6, 1)) == pytest.approx(0.40)
    assert model.scan_share(date(2026, 1, 1)) == pytest.approx(0.40 + 0.50 * 365 / 729)
    assert model.scan_share(date(2027, 6, 1)) == pytest.approx(0.90)
    assert model.electronic_result_share(date(2025, 1, 1)) == pytest.approx(0.50)
    assert model.electronic_result_share(date(2026, 12, 31)) == pytest.approx(0.90)


def test_weekday_factors_put_monday_highest_and_friday_lowest_averaging_one():
    monday, *middle, friday = model.WEEKDAY_FACTOR[:5]
    assert monday == max(model.WEEKDAY_FACTOR)
    assert friday == min(model.WEEKDAY_FACTOR[:5])
    assert sum(model.WEEKDAY_FACTOR[:5]) / 5 == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("year", "start"),
    [(2025, date(2025, 1, 25)), (2026, date(2026, 2, 14)), (2027, date(2027, 2, 4))],
)
def test_tet_break_is_found_in_the_working_calendar(year, start):
    assert model.tet_break_start(calendar(), year) == start


def test_tet_break_outside_the_calendar_is_unknown():
    assert model.tet_break_start(calendar(), 2031) is None


@pytest.mark.parametrize(
    ("day", "factor"),
    [
        (date(2026, 1, 23), 1.0),  # 22 days before the break
        (date(2026, 1, 24), 1.35),  # 21 days before
        (date(2026, 2, 13), 1.35),  # the last day before
        (date(2026, 2, 23), 1.0),  # after Tết
        (date(2026, 10, 14), 1.0),
        (date(2026, 12, 14), 1.20),
        (date(2025, 1, 6), 1.35),  # Tết 2025 starts on 25 January
    ],
)
def test_season_peaks_before_tet_and_in_december(day, factor):
    assert model.season_factor(day, calendar()) == pytest.approx(factor)


def test_city_intake_at_scale_one_is_twenty_thousand_on_an_ordinary_wednesday():
    wednesday = date(2026, 10, 14)
    assert model.expected_intake(wednesday, calendar(), 1.0) == pytest.approx(20_000)
    assert model.expected_intake(wednesday, calendar(), 0.01) == pytest.approx(200)


def test_sites_of_the_full_network_share_the_counter_intake_by_kind():
    day, cal = date(2026, 10, 14), calendar()
    counter = model.counter_intake(day, cal, 1.0)
    for kind, share in model.KIND_SHARE.items():
        assert model.site_rate(kind, day, cal, 1.0) * model.FULL_NETWORK[kind] == pytest.approx(
            counter * share
        )
    assert sum(model.KIND_SHARE.values()) == pytest.approx(1.0)
    assert model.site_rate("center", day, cal, 1.0) == 0


def test_a_non_working_day_has_only_online_intake_at_fifteen_percent():
    cal = calendar()
    sunday, wednesday = date(2026, 10, 18), date(2026, 10, 14)
    assert model.counter_intake(sunday, cal, 1.0) == 0
    assert model.online_intake(sunday, cal, 1.0) == pytest.approx(
        0.15 * 20_000 * model.online_share(sunday)
    )
    assert model.online_intake(wednesday, cal, 1.0) == pytest.approx(
        20_000 * model.online_share(wednesday)
    )
    holiday = date(2026, 9, 2)  # National Day, a Wednesday
    assert model.counter_intake(holiday, cal, 1.0) == 0


def test_sector_mixes_are_shares_and_land_dominates_outer_areas():
    for mix in model.SECTOR_MIX.values():
        assert sum(mix.values()) == pytest.approx(1.0)
    assert 0.6 <= model.SECTOR_MIX["outer"][model.LAND_SECTOR] <= 0.8
    inner = model.SECTOR_MIX["inner"]
    assert inner["chung-thuc"] + inner["ho-tich"] > 0.5 > inner[model.LAND_SECTOR]


def test_area_of_a_site_by_branch_list_or_division_type():
    assert model.area_of(kind="branch", code="CN07", division_type="quận") == "outer"
    assert model.area_of(kind="branch", code="CN12", division_type="quận") == "inner"
    assert model.area_of(kind="commune_point", code="DPV-1", division_type="xã") == "outer"
    assert model.area_of(kind="commune_point", code="DPV-2", division_type="phường") == "inner"
    assert model.area_of(kind="reception_point", code="DTN-271", division_type="huyện") == "outer"


def test_return_and_payment_mixes_are_shares():
    for table in (model.RETURN_MIX, model.PAYMENT_MIX):
        for mix in table.values():
            assert sum(mix.values()) == pytest.approx(1.0)


def test_applicants_have_nfc_vietnamese_names_valid_ids_and_phones():
    rng = random.Random(7)
    day = date(2026, 10, 14)
    seen = [people.applicant(rng, day=day, ward_name="Phường Tây Hồ", channel="online")
            for _ in range(2000)]  # fmt: skip
    for person in seen:
        assert unicodedata.is_normalized("NFC", person.name)
        family, *_middle, _given = person.name.split()
        assert family in dict(people.FAMILY_NAMES)
        assert citizen_id_problem(person.id_number, today_year=day.year) is None
        assert int(person.id_number[3]) % 2 == (1 if person.sex == "female" else 0)
        assert person.id_number[4:6] == f"{person.birth_year % 100:02d}"
        assert 18 <= day.year - person.birth_year <= 85
        assert person.phone.startswith("09") and phone_problem(person.phone) is None
        assert not person.email or person.email.endswith("@example.com")
        assert person.address.endswith("Phường Tây Hồ, Hà Nội")
    hanoi = sum(p.id_number.startswith("001") for p in seen) / len(seen)
    assert hanoi == pytest.approx(people.HANOI_BIRTH_SHARE, abs=0.03)
    assert sum(p.name.startswith("Nguyễn ") for p in seen) / len(seen) == pytest.approx(
        0.38 / sum(w for _, w in people.FAMILY_NAMES) * 100, abs=0.04
    )


def test_applicants_born_after_2000_carry_the_century_digit():
    assert people.citizen_id(random.Random(1), sex="male", birth_year=2003)[3:6] == "203"
    assert people.citizen_id(random.Random(1), sex="female", birth_year=1988)[3:6] == "188"
