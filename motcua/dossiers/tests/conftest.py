"""Fixtures for lifecycle tests: the real Hanoi network and catalogue, people in their posts,
and a clock that the test moves."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.organization.choices import Role
from motcua.organization.models import Agency, Site
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
