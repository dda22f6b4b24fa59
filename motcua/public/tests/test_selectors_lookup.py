"""The public view of a dossier: masking, the verifier, one answer for every miss, and the
plain-language status and timeline (issue 5 §1)."""

from __future__ import annotations

import pytest

from motcua.core.errors import NotFound
from motcua.dossiers.choices import Status
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, advance, justice_procedure, receive, submit_online
from motcua.organization.models import Site
from motcua.public.selectors import (
    NOT_FOUND_MESSAGE,
    default_site_for,
    dossier_lookup,
    last_four,
    mask_name,
    sites_on,
    verifier_matches,
)
from motcua.public.tests.helpers import personal_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V. A."),
        ("Trần Thị Lan", "Trần T. L."),
        ("  Lê   thị  thu  Trang ", "Lê T. T. T."),
        ("Đỗ Đức", "Đỗ Đ."),
        ("Lan", "L."),
        ("", ""),
    ],
)
def test_a_name_shows_the_family_name_and_initials(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("value", "last"),
    [("0987654321", "4321"), ("+84 987 654 321", "4321"), ("001190012345", "2345"), ("12", "")],
)
def test_the_last_four_digits_ignore_spaces_and_signs(value, last):
    assert last_four(value) == last


def test_the_verifier_is_the_end_of_the_phone_or_of_the_id_number():
    assert verifier_matches("4321", phone="0987654321", id_number="001190012345")
    assert verifier_matches("2345", phone="0987654321", id_number="001190012345")
    assert not verifier_matches("1234", phone="0987654321", id_number="001190012345")
    assert not verifier_matches("", phone="", id_number="")  # nothing to match: no match
    assert not verifier_matches("43210", phone="0987654321", id_number="")


def test_a_dossier_is_found_by_its_code_and_the_phone_digits(people, clock):
    dossier = receive(people, justice_procedure())
    found = dossier_lookup(code=dossier.code, verifier="4321")
    assert found.code == dossier.code
    assert found.applicant == "Trần T. L."
    assert found.national_code == 2
    assert found.due_at == dossier.due_at
    assert found.return_site.code == "CN01" and "08:00–12:00" in found.return_site.hours_text


def test_a_code_typed_in_lower_case_with_spaces_is_found(people, clock):
    dossier = receive(people, justice_procedure())
    assert dossier_lookup(code=f"  {dossier.code.lower()} ", verifier="2345").code == dossier.code


def test_an_unknown_code_and_a_wrong_verifier_get_the_same_answer(people, clock):
    dossier = receive(people, justice_procedure())
    with pytest.raises(NotFound) as wrong:
        dossier_lookup(code=dossier.code, verifier="0000")
    with pytest.raises(NotFound) as unknown:
        dossier_lookup(code="000.01.HC.H26-260310-9999", verifier="4321")
    with pytest.raises(NotFound) as malformed:
        dossier_lookup(code="not a code", verifier="4321")
    assert wrong.value.detail == unknown.value.detail == malformed.value.detail
    assert wrong.value.detail == str(NOT_FOUND_MESSAGE)
    assert wrong.value.field is None and unknown.value.field is None


def test_the_public_view_holds_no_personal_data_nor_staff_names(people, clock):
    dossier = receive(people, justice_procedure())
    advance(people, dossier, Status.DELIVERED)  # every step, recipient's name included
    found = dossier_lookup(code=dossier.code, verifier="4321")
    text = repr(found)
    for secret in personal_data():
        assert secret not in text
    for user in people.values():
        assert user.staff_profile.full_name not in text
        assert user.get_username() not in text
    actions = [e.action for e in found.timeline]
    assert actions == ["receive", "transfer", "accept", "complete", "deliver"]
    assert found.timeline[1].where == "Chi nhánh Tây Hồ"  # places, not people
    assert found.national_code == 10


def test_the_status_says_what_happens_next(people, clock):
    online = submit_online(justice_procedure())
    found = dossier_lookup(code=online.code, verifier="4321")
    assert found.national_code == 1
    assert found.check_due_at == online.check_due_at
    assert "Tây Hồ" in found.explanation  # the site that checks it
    supplement = advance(people, receive(people, justice_procedure()), Status.AWAITING_SUPPLEMENT)
    found = dossier_lookup(code=supplement.code, verifier="4321")
    assert found.national_code == 5
    assert [i.name for i in found.to_add] == ["Tờ khai"]
    assert found.reason == "Thiếu giấy tờ"


def test_a_refusal_shows_its_reason(people, clock):
    dossier = submit_online(justice_procedure())
    cn01 = Site.objects.get(code="CN01")
    svc.dossier_refuse(
        actor=actor(people["officer_cn01"]), code=dossier.code, site=cn01, reason="Sai thủ tục"
    )
    found = dossier_lookup(code=dossier.code, verifier="2345")
    assert found.national_code == 3 and found.reason == "Sai thủ tục"


# -- the site that serves a ward ---------------------------------------------------------------


def test_a_ward_is_served_by_its_commune_point(hanoi_data, clock):
    from motcua.organization.models import AdministrativeUnit

    day = clock.moment.date()
    sites = sites_on(day)
    tay_ho = AdministrativeUnit.objects.on(day).get(code="00103", level="ward")
    assert default_site_for(unit=tay_ho, sites=sites).code == "DPV-00103"


def test_without_its_commune_point_a_ward_goes_to_the_branch_of_its_former_district(
    hanoi_data, clock
):
    from motcua.organization.models import AdministrativeUnit

    day = clock.moment.date()
    sites = [s for s in sites_on(day) if s.code != "DPV-00103"]
    tay_ho = AdministrativeUnit.objects.on(day).get(code="00103", level="ward")
    assert default_site_for(unit=tay_ho, sites=sites).code == "CN01"


def test_without_a_ward_the_first_branch_receives(hanoi_data, clock):
    assert default_site_for(unit=None, sites=sites_on(clock.moment.date())).code == "CN01"
