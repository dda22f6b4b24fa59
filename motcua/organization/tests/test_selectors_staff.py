"""Staff selectors: roles, sites and agencies of a person on a date; the staff of a site."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.organization.choices import Role
from motcua.organization.selectors.staff import (
    agencies_of,
    roles_of,
    sites_of,
    staff_at_site,
)
from motcua.organization.services.staff import (
    assignment_end,
    secondment_create,
)
from motcua.organization.tests.factories import (
    AgencyFactory,
    SiteFactory,
    StaffProfileFactory,
    appoint,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    branch, point = SiteFactory(name="Chi nhánh số 1"), SiteFactory(name="Điểm tiếp nhận")
    department = AgencyFactory(name="Sở Tư pháp")
    officer = StaffProfileFactory(full_name="Phạm Thị Dung").user
    appoint(officer, Role.RECEIVING_OFFICER, site=branch, end=date(2025, 6, 30))
    appoint(officer, Role.AGENCY_SPECIALIST, agency=department, start=date(2025, 3, 1))
    secondment_create(
        user=officer,
        from_agency=department,
        to_site=point,
        valid_from=date(2025, 5, 1),
        valid_to=date(2025, 9, 30),
        decision_number="7/QĐ-STP",
    )
    return branch, point, department, officer


def test_roles_of_gives_the_roles_held_on_the_date(world):
    *_, officer = world
    assert roles_of(officer, date(2024, 12, 31)) == set()
    assert roles_of(officer, date(2025, 1, 1)) == {Role.RECEIVING_OFFICER}
    assert roles_of(officer, date(2025, 6, 30)) == {
        Role.RECEIVING_OFFICER,
        Role.AGENCY_SPECIALIST,
    }
    assert roles_of(officer, date(2025, 7, 1)) == {Role.AGENCY_SPECIALIST}


def test_roles_of_an_anonymous_or_inactive_person_are_empty(world):
    *_, officer = world
    assert roles_of(AnonymousUser(), date(2025, 4, 1)) == set()
    officer.is_active = False
    officer.save()
    assert roles_of(officer, date(2025, 4, 1)) == set()
    assert not sites_of(officer, date(2025, 4, 1)).exists()


def test_sites_of_counts_assignments_and_secondments(world):
    branch, point, _department, officer = world
    assert set(sites_of(officer, date(2025, 4, 1))) == {branch}
    assert set(sites_of(officer, date(2025, 6, 1))) == {branch, point}
    assert set(sites_of(officer, date(2025, 8, 1))) == {point}
    assert not sites_of(officer, date(2025, 10, 1)).exists()


def test_agencies_of_follows_agency_roles(world):
    _branch, _point, department, officer = world
    assert not agencies_of(officer, date(2025, 2, 1)).exists()
    assert list(agencies_of(officer, date(2025, 3, 1))) == [department]


def test_staff_at_site_lists_assigned_and_seconded_people_once(world):
    branch, point, _department, officer = world
    director = StaffProfileFactory(full_name="Trần Thị Bình").user
    held = appoint(director, Role.BRANCH_DIRECTOR, site=branch)
    assert list(staff_at_site(branch, date(2025, 6, 1))) == [officer, director]
    assert list(staff_at_site(point, date(2025, 6, 1))) == [officer]
    assignment_end(assignment=held, valid_to=date(2025, 6, 1))
    assert list(staff_at_site(branch, date(2025, 6, 2))) == [officer]
    assert list(staff_at_site(branch, date(2025, 7, 1))) == []
