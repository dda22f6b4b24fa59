"""An online filing takes its own reference, not the site's official code, until the check
accepts it (issue 18, hole 1): spam nobody checked cannot use up the day's 9,999 codes."""

from __future__ import annotations

import pytest

from motcua.dossiers.audit import chain_breaks
from motcua.dossiers.models import DailySequence
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import (
    APPLICANT,
    actor,
    justice_procedure,
    receive,
    submit_online,
)
from motcua.organization.models import Site
from motcua.public.selectors import dossier_lookup

pytestmark = pytest.mark.django_db
UNIT = "000.01.HC.H26"


def official_last(day="2026-03-10") -> int:
    row = DailySequence.objects.filter(unit_id=UNIT, day=day).first()
    return row.last if row else 0


@pytest.fixture
def filed(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    return submit_online(justice_procedure())


def test_an_online_filing_takes_a_reference_and_no_official_number(filed):
    assert filed.code == filed.online_reference == f"TT-{UNIT}-260310-00001"
    assert official_last() == 0
    assert submit_online(justice_procedure()).code == f"TT-{UNIT}-260310-00002"
    assert official_last() == 0


def test_a_counter_receipt_is_not_pushed_back_by_online_filings(people, filed):
    for _ in range(3):
        submit_online(justice_procedure())
    assert receive(people, justice_procedure()).code == f"{UNIT}-260310-0001"


def test_the_check_gives_the_official_code_and_both_look_it_up(people, filed, clock):
    receive(people, justice_procedure())  # 0001 at the counter
    clock.set(2026, 3, 10, 10, 0)
    received = svc.dossier_accept_online(
        actor=actor(people["officer_cn01"]), code=filed.code, site=Site.objects.get(code="CN01")
    )
    assert received.code == f"{UNIT}-260310-0002"
    assert received.online_reference == f"TT-{UNIT}-260310-00001"
    event = received.events.get(action="receive")
    assert event.payload["code"] == received.code  # the official code is in the chain
    assert dossier_lookup(code=received.code, verifier="4321").code == received.code
    by_reference = dossier_lookup(code=received.online_reference.lower(), verifier="4321")
    assert by_reference.code == received.code
    assert by_reference.online_reference == received.online_reference
    assert list(chain_breaks()) == []  # verify-audit passes across the change of code


def test_a_filing_refused_at_the_check_never_takes_a_number(people, filed):
    refused = svc.dossier_refuse(
        actor=actor(people["officer_cn01"]),
        code=filed.code,
        site=Site.objects.get(code="CN01"),
        reason="Không thuộc thẩm quyền",
    )
    assert refused.code == refused.online_reference
    assert official_last() == 0
    assert list(chain_breaks()) == []


def test_the_simulation_may_number_at_filing(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    dossier, _ = svc.dossier_create(
        actor=None,
        site=Site.objects.get(code="CN01"),
        procedure_code=version.procedure.code,
        applicant=APPLICANT,
        decision="submit",
        return_method="online",
        numbered_at_filing=True,
    )
    assert dossier.code == f"{UNIT}-260310-0001" and dossier.online_reference == ""
