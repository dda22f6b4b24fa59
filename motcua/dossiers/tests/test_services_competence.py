"""Competence that moves with the law (issue 17 §2): wrong agency and succession."""

from __future__ import annotations

import pytest

from motcua.core.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from motcua.dossiers.choices import Action, Status
from motcua.dossiers.models import Dossier, DossierEvent, Reorganization
from motcua.dossiers.permissions import actor_for, can_see, visible_q
from motcua.dossiers.services import approval, competence
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.conftest import SWITCH, hanoi
from motcua.dossiers.tests.helpers import actor, justice_procedure, receive
from motcua.organization.models import Agency, Site


def _decision(people):
    return competence.reorganization_create(
        actor=actor_for(people["center_director"], SWITCH),
        agency_code="UBND-D-003",
        effective_on=SWITCH,
        decision_number="Nghị quyết 1656/NQ-UBTVQH15",
    )


def test_the_issue_scenario_the_ward_completes_the_former_staff_read(scenario, people, clock):
    dossier = scenario["dossier"]
    assert dossier.competent_agency == scenario["district"]
    assert hanoi(2025, 7, 10, 0, 0) < dossier.due_at <= hanoi(2025, 7, 10, 23, 59)
    due = dossier.due_at
    clock.set(2025, 7, 1, 8, 0)
    # Before the decision is applied, the ward's staff may not act.
    with pytest.raises(PermissionDenied):
        svc.dossier_complete(actor=actor(scenario["ward_staff"]), code=dossier.code)

    decision = _decision(people)
    plan = competence.reorganization_plan(decision)
    assert [(h.dossier.code, h.successor) for h in plan] == [(dossier.code, scenario["successor"])]
    applied = competence.reorganization_apply(
        actor=actor_for(people["center_director"], SWITCH), reorganization=decision
    )
    assert applied.moved == [dossier.code]
    dossier.refresh_from_db()
    assert dossier.competent_agency == scenario["successor"]
    assert dossier.custodian_agency == scenario["successor"]
    assert dossier.due_at == due and dossier.status == Status.IN_PROGRESS
    events = list(DossierEvent.objects.filter(dossier=dossier, action=Action.SUCCEED))
    assert len(events) == 1
    assert events[0].payload["from_agency"] == "UBND-D-003"
    assert events[0].payload["to_agency"] == scenario["successor"].code
    paper = dossier.handovers.order_by("-given_at", "-pk").first()
    assert paper.unit == scenario["district"].name and paper.received_at is not None
    decision.refresh_from_db()
    assert decision.applied_at is not None

    # Idempotent: a second run moves nothing and writes no event.
    again = competence.reorganization_apply(actor=None, reorganization=decision)
    assert again.moved == []
    assert DossierEvent.objects.filter(dossier=dossier, action=Action.SUCCEED).count() == 1

    # The former staff read it and may not act; the ward's staff complete it (its specialist
    # drafts, its leader signs: §2.4).
    former = actor(scenario["staff"])
    assert former.former_agencies == frozenset({scenario["district"].pk})
    assert can_see(former, dossier)
    assert Dossier.objects.filter(visible_q(former)).filter(pk=dossier.pk).exists()
    with pytest.raises(PermissionDenied):
        svc.dossier_complete(actor=former, code=dossier.code)
    clock.set(2025, 7, 8, 10, 0)
    approval.dossier_submit_for_approval(actor=actor(scenario["ward_staff"]), code=dossier.code)
    approval.dossier_approve(actor=actor(scenario["ward_leader"]), code=dossier.code)
    done = svc.dossier_complete(actor=actor(scenario["ward_staff"]), code=dossier.code)
    assert done.status == Status.RESULT_READY and done.due_at == due
    assert done.timeliness == "early"


def test_the_decision_cannot_apply_before_its_date_or_by_a_branch(scenario, people, clock):
    clock.set(2025, 6, 30, 16, 0)
    decision = _decision(people)
    with pytest.raises(Conflict, match="01/07/2025"):
        competence.reorganization_apply(actor=None, reorganization=decision)
    with pytest.raises(PermissionDenied):
        competence.reorganization_apply(
            actor=actor(people["director_cn01"]), reorganization=decision
        )
    assert Reorganization.objects.get().applied_at is None


def test_an_agency_still_in_force_cannot_cease(people):
    with pytest.raises(InvalidInput) as error:
        competence.reorganization_create(actor=None, agency_code="SO-TP", effective_on=SWITCH)
    assert error.value.field == "effective_on"


def test_a_dossier_without_successor_stops_everything_until_chosen(scenario, people, clock):
    dossier = scenario["dossier"]
    Dossier.objects.filter(pk=dossier.pk).update(object_unit=None, applicant_unit=None)
    clock.set(2025, 7, 1, 8, 0)
    decision = _decision(people)
    assert competence.reorganization_plan(decision)[0].successor is None
    with pytest.raises(InvalidInput, match=dossier.code):
        competence.reorganization_apply(actor=None, reorganization=decision)
    assert Dossier.objects.get(pk=dossier.pk).competent_agency == scenario["district"]
    applied = competence.reorganization_apply(
        actor=None, reorganization=decision, overrides={dossier.code: scenario["successor"].code}
    )
    assert applied.moved == [dossier.code]
    event = DossierEvent.objects.get(dossier=dossier, action=Action.SUCCEED)
    assert event.payload["basis"] == "adjusted"


# -- wrong agency --------------------------------------------------------------------------------


def test_wrong_agency_return_and_reroute_attribute_the_time(people, clock):
    clock.set(2026, 3, 9, 9, 0)
    dossier = receive(people, justice_procedure())
    cn01 = Site.objects.get(code="CN01")
    svc.dossier_transfer(actor=actor(people["officer_cn01"]), code=dossier.code, site=cn01)
    clock.set(2026, 3, 9, 14, 0)
    svc.dossier_accept(actor=actor(people["specialist_tp"]), code=dossier.code)
    clock.set(2026, 3, 10, 9, 0)
    with pytest.raises(PermissionDenied):  # a specialist does not decide it
        competence.dossier_return_wrong_agency(
            actor=actor(people["specialist_tp"]), code=dossier.code, reason="Không thuộc"
        )
    with pytest.raises(InvalidInput):
        competence.dossier_return_wrong_agency(
            actor=actor(people["leader_tp"]), code=dossier.code, reason=" "
        )
    returned = competence.dossier_return_wrong_agency(
        actor=actor(people["leader_tp"]), code=dossier.code,
        reason="Thuộc thẩm quyền UBND xã",
    )  # fmt: skip
    assert returned.status == Status.RECEIVED
    assert returned.returned_from.code == "SO-TP"
    event = returned.events.get(action=Action.RETURN_WRONG_AGENCY)
    assert event.payload["held_minutes"] == 4 * 60  # 14:00–17:00 and 08:00–09:00
    agency_row = returned.handovers.get(note="Thuộc thẩm quyền UBND xã")
    assert agency_row.unit == Agency.objects.get(code="SO-TP").name
    assert agency_row.timeliness  # graded against the step's allowance

    # The branch sees it apart, before its other dossiers.
    others = receive(people, justice_procedure())
    officer = actor(people["officer_cn01"])
    from motcua.dossiers.selectors import dossiers_returned

    assert [d.code for d in dossiers_returned(officer)] == [dossier.code]
    assert others.code not in {d.code for d in dossiers_returned(officer)}

    with pytest.raises(InvalidInput):  # not back to the agency that returned it
        competence.dossier_reroute(actor=officer, code=dossier.code, site=cn01,
                                   agency_code="SO-TP")  # fmt: skip
    clock.set(2026, 3, 10, 10, 30)
    rerouted = competence.dossier_reroute(
        actor=officer, code=dossier.code, site=cn01, agency_code="SO-XD"
    )
    assert rerouted.status == Status.TRANSFERRED and rerouted.competent_agency.code == "SO-XD"
    assert rerouted.returned_from is None and rerouted.due_at == dossier.due_at
    assert rerouted.events.get(action=Action.REROUTE).payload["held_minutes"] == 90
    with pytest.raises(InvalidTransition):
        competence.dossier_reroute(actor=officer, code=dossier.code, site=cn01,
                                   agency_code="SO-TC")  # fmt: skip
