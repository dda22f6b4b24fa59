"""Nothing stranded (issue 17 §3): ``stranded_dossiers`` and ``motcua check-continuity``."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from motcua.dossiers.choices import Status
from motcua.dossiers.continuity import stranded_count, stranded_dossiers
from motcua.dossiers.tests.helpers import advance, justice_procedure, receive
from motcua.organization.choices import Role
from motcua.organization.models import Agency, Assignment
from motcua.organization.tests.factories import appoint

pytestmark = pytest.mark.django_db


def end_posts(user, last_day: date) -> None:
    Assignment.objects.filter(user=user).update(valid_to=last_day)


def test_dossiers_whose_holders_are_at_their_posts_are_not_stranded(people, clock):
    version = justice_procedure()
    for status in (Status.RECEIVED, Status.IN_PROGRESS, Status.RESULT_READY):
        advance(people, receive(people, version), status)
    assert stranded_dossiers(on=date(2026, 3, 10)) == []
    assert stranded_count(on=date(2026, 3, 10)) == 0


def test_an_agency_without_staff_strands_its_dossiers(people, clock):
    version = justice_procedure()
    processed = advance(people, receive(people, version), Status.IN_PROGRESS)
    waiting = advance(people, receive(people, version), Status.RECEIVED)
    for key in ("specialist_tp", "leader_tp"):
        end_posts(people[key], date(2026, 3, 31))
    assert stranded_count(on=date(2026, 3, 31)) == 0
    found = stranded_dossiers(on=date(2026, 4, 1))
    assert [s.dossier.code for s in found] == [processed.code]  # the received one is at CN01
    assert found[0].holder == "Sở Tư pháp"
    assert "specialist" in found[0].reason or "chuyên viên" in found[0].reason
    # A leader appointed from the 1st of April takes them over.
    appoint(people["leader_tp"], Role.AGENCY_LEADER, agency=Agency.objects.get(code="SO-TP"),
            start=date(2026, 4, 1))  # fmt: skip
    assert stranded_count(on=date(2026, 4, 1)) == 0
    assert waiting.status == Status.RECEIVED


def test_a_site_without_officers_strands_what_waits_there(people, clock):
    version = justice_procedure()
    received = advance(people, receive(people, version), Status.RECEIVED)
    ready = advance(people, receive(people, version), Status.RESULT_READY)
    end_posts(people["officer_cn01"], date(2026, 3, 31))
    people["specialist_tp"].is_active = False  # a disabled account acts no more
    people["specialist_tp"].save()
    found = {s.dossier.code: s for s in stranded_dossiers(on=date(2026, 4, 1))}
    assert set(found) == {received.code, ready.code}
    assert found[ready.code].holder == received.receiving_site.name


def test_a_ceased_agency_strands_its_dossiers_even_with_posts_left(people, clock):
    """A dossier of the Tây Hồ district committee in flight on 1 July 2025 (issue 17 §2)."""
    district = Agency.objects.get(code="UBND-D-003")
    assert district.valid_to == date(2025, 6, 30)
    appoint(people["specialist_tp"], Role.AGENCY_SPECIALIST, agency=district)  # never ended
    clock.set(2025, 6, 25, 9, 0)
    version = justice_procedure(competent_agency=district)
    dossier = advance(people, receive(people, version), Status.TRANSFERRED)
    assert stranded_count(on=date(2025, 6, 30)) == 0
    found = stranded_dossiers(on=date(2025, 7, 1))
    assert [s.dossier.code for s in found] == [dossier.code]
    assert found[0].holder == district.name


def test_the_command_lists_them_and_fails(people, clock, capsys):
    version = justice_procedure()
    dossier = advance(people, receive(people, version), Status.IN_PROGRESS)
    call_command("check_continuity")
    assert "No open dossier stranded on 2026-03-10" in capsys.readouterr().out
    for key in ("specialist_tp", "leader_tp"):
        end_posts(people[key], date(2026, 3, 31))
    call_command("check_continuity", "--on", "2026-03-31")
    with pytest.raises(CommandError, match="1 open dossier"):
        call_command("check_continuity", "--on", "2026-04-01")
    assert dossier.code in capsys.readouterr().out


def test_a_dossier_filed_after_the_date_is_not_judged_on_it(people, clock):
    """On 30 June 2025 the new ward committees were not in force yet; a dossier filed for one
    in July is not stranded on 30 June (it did not exist), only judged on its own days."""
    ward = Agency.objects.get(code="UBND-X-09700-2025")
    assert ward.valid_from == date(2025, 7, 1)
    clock.set(2025, 7, 2, 9, 0)
    version = justice_procedure(competent_agency=ward)
    advance(people, receive(people, version), Status.TRANSFERRED)
    assert stranded_count(on=date(2025, 6, 30)) == 0
    assert stranded_count(on=date(2025, 7, 2)) == 0
