"""Two appointments at the same moment: the site lock lets exactly one through (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.db import connection

from motcua.core.errors import Conflict
from motcua.organization.choices import Role
from motcua.organization.models import Assignment
from motcua.organization.services import staff as staff_services
from motcua.organization.services.staff import (
    assignment_create,
    branch_quota_set,
    staffing_plan_set,
)
from motcua.organization.tests.factories import SiteFactory, StaffProfileFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers, so there is no race")


def run_together(*jobs) -> list:
    """Start every job at the same instant, each on its own thread and connection."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        from django.db import connections

        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def slow_validation(monkeypatch):
    """Hold every appointment between its check and its insert, to widen the race window."""
    check = staff_services.assignment_validate

    def check_then_wait(**kwargs):
        check(**kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(staff_services, "assignment_validate", check_then_wait)


def test_two_simultaneous_director_appointments_leave_exactly_one(slow_validation):
    branch = SiteFactory(name="Chi nhánh số 1 Tây Hồ")
    candidates = [StaffProfileFactory().user for _ in range(4)]

    def appoint(user):
        return lambda: assignment_create(
            user=user,
            role=Role.BRANCH_DIRECTOR,
            site=branch,
            valid_from=date(2026, 1, 1),
            decision_number="QĐ",
        )

    results = run_together(*(appoint(user) for user in candidates))
    assert sum(isinstance(r, Assignment) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == len(candidates) - 1, results
    assert Assignment.objects.filter(site=branch, role=Role.BRANCH_DIRECTOR).count() == 1


def test_two_simultaneous_quotas_never_exceed_the_headcount():
    plan = staffing_plan_set(year=2026, approved_headcount=100)
    branches = [SiteFactory() for _ in range(3)]
    results = run_together(
        *((lambda b=b: branch_quota_set(plan=plan, branch=b, headcount=60)) for b in branches)
    )
    assert sum(isinstance(r, Conflict) for r in results) == 2, results
    assert sum(plan.quotas.values_list("headcount", flat=True)) == 60
