"""Simultaneous receipts and actions on PostgreSQL, each on its own connection.

Codes: no duplicate and no gap under concurrent receipt at one unit. Actions: two officers
acting on one dossier at once leave exactly one result.
"""

from __future__ import annotations

import pytest
from django.db import connection

from motcua.core.errors import InvalidTransition, StaleVersion
from motcua.dossiers.choices import Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, advance, justice_procedure, receive
from motcua.organization.models import Site
from motcua.organization.tests.test_services_staff_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers, so there is no race")


def test_simultaneous_receipts_get_consecutive_codes_without_gaps(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    officer = actor(people["officer_cn01"])
    site = Site.objects.get(code="CN01")

    def receive_many(n):
        def job():
            made = []
            for _ in range(n):
                dossier, _created = svc.dossier_create(
                    actor=officer, site=site, procedure_code=version.procedure.code,
                    applicant=svc.ApplicantIn(name="Lê Văn Tám", id_number="001085012345"),
                    return_site_code="CN01",
                )  # fmt: skip
                made.append(dossier.code)
            return made

        return job

    results = run_together(*(receive_many(10) for _ in range(6)))
    assert all(isinstance(r, list) for r in results), results
    codes = sorted(code for batch in results for code in batch)
    assert codes == [f"000.01.HC.H26-260310-{n:04d}" for n in range(1, 61)]
    assert Dossier.objects.count() == 60


def test_simultaneous_retries_with_one_key_make_one_dossier(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    officer = actor(people["officer_cn01"])
    site = Site.objects.get(code="CN01")

    def retry():
        return svc.dossier_create(
            actor=officer, site=site, procedure_code=version.procedure.code,
            applicant=svc.ApplicantIn(name="Lê Văn Tám", id_number="001085012345"),
            return_site_code="CN01", idempotency_key="same-key", digest="same",
        )[0].code  # fmt: skip

    results = run_together(*(retry for _ in range(4)))
    assert len(set(results)) == 1 and isinstance(results[0], str), results
    assert Dossier.objects.count() == 1
    # The losing attempts gave their sequence numbers back: the next receipt is 0002.
    assert receive(people, version).code.endswith("-0002")


@pytest.mark.parametrize("with_version", [True, False])
def test_two_officers_completing_at_once_leave_exactly_one_result(people, clock, with_version):
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.IN_PROGRESS)
    expected = dossier.version if with_version else None

    def complete(user):
        return lambda: svc.dossier_complete(
            actor=actor(user), code=dossier.code, note="Đồng ý", expected_version=expected
        )

    results = run_together(complete(people["leader_tp"]), complete(people["leader_tp"]))
    done = [r for r in results if isinstance(r, Dossier)]
    refused = [r for r in results if isinstance(r, StaleVersion | InvalidTransition)]
    assert len(done) == 1 and len(refused) == 1, results
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY
    assert DossierEvent.objects.filter(dossier=dossier, action="complete").count() == 1
    assert dossier.handovers.filter(note="Đồng ý").count() == 1


def test_two_reorganizations_applied_at_once_move_each_dossier_once(scenario, people, clock):
    from motcua.dossiers.choices import Action
    from motcua.dossiers.services import competence
    from motcua.dossiers.tests.conftest import SWITCH

    # A second dossier at the district, so that the batches interleave.
    more = svc.dossier_create(
        actor=actor(people["officer_cn01"]), site=Site.objects.get(code="CN01"),
        procedure_code="2.000806", applicant=svc.ApplicantIn(name="Lê Văn Tám",
        id_number="001085012345"), object_unit_code=scenario["ward"].code,
        return_site_code="CN01",
    )[0]  # fmt: skip
    clock.set(2025, 7, 1, 8, 0)
    decision = competence.reorganization_create(
        actor=None, agency_code="UBND-D-003", effective_on=SWITCH
    )

    def apply():
        return competence.reorganization_apply(actor=None, reorganization=decision, batch=1).moved

    results = run_together(apply, apply)
    moved = [code for r in results for code in r]
    assert sorted(moved) == sorted([scenario["dossier"].code, more.code]), results
    assert DossierEvent.objects.filter(action=Action.SUCCEED).count() == 2
    assert not Dossier.objects.filter(competent_agency=scenario["district"]).exists()
