"""Staff services: accounts, appointments and their limits, secondments, staffing plans."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from motcua.core.errors import Conflict, InvalidInput
from motcua.organization.choices import Role, SiteKind
from motcua.organization.models import Assignment, BranchQuota, StaffingPlan
from motcua.organization.services.staff import (
    DEMO_PASSWORD,
    assignment_create,
    assignment_end,
    branch_quota_set,
    demo_accounts_create,
    secondment_create,
    staff_create,
    staffing_plan_set,
)
from motcua.organization.tests.factories import (
    AgencyFactory,
    CenterFactory,
    SiteFactory,
    StaffProfileFactory,
    UserFactory,
    appoint,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    return SiteFactory(code="CN01", name="Chi nhánh số 1 Tây Hồ", number=1)


@pytest.fixture
def center():
    return CenterFactory()


def person(name: str = ""):
    profile = StaffProfileFactory(**({"full_name": name} if name else {}))
    return profile.user


# --- accounts ----------------------------------------------------------------------------------


def test_staff_create_stores_the_name_in_nfc_with_a_profile():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Thị Hồng ")
    user = staff_create(username="hong.nt", full_name=decomposed, password="motcua-secret-9")
    assert user.staff_profile.full_name == "Nguyễn Thị Hồng"
    assert unicodedata.is_normalized("NFC", user.staff_profile.full_name)
    assert user.check_password("motcua-secret-9")


def test_staff_create_without_password_makes_an_account_that_cannot_sign_in_yet():
    user = staff_create(username="chua.matkhau", full_name="Lê Văn A")
    assert not user.has_usable_password()


def test_staff_create_refuses_a_taken_username_in_vietnamese():
    staff_create(username="an.nv", full_name="Nguyễn Văn An")
    with pytest.raises(Conflict) as exc:
        staff_create(username="AN.NV", full_name="Người khác")
    assert exc.value.field == "username"
    assert "đã được sử dụng" in exc.value.detail
    assert get_user_model().objects.filter(username__iexact="an.nv").count() == 1


def test_staff_create_refuses_a_weak_password():
    with pytest.raises(InvalidInput) as exc:
        staff_create(username="yeu", full_name="Mật Khẩu Yếu", password="123")
    assert exc.value.field == "password"


# --- where a role may be held ------------------------------------------------------------------


def test_a_site_role_needs_a_site(branch):
    with pytest.raises(InvalidInput) as exc:
        appoint(person(), Role.RECEIVING_OFFICER)
    assert exc.value.field == "site"
    assert "hãy chọn địa điểm" in exc.value.detail


def test_an_agency_role_needs_an_agency_and_no_site(branch):
    agency = AgencyFactory()
    with pytest.raises(InvalidInput) as exc:
        appoint(person(), Role.AGENCY_SPECIALIST, site=branch, agency=agency)
    assert exc.value.field == "site"
    assignment = appoint(person(), Role.AGENCY_SPECIALIST, agency=agency)
    assert assignment.agency == agency


def test_inspectors_and_administrators_take_neither_site_nor_agency(branch):
    with pytest.raises(InvalidInput):
        appoint(person(), Role.INSPECTOR, site=branch)
    assert appoint(person(), Role.ADMINISTRATOR).site is None


def test_a_center_director_is_appointed_only_at_the_center(branch, center):
    with pytest.raises(InvalidInput) as exc:
        appoint(person(), Role.CENTER_DIRECTOR, site=branch)
    assert "chỉ được bổ nhiệm tại Trung tâm" in exc.value.detail
    assert appoint(person(), Role.CENTER_DIRECTOR, site=center).site == center


def test_branch_directors_and_deputies_are_appointed_only_at_a_branch(center):
    point = SiteFactory(kind=SiteKind.RECEPTION_POINT)
    for site in (center, point):
        for role in (Role.BRANCH_DIRECTOR, Role.DEPUTY_DIRECTOR):
            with pytest.raises(InvalidInput):
                appoint(person(), role, site=site)


def test_an_appointment_needs_its_decision_number(branch):
    with pytest.raises(InvalidInput) as exc:
        assignment_create(
            user=person(),
            role=Role.BRANCH_DIRECTOR,
            site=branch,
            valid_from=date(2025, 1, 1),
            decision_number=" ",
        )
    assert exc.value.field == "decision_number"


def test_an_unknown_role_is_refused(branch):
    with pytest.raises(InvalidInput) as exc:
        appoint(person(), "mayor", site=branch)
    assert exc.value.field == "role"


def test_an_end_before_the_start_is_refused(branch):
    with pytest.raises(InvalidInput) as exc:
        appoint(person(), Role.RECEIVING_OFFICER, site=branch, end=date(2024, 12, 31))
    assert exc.value.field == "valid_to"


# --- one director, two deputies ----------------------------------------------------------------


def test_a_second_branch_director_is_refused_on_an_overlapping_date(branch):
    appoint(person("Trần Thị Bình"), Role.BRANCH_DIRECTOR, site=branch, start=date(2025, 1, 1))
    with pytest.raises(Conflict) as exc:
        appoint(person(), Role.BRANCH_DIRECTOR, site=branch, start=date(2026, 3, 1))
    assert exc.value.detail == (
        "Chi nhánh số 1 Tây Hồ đã có giám đốc Trần Thị Bình từ 01/01/2025, không thời hạn."
    )
    assert Assignment.objects.filter(role=Role.BRANCH_DIRECTOR).count() == 1


def test_every_overlapping_date_counts_not_only_the_first(branch):
    appoint(
        person(),
        Role.BRANCH_DIRECTOR,
        site=branch,
        start=date(2025, 3, 1),
        end=date(2025, 6, 30),
    )
    # Starts before the sitting director and ends after: valid_from alone would not clash.
    with pytest.raises(Conflict) as exc:
        appoint(
            person(),
            Role.BRANCH_DIRECTOR,
            site=branch,
            start=date(2025, 1, 1),
            end=date(2025, 12, 31),
        )
    assert "từ 01/03/2025 đến 30/06/2025" in exc.value.detail


def test_a_new_director_is_allowed_once_the_first_has_ended(branch):
    first = appoint(person(), Role.BRANCH_DIRECTOR, site=branch, start=date(2025, 1, 1))
    assignment_end(assignment=first, valid_to=date(2025, 12, 31))
    second = appoint(person(), Role.BRANCH_DIRECTOR, site=branch, start=date(2026, 1, 1))
    assert second.pk is not None
    with pytest.raises(Conflict):
        appoint(person(), Role.BRANCH_DIRECTOR, site=branch, start=date(2025, 12, 31))


def test_directors_of_different_branches_do_not_count_together(branch):
    other = SiteFactory()
    appoint(person(), Role.BRANCH_DIRECTOR, site=branch)
    assert appoint(person(), Role.BRANCH_DIRECTOR, site=other).site == other


def test_a_third_deputy_director_is_refused(branch):
    appoint(person("Lê Văn Cường"), Role.DEPUTY_DIRECTOR, site=branch)
    appoint(person("Phạm Văn Dũng"), Role.DEPUTY_DIRECTOR, site=branch, start=date(2025, 2, 1))
    with pytest.raises(Conflict) as exc:
        appoint(person(), Role.DEPUTY_DIRECTOR, site=branch, start=date(2025, 6, 1))
    assert exc.value.detail.startswith(
        "Chi nhánh số 1 Tây Hồ đã có 2 phó giám đốc vào ngày 01/06/2025: Lê Văn Cường"
    )
    assert "không quá 2 phó giám đốc" in exc.value.detail


def test_deputies_are_counted_day_by_day(branch):
    appoint(person(), Role.DEPUTY_DIRECTOR, site=branch, end=date(2025, 6, 30))
    appoint(person(), Role.DEPUTY_DIRECTOR, site=branch, start=date(2025, 7, 1))
    # Overlaps both, but never both on the same day: at most two on any date.
    appoint(person(), Role.DEPUTY_DIRECTOR, site=branch, start=date(2025, 1, 1))
    with pytest.raises(Conflict) as exc:
        appoint(
            person(),
            Role.DEPUTY_DIRECTOR,
            site=branch,
            start=date(2024, 12, 1),
            end=date(2025, 8, 31),
        )
    assert "vào ngày 01/01/2025" in exc.value.detail


def test_the_center_has_one_director_at_a_time(center):
    appoint(person(), Role.CENTER_DIRECTOR, site=center)
    with pytest.raises(Conflict) as exc:
        appoint(person(), Role.CENTER_DIRECTOR, site=center, start=date(2025, 5, 1))
    assert exc.value.detail.startswith("Trung tâm đã có giám đốc")


def test_a_person_cannot_hold_the_same_assignment_twice_at_once(branch):
    user = person("Phạm Thị Dung")
    appoint(user, Role.RECEIVING_OFFICER, site=branch, end=date(2025, 12, 31))
    with pytest.raises(Conflict) as exc:
        appoint(user, Role.RECEIVING_OFFICER, site=branch, start=date(2025, 12, 31))
    assert exc.value.detail.startswith("Phạm Thị Dung đã giữ vai trò này tại đây")
    assert appoint(user, Role.RECEIVING_OFFICER, site=branch, start=date(2026, 1, 1))
    assert appoint(user, Role.RECEIVING_OFFICER, site=SiteFactory())


# --- ending assignments ------------------------------------------------------------------------


def test_ending_an_assignment_before_it_starts_is_refused(branch):
    assignment = appoint(person(), Role.RECEIVING_OFFICER, site=branch, start=date(2025, 5, 1))
    with pytest.raises(InvalidInput):
        assignment_end(assignment=assignment, valid_to=date(2025, 4, 30))
    assignment.refresh_from_db()
    assert assignment.valid_to is None


def test_an_ended_assignment_can_be_brought_forward_but_not_extended(branch):
    assignment = appoint(person(), Role.RECEIVING_OFFICER, site=branch, end=date(2025, 12, 31))
    with pytest.raises(Conflict):
        assignment_end(assignment=assignment, valid_to=date(2026, 6, 30))
    assert assignment_end(assignment=assignment, valid_to=date(2025, 9, 30)).valid_to == date(
        2025, 9, 30
    )


# --- secondments -------------------------------------------------------------------------------


def test_overlapping_secondments_of_one_person_are_refused(branch):
    user = person("Hoàng Văn Em")
    department = AgencyFactory(name="Sở Tư pháp")
    secondment_create(
        user=user,
        from_agency=department,
        to_site=branch,
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 6, 30),
        decision_number="12/QĐ-STP",
    )
    with pytest.raises(Conflict) as exc:
        secondment_create(
            user=user,
            from_agency=department,
            to_site=SiteFactory(),
            valid_from=date(2025, 6, 1),
            decision_number="13/QĐ-STP",
        )
    assert "đã được biệt phái đến Chi nhánh số 1 Tây Hồ từ 01/01/2025 đến 30/06/2025" in (
        exc.value.detail
    )
    later = secondment_create(
        user=user,
        from_agency=department,
        to_site=SiteFactory(),
        valid_from=date(2025, 7, 1),
        decision_number="14/QĐ-STP",
    )
    assert later.valid_to is None


# --- staffing plans ----------------------------------------------------------------------------


def test_branch_quotas_over_the_approved_headcount_are_refused(branch):
    plan = staffing_plan_set(year=2026, approved_headcount=100, decision_number="01/QĐ-TT")
    branch_quota_set(plan=plan, branch=branch, headcount=60)
    other = SiteFactory()
    with pytest.raises(Conflict) as exc:
        branch_quota_set(plan=plan, branch=other, headcount=41)
    assert exc.value.detail == (
        "Tổng biên chế các chi nhánh năm 2026 (101) vượt biên chế được giao của Trung tâm (100)."
    )
    assert branch_quota_set(plan=plan, branch=other, headcount=40).headcount == 40
    # Changing a branch's own quota replaces it rather than adding to it.
    assert branch_quota_set(plan=plan, branch=branch, headcount=55).headcount == 55
    assert BranchQuota.objects.filter(plan=plan).count() == 2


def test_lowering_the_approved_headcount_below_the_quotas_is_refused(branch):
    plan = staffing_plan_set(year=2026, approved_headcount=100)
    branch_quota_set(plan=plan, branch=branch, headcount=80)
    with pytest.raises(Conflict) as exc:
        staffing_plan_set(year=2026, approved_headcount=79)
    assert "(80) vượt biên chế được giao của Trung tâm (79)" in exc.value.detail
    assert StaffingPlan.objects.get(year=2026).approved_headcount == 100
    assert staffing_plan_set(year=2026, approved_headcount=80).approved_headcount == 80


def test_only_branches_get_a_quota(center):
    plan = staffing_plan_set(year=2026, approved_headcount=100)
    with pytest.raises(InvalidInput) as exc:
        branch_quota_set(plan=plan, branch=center, headcount=1)
    assert exc.value.field == "branch"


def test_a_plan_set_with_its_quotas_replaces_them_in_one_step(branch):
    other = SiteFactory()
    staffing_plan_set(year=2027, approved_headcount=50, quotas={branch: 30, other: 20})
    # Lower the headcount and the quotas together: checked against the new figures.
    plan = staffing_plan_set(year=2027, approved_headcount=40, quotas={branch: 40})
    assert dict(plan.quotas.values_list("branch__code", "headcount")) == {branch.code: 40}
    with pytest.raises(Conflict):
        staffing_plan_set(year=2027, approved_headcount=40, quotas={branch: 30, other: 11})


def test_a_plan_for_each_year_is_separate(branch):
    plan_2026 = staffing_plan_set(year=2026, approved_headcount=10)
    plan_2027 = staffing_plan_set(year=2027, approved_headcount=5)
    branch_quota_set(plan=plan_2026, branch=branch, headcount=10)
    assert branch_quota_set(plan=plan_2027, branch=branch, headcount=5).headcount == 5


# --- demo accounts -----------------------------------------------------------------------------


@pytest.fixture
def demo_network(center, branch):
    return AgencyFactory(code="VPDK", name="Văn phòng Đăng ký đất đai Hà Nội")


def test_demo_accounts_cover_every_role_once_and_can_sign_in(demo_network, client):
    accounts = demo_accounts_create()
    assert {role for _username, _password, role in accounts} == set(Role.values)
    assert ("tiepnhan.cn1", DEMO_PASSWORD, Role.RECEIVING_OFFICER.value) in accounts
    assert demo_accounts_create() == []  # idempotent, and the passwords are shown only once
    assert Assignment.objects.count() == len(Role.values)
    admin = get_user_model().objects.get(username="quantri")
    assert admin.is_staff and admin.is_superuser
    assert client.login(request=HttpRequest(), username="giamdoc.cn1", password=DEMO_PASSWORD)


def test_demo_accounts_skip_what_the_network_lacks_with_a_message(center):
    messages: list[str] = []
    accounts = demo_accounts_create(on_skip=messages.append)
    usernames = [username for username, _password, _role in accounts]
    assert usernames == ["giamdoc.trungtam", "thanhtra", "quantri"]
    assert any(
        "Bỏ qua tài khoản demo tiepnhan.cn1: chưa có Chi nhánh số 1 (Tây Hồ)" in m for m in messages
    )


def test_demo_accounts_skip_a_post_already_taken(demo_network, center):
    appoint(UserFactory(), Role.CENTER_DIRECTOR, site=center)
    messages: list[str] = []
    accounts = demo_accounts_create(on_skip=messages.append)
    assert "giamdoc.trungtam" not in [username for username, _p, _r in accounts]
    assert not get_user_model().objects.filter(username="giamdoc.trungtam").exists()
    assert messages and "Trung tâm đã có giám đốc" in messages[0]
