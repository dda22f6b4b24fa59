"""Fixtures for lifecycle tests: the real Hanoi network and catalogue, people in their posts,
and a clock that the test moves."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.organization.choices import Role, UnitLevel
from motcua.organization.models import AdministrativeUnit, Agency, Site, UnitSuccession
from motcua.organization.tests.factories import StaffProfileFactory, appoint

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def hanoi(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


class Clock:
    """Patches motcua.core.clock.now; ``set`` moves it to a Hanoi wall-clock time."""

    def __init__(self, monkeypatch, *, django_too: bool = True):
        self.moment = hanoi(2026, 3, 10, 9, 0)
        monkeypatch.setattr("motcua.core.clock.now", lambda: self.moment)
        if django_too:
            # Django's own "now" (sessions, auto_now) too; not for a real browser, whose
            # cookies would expire at once against its real clock.
            monkeypatch.setattr("django.utils.timezone.now", lambda: self.moment)

    def set(self, *args) -> datetime:
        self.moment = hanoi(*args)
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def hanoi_data(db):
    """Units, network, agencies, regimes and the demo catalogue, loaded through their services."""
    from motcua.catalog.services import catalog_load
    from motcua.dossiers.services.regimes import regimes_load
    from motcua.organization.services.network import network_load, units_load

    units_load(province_code=1)
    network_load()
    regimes_load()
    catalog_load()


def person(username: str, full_name: str, role: Role, *, site=None, agency=None):
    profile = StaffProfileFactory(user__username=username, full_name=full_name)
    appoint(profile.user, role, site=site, agency=agency, start=date(2025, 1, 1))
    return profile.user


@pytest.fixture
def people(hanoi_data):
    """Officers at Tây Hồ (CN01) and Hà Đông (CN07), staff of xã Ba Vì's committee and of the
    Department of Justice, a branch director, the center director and an inspector."""
    cn01, cn07 = Site.objects.get(code="CN01"), Site.objects.get(code="CN07")
    ba_vi = Agency.objects.get(code="UBND-X-09700-2025")
    justice = Agency.objects.get(code="SO-TP")
    center = Site.objects.get(code="TTPVHCC")
    return {
        "officer_cn01": person("tn.cn01", "Lê Thu Trang", Role.RECEIVING_OFFICER, site=cn01),
        "officer_cn07": person("tn.cn07", "Phạm Đức Minh", Role.RECEIVING_OFFICER, site=cn07),
        "specialist": person("cv.bavi", "Đỗ Văn Hùng", Role.AGENCY_SPECIALIST, agency=ba_vi),
        "leader": person("ld.bavi", "Nguyễn Thị Mai", Role.AGENCY_LEADER, agency=ba_vi),
        "specialist_tp": person("cv.sotp", "Trần Văn Nam", Role.AGENCY_SPECIALIST, agency=justice),
        "leader_tp": person("ld.sotp", "Vũ Thị Lan", Role.AGENCY_LEADER, agency=justice),
        "director_cn01": person("gd.cn01", "Hoàng Văn Sơn", Role.BRANCH_DIRECTOR, site=cn01),
        "center_director": person("gd.tt", "Bùi Quang Huy", Role.CENTER_DIRECTOR, site=center),
        "inspector": person("tt.tt", "Ngô Thanh Hà", Role.INSPECTOR),
    }


SWITCH = date(2025, 7, 1)
MARRIAGE = "2.000806"  # foreign marriage: Tây Hồ district committee until 30/06/2025, 15 days


def _tay_ho_ward():
    """A pre-2025 ward of Tây Hồ district that became exactly one new ward."""
    for ward in AdministrativeUnit.objects.filter(
        level=UnitLevel.WARD, parent__code="003"
    ).order_by("code"):
        after = UnitSuccession.objects.filter(predecessor=ward)
        if after.count() == 1:
            return ward, after.get().successor
    raise AssertionError("no Tây Hồ ward with one successor")


@pytest.fixture
def scenario(people, clock):
    """The issue's dossier: received 25/06/2025 at Branch No. 1 for the Tây Hồ district
    committee, accepted by the district's staff, whose posts end on 30/06/2025."""
    from motcua.dossiers.services import lifecycle as svc
    from motcua.dossiers.tests.helpers import APPLICANT, actor

    ward, new_ward = _tay_ho_ward()
    district = Agency.objects.get(code="UBND-D-003")
    successor = Agency.objects.get(territory=new_ward, kind="commune_committee")
    staff = StaffProfileFactory(user__username="cv.tayho", full_name="Phan Văn Tùng").user
    leader = StaffProfileFactory(user__username="ld.tayho", full_name="Đinh Thị Hoa").user
    for user, role in ((staff, Role.AGENCY_SPECIALIST), (leader, Role.AGENCY_LEADER)):
        appoint(user, role, agency=district, start=date(2025, 1, 1), end=date(2025, 6, 30))
    ward_staff = StaffProfileFactory(user__username="cv.phuong", full_name="Lý Thu Hằng").user
    appoint(ward_staff, Role.AGENCY_SPECIALIST, agency=successor, start=SWITCH)
    ward_leader = StaffProfileFactory(user__username="ld.phuong", full_name="Hà Minh Đức").user
    appoint(ward_leader, Role.AGENCY_LEADER, agency=successor, start=SWITCH)
    clock.set(2025, 6, 25, 9, 0)
    dossier, _ = svc.dossier_create(
        actor=actor(people["officer_cn01"]),
        site=Site.objects.get(code="CN01"),
        procedure_code=MARRIAGE,
        applicant=APPLICANT,
        object_unit_code=ward.code,
        return_method="site",
        return_site_code="CN01",
    )
    clock.set(2025, 6, 25, 10, 0)
    svc.dossier_transfer(
        actor=actor(people["officer_cn01"]), code=dossier.code, site=Site.objects.get(code="CN01")
    )
    clock.set(2025, 6, 26, 9, 0)
    dossier = svc.dossier_accept(actor=actor(staff), code=dossier.code)
    return {
        "dossier": dossier, "district": district, "successor": successor, "staff": staff,
        "leader": leader, "ward_staff": ward_staff, "ward_leader": ward_leader, "ward": ward,
        "new_ward": new_ward,
    }  # fmt: skip
