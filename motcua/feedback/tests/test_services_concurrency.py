"""Simultaneous submissions and ratings on PostgreSQL, each on its own connection: complaint
codes without duplicates or gaps, and one rating per dossier."""

from __future__ import annotations

import pytest
from django.db import connection

from motcua.feedback import services as svc
from motcua.feedback.errors import AlreadyRated
from motcua.feedback.models import Complaint, Rating
from motcua.feedback.tests.helpers import PHONE_DIGITS, SENDER, delivered
from motcua.organization.tests.test_services_staff_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers, so there is no race")


def test_simultaneous_complaints_get_consecutive_codes(people, clock):
    clock.set(2026, 3, 10, 9, 0)

    def send_many(n):
        def job():
            return [
                svc.complaint_submit(kind="complaint", subject="Chờ", content="Chờ lâu",
                                     site_code="CN01", **SENDER).code
                for _ in range(n)
            ]  # fmt: skip

        return job

    results = run_together(*(send_many(5) for _ in range(6)))
    assert all(isinstance(r, list) for r in results), results
    codes = sorted(code for batch in results for code in batch)
    assert codes == [f"PAKN-260310-{n:04d}" for n in range(1, 31)]
    assert Complaint.objects.count() == 30


def test_two_simultaneous_ratings_leave_one(people, clock):
    dossier = delivered(people, clock)

    def rate(level):
        return lambda: svc.rating_submit(
            dossier_code=dossier.code, verifier=PHONE_DIGITS, level=level
        )

    results = run_together(rate("satisfied"), rate("not_satisfied"), rate("very_satisfied"))
    assert sum(isinstance(r, Rating) for r in results) == 1
    assert sum(isinstance(r, AlreadyRated) for r in results) == 2, results
    assert Rating.objects.count() == 1
