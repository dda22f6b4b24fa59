"""The phase rules as plain functions, on hand-built networks (no database)."""

from datetime import date

from motcua.organization.validation import (
    NetworkState,
    Period,
    Phase,
    SiteState,
    Unit,
    network_problems,
    new_problems,
)

HANOI = Unit(1, "01", "Thành phố Hà Nội", "province")
LEGACY = Period(None, date(2025, 6, 30))
CAU_GIAY = Unit(5, "005", "Quận Cầu Giấy", "district", LEGACY)
THANH_XUAN = Unit(9, "009", "Quận Thanh Xuân", "district", LEGACY)
TAY_HO = Unit(3, "003", "Quận Tây Hồ", "district", LEGACY)
PILOT = Phase(1, "Thí điểm", "pilot", Period(date(2024, 12, 1), date(2025, 3, 1)))
PHASE2 = Phase(2, "Mở rộng", "districts_exactly_once", Period(date(2025, 4, 1), date(2025, 6, 30)))
PHASE3 = Phase(3, "Chính thức", "province_wide", Period(date(2025, 7, 1), None))


def network(*sites: SiteState) -> NetworkState:
    districts = (CAU_GIAY, THANH_XUAN, TAY_HO)
    return NetworkState(
        province=HANOI,
        phases=(PILOT, PHASE2, PHASE3),
        districts=districts,
        units={u.key: u for u in (HANOI, *districts)},
        sites=sites,
    )


def branch(key, name, *coverage, start=date(2024, 12, 1), end=None, kind="branch", parent=None):
    return SiteState(key, name, kind, parent, (Period(start, end),), tuple(coverage))


PHASE2_ONLY = Period(date(2025, 4, 1), date(2025, 6, 30))
FROM_JULY = Period(date(2025, 7, 1), None)
VALID = (
    branch(1, "CN Tây Hồ", (3, Period(date(2024, 12, 1), date(2025, 6, 30))), (1, FROM_JULY)),
    branch(
        2,
        "CN Cầu Giấy",
        (5, Period(date(2024, 12, 1), date(2025, 6, 30))),
        (9, PHASE2_ONLY),
        (1, FROM_JULY),
    ),
)


def messages(state, start=date(2024, 12, 1), end=None):
    return [p.message for p in network_problems(state, start=start, end=end)]


def test_a_network_that_follows_every_phase_has_no_problem():
    assert messages(network(*VALID)) == []


def test_a_district_covered_by_two_branches_is_named_with_its_dates_grouped():
    intruder = branch(
        3, "CN Thừa", (9, Period(date(2025, 4, 10), date(2025, 4, 20))), end=date(2025, 6, 30)
    )
    [problem] = messages(network(*VALID, intruder))
    assert "Quận Thanh Xuân (009)" in problem
    assert "CN Cầu Giấy" in problem and "CN Thừa" in problem
    assert "10/04/2025" in problem and "20/04/2025" in problem


def test_an_uncovered_district_breaks_phase_two_but_not_the_pilot():
    cau_giay = branch(2, "CN Cầu Giấy", (5, LEGACY), (1, FROM_JULY))
    [problem] = messages(network(VALID[0], cau_giay))
    assert "Quận Thanh Xuân (009)" in problem
    assert "01/04/2025" in problem and "30/06/2025" in problem
    assert "2024" not in problem  # the pilot allows uncovered districts


def test_days_without_a_phase_are_not_checked():
    intruder = branch(
        3, "CN Thừa", (5, Period(date(2025, 3, 2), date(2025, 3, 31))), end=date(2025, 3, 31)
    )
    assert messages(network(*VALID, intruder)) == []


def test_under_the_province_wide_rule_every_operating_site_covers_the_province():
    point = branch(4, "Điểm xã", (5, Period(date(2025, 7, 1), None)), start=date(2025, 7, 1))
    problems = messages(network(*VALID, point), start=date(2025, 7, 1))
    assert any("Điểm xã" in p and "Thành phố Hà Nội (01)" in p for p in problems)
    # ...and a district that no longer exists cannot be covered.
    assert any("Quận Cầu Giấy (005)" in p for p in problems)


def test_an_open_ended_problem_is_reported_from_its_first_day_onwards():
    point = branch(4, "Điểm xã", start=date(2025, 8, 1), kind="commune_point")
    [problem] = messages(network(*VALID, point))
    assert "01/08/2025" in problem


def test_a_reception_point_covers_only_districts_of_its_branch():
    point = branch(
        5, "Điểm Tây Hồ", (3, PHASE2_ONLY), start=date(2025, 4, 1), kind="reception_point", parent=2
    )
    [problem] = messages(network(*VALID, point), end=date(2025, 6, 30))
    assert "Điểm Tây Hồ" in problem and "Quận Tây Hồ (003)" in problem


def test_only_problems_an_edit_adds_count_as_new():
    cau_giay = branch(2, "CN Cầu Giấy", (5, LEGACY), (1, FROM_JULY))
    broken = network(VALID[0], cau_giay)
    before = network_problems(broken, start=date(2024, 12, 1), end=None)
    partly_fixed = broken.with_site(
        branch(
            2,
            "CN Cầu Giấy",
            (5, LEGACY),
            (9, Period(date(2025, 4, 1), date(2025, 4, 30))),
            (1, FROM_JULY),
        )
    )
    after = network_problems(partly_fixed, start=date(2024, 12, 1), end=None)
    assert after and new_problems(before, after) == []
