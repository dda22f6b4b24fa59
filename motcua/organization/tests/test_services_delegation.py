"""Delegations to sign (§2.4, decision 0009): who may record one, and what is refused.
How a delegate then signs is tested with the approval (dossiers/tests/test_services_approval.py).
"""

from __future__ import annotations

from datetime import date

import pytest

from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.dossiers.tests.conftest import clock, hanoi_data, people  # noqa: F401
from motcua.dossiers.tests.test_services_approval import delegate
from motcua.organization.selectors.staff import delegations_of, signing_for
from motcua.organization.services.delegation import delegation_end

pytestmark = pytest.mark.django_db


def test_who_may_record_a_delegation(people):  # noqa: F811
    with pytest.raises(PermissionDenied):
        delegate(people, by=people["specialist_tp"])  # not the leader, not an administrator
    admin = people["inspector"]
    admin.is_superuser = True
    with pytest.raises(InvalidInput) as not_leader:
        delegate(people, by=admin, delegator=people["specialist_tp"], delegate=people["leader_tp"])
    assert not_leader.value.field == "delegator"
    with pytest.raises(InvalidInput) as self_:
        delegate(people, delegate=people["leader_tp"])
    assert self_.value.field == "delegate"
    with pytest.raises(InvalidInput) as outsider:
        delegate(people, delegate=people["specialist"])  # works for xã Ba Vì
    assert outsider.value.field == "delegate"
    assert delegate(people, by=admin).recorded_by == admin
    with pytest.raises(Conflict):
        delegate(people, valid_from=date(2026, 3, 15))  # overlaps the one just recorded


def test_a_delegation_is_only_shortened_by_its_leader(people):  # noqa: F811
    delegation = delegate(people)
    with pytest.raises(InvalidInput):
        delegation_end(by=people["leader_tp"], delegation=delegation, valid_to=date(2026, 4, 30))
    with pytest.raises(PermissionDenied):
        delegation_end(by=people["specialist_tp"], delegation=delegation,
                       valid_to=date(2026, 3, 15))  # fmt: skip
    delegation_end(by=people["leader_tp"], delegation=delegation, valid_to=date(2026, 3, 15))
    delegation.refresh_from_db()
    assert delegation.valid_to == date(2026, 3, 15)
    agency = delegation.agency_id
    assert list(delegations_of(agency_ids=[agency], on=date(2026, 3, 16))) == []
    assert signing_for(user=people["specialist_tp"], agency_id=agency, day=date(2026, 3, 15)) == (
        True, people["leader_tp"],
    )  # fmt: skip
    assert signing_for(user=people["specialist_tp"], agency_id=agency, day=date(2026, 3, 16)) == (
        False, None,
    )  # fmt: skip
