"""A synthetic network for the pure tests, the size of Hanoi's: 12 branches, 18 reception
points, 126 wards each with its commune point; a procedure or two per sector; the working
calendar of the ``holidays`` package alone."""

from __future__ import annotations

from datetime import time
from functools import cache

import holidays

from motcua.simulation.model import OUTER_BRANCHES
from motcua.simulation.plan import ProcedureSpec, RegimeSpec, SiteSpec, WardSpec
from motcua.worktime.rules import WorkCalendar

WARDS = 126
RECEPTION_POINTS = 18
REGIME_2018 = RegimeSpec(code="2018", has_stop_notice=False)
REGIME_2025 = RegimeSpec(code="2025", has_stop_notice=True)


@cache
def calendar() -> WorkCalendar:
    package = holidays.country_holidays("VN", years=range(2025, 2029))
    return WorkCalendar(
        days_off=frozenset(d for d in package if 2025 <= d.year <= 2028),
        extra_working_days=frozenset(d for d in package.weekend_workdays if 2025 <= d.year <= 2028),
        years=(2025, 2028),
    )


def branch(n: int) -> str:
    return f"CN{n:02d}"


@cache
def wards() -> tuple[WardSpec, ...]:
    result = []
    for i in range(WARDS):
        n = i % 12 + 1
        code = f"{i + 1:05d}"
        result.append(
            WardSpec(
                code=code,
                name=f"Phường Thử {i + 1}",
                area="outer" if branch(n) in OUTER_BRANCHES else "inner",
                committee=f"UBND-X-{code}",
                point_site=f"DPV-{code}",
                branch_site=branch(n),
            )
        )
    return tuple(result)


@cache
def sites() -> tuple[SiteSpec, ...]:
    result = []
    for n in range(1, 13):
        code = branch(n)
        home = tuple(w.code for w in wards() if w.branch_site == code)
        area = "outer" if code in OUTER_BRANCHES else "inner"
        result.append(SiteSpec(code=code, kind="branch", branch=code, area=area, home_wards=home))
    for r in range(RECEPTION_POINTS):
        parent = result[r % 12]
        result.append(
            SiteSpec(
                code=f"DTN-{r + 1:03d}", kind="reception_point", branch=parent.code,
                area=parent.area, home_wards=parent.home_wards,
            )
        )  # fmt: skip
    for w in wards():
        result.append(
            SiteSpec(
                code=w.point_site, kind="commune_point", branch=w.branch_site, area=w.area,
                home_wards=(w.code,),
            )
        )  # fmt: skip
    return tuple(result)


def _commune(code, sector, limit, unit="working_days", **extra):
    return ProcedureSpec(
        code=code, version=1, sector=sector, competence_rule="commune_committee", agency=None,
        time_limit=limit, time_limit_unit=unit, **extra,
    )  # fmt: skip


def _fixed(code, sector, agency, limit, unit="working_days", **extra):
    return ProcedureSpec(
        code=code, version=1, sector=sector, competence_rule="fixed", agency=agency,
        time_limit=limit, time_limit_unit=unit, **extra,
    )  # fmt: skip


PROCEDURES = (
    _commune("2.000815", "chung-thuc", 0, cutoff=time(15)),
    _commune("2.001019", "chung-thuc", 2, online=False),
    _commune("1.001193", "ho-tich", 0, cutoff=time(15)),
    _commune("1.004873", "ho-tich", 3),
    _fixed("1.013831", "dat-dai", "VPDKDD", 8, fee=50_000,
           agency_roles=("agency_specialist", "agency_specialist", "agency_leader")),
    _commune("1.013978", "dat-dai", 20),
    _commune("1.013225", "xay-dung", 15, "calendar_days"),
    _commune("1.001612", "ho-kinh-doanh", 3),
    _commune("1.001776", "bao-tro-xa-hoi", 10),
    _commune("1.014137", "y-te", 5),
    _commune("2.002481", "giao-duc", 3),
    _fixed("3.000333", "ly-lich-tu-phap", "SO-TP", 10, "calendar_days", fee=200_000),
    _commune("2.001263", "nuoi-con-nuoi", 30, "calendar_days", agency_roles=()),
)  # fmt: skip


def network() -> dict:
    """Keyword arguments of ``plan_day`` for the synthetic network (all but day, seed, scale)."""
    return {
        "sites": sites(),
        "wards": wards(),
        "procedures": PROCEDURES,
        "calendar": calendar(),
        "regime": REGIME_2025,
    }
