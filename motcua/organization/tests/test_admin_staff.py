"""Admin pages for people: the same services and rules, errors shown next to the form."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.organization.choices import Role, SiteKind
from motcua.organization.models import Assignment, BranchQuota, StaffingPlan, StaffProfile
from motcua.organization.services.staff import (
    assignment_create,
    branch_quota_set,
    staffing_plan_set,
)
from motcua.organization.tests.factories import (
    AgencyFactory,
    SiteFactory,
    StaffProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def admin_client(client):
    client.force_login(
        UserFactory(username="quantri", is_staff=True, is_superuser=True),
    )
    return client


@pytest.fixture
def branch():
    return SiteFactory(code="CN01", name="Chi nhánh số 1 Tây Hồ", number=1)


def assignment_form(user, branch, **overrides) -> dict:
    return {
        "user": user.pk,
        "role": Role.BRANCH_DIRECTOR.value,
        "site": branch.pk,
        "agency": "",
        "valid_from": "2026-01-01",
        "valid_to": "",
        "decision_number": "2/QĐ-TT",
        **overrides,
    }


def test_admin_add_assignment_shows_the_vietnamese_error(admin_client, branch):
    sitting = StaffProfileFactory(full_name="Trần Thị Bình").user
    assignment_create(
        user=sitting,
        role=Role.BRANCH_DIRECTOR,
        site=branch,
        valid_from=date(2025, 1, 1),
        decision_number="1/QĐ-TT",
    )
    newcomer = StaffProfileFactory().user
    response = admin_client.post(
        reverse("admin:organization_assignment_add"), assignment_form(newcomer, branch)
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["valid_from"] == [
        "Chi nhánh số 1 Tây Hồ đã có giám đốc Trần Thị Bình từ 01/01/2025, không thời hạn."
    ]
    assert "đã có giám đốc Trần Thị Bình" in response.content.decode()
    assert not Assignment.objects.filter(user=newcomer).exists()


def test_admin_add_assignment_saves_through_the_service(admin_client, branch):
    user = StaffProfileFactory().user
    response = admin_client.post(
        reverse("admin:organization_assignment_add"), assignment_form(user, branch)
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(user=user)
    assert (assignment.role, assignment.site, assignment.decision_number) == (
        Role.BRANCH_DIRECTOR,
        branch,
        "2/QĐ-TT",
    )


def test_admin_change_assignment_can_only_end_it(admin_client, branch):
    assignment = assignment_create(
        user=UserFactory(),
        role=Role.RECEIVING_OFFICER,
        site=branch,
        valid_from=date(2025, 5, 1),
        decision_number="",
    )
    url = reverse("admin:organization_assignment_change", args=[assignment.pk])
    response = admin_client.post(url, {"valid_to": "2025-04-30", "role": "inspector"})
    assert response.status_code == 200
    assert "không thể trước ngày bắt đầu" in response.content.decode()
    response = admin_client.post(url, {"valid_to": "2025-12-31", "role": "inspector"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.valid_to, assignment.role) == (date(2025, 12, 31), Role.RECEIVING_OFFICER)
    assert (
        admin_client.get(
            reverse("admin:organization_assignment_delete", args=[assignment.pk])
        ).status_code
        == 403
    )


def test_admin_add_staff_profile_creates_the_account(admin_client):
    agency = AgencyFactory()
    data = {
        "username": "hong.nt",
        "full_name": "Nguyễn  Thị Hồng",
        "email": "hong@example.invalid",
        "password": "motcua-secret-9",
        "phone": "024 3333 4444",
        "home_agency": agency.pk,
    }
    response = admin_client.post(reverse("admin:organization_staffprofile_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="hong.nt")
    assert user.check_password("motcua-secret-9")
    assert user.staff_profile.full_name == "Nguyễn Thị Hồng"
    response = admin_client.post(reverse("admin:organization_staffprofile_add"), data)
    assert response.status_code == 200
    assert "Tên đăng nhập hong.nt đã được sử dụng." in response.content.decode()
    assert StaffProfile.objects.count() == 1


def test_admin_add_secondment_refuses_an_overlap(admin_client, branch):
    user = StaffProfileFactory(full_name="Hoàng Văn Em").user
    department = AgencyFactory()
    data = {
        "user": user.pk,
        "from_agency": department.pk,
        "to_site": branch.pk,
        "valid_from": "2025-01-01",
        "valid_to": "2025-12-31",
        "decision_number": "12/QĐ-STP",
    }
    url = reverse("admin:organization_secondment_add")
    assert admin_client.post(url, data).status_code == 302
    response = admin_client.post(url, {**data, "valid_from": "2025-06-01"})
    assert response.status_code == 200
    assert "Hoàng Văn Em đã được biệt phái đến" in response.content.decode()


def plan_form(year, approved, quotas, existing=()) -> dict:
    """The add/change form of a staffing plan with its quota inline."""
    data = {
        "year": year,
        "approved_headcount": approved,
        "decision_number": "01/QĐ-TT",
        "quotas-TOTAL_FORMS": len(quotas),
        "quotas-INITIAL_FORMS": len(existing),
        "quotas-MIN_NUM_FORMS": 0,
        "quotas-MAX_NUM_FORMS": 1000,
    }
    for i, (branch, headcount) in enumerate(quotas):
        data[f"quotas-{i}-branch"] = branch.pk
        data[f"quotas-{i}-headcount"] = headcount
        if i < len(existing):
            data[f"quotas-{i}-id"] = existing[i].pk
            data[f"quotas-{i}-plan"] = existing[i].plan_id
    return data


def test_admin_staffing_plan_refuses_quotas_over_the_headcount(admin_client, branch):
    other = SiteFactory()
    url = reverse("admin:organization_staffingplan_add")
    response = admin_client.post(url, plan_form(2026, 100, [(branch, 60), (other, 41)]))
    assert response.status_code == 200
    assert (
        "Tổng biên chế các chi nhánh năm 2026 (101) vượt biên chế được giao của Trung tâm (100)."
        in response.content.decode()
    )
    assert not StaffingPlan.objects.exists()

    response = admin_client.post(url, plan_form(2026, 100, [(branch, 60), (other, 40)]))
    assert response.status_code == 302
    plan = StaffingPlan.objects.get(year=2026)
    assert sorted(plan.quotas.values_list("headcount", flat=True)) == [40, 60]


def test_admin_staffing_plan_refuses_lowering_below_the_quotas(admin_client, branch):
    plan = staffing_plan_set(year=2026, approved_headcount=100)
    quota = branch_quota_set(plan=plan, branch=branch, headcount=80)
    url = reverse("admin:organization_staffingplan_change", args=[plan.pk])
    response = admin_client.post(url, plan_form(2026, 70, [(branch, 80)], existing=[quota]))
    assert response.status_code == 200
    assert "(80) vượt biên chế được giao của Trung tâm (70)" in response.content.decode()
    response = admin_client.post(url, plan_form(2026, 70, [(branch, 70)], existing=[quota]))
    assert response.status_code == 302
    assert BranchQuota.objects.get().headcount == 70
    assert StaffingPlan.objects.get().approved_headcount == 70


def test_admin_staffing_plan_offers_only_branches(admin_client, branch):
    SiteFactory(kind=SiteKind.RECEPTION_POINT, name="Điểm tiếp nhận")
    response = admin_client.get(reverse("admin:organization_staffingplan_add"))
    choices = response.context["inline_admin_formsets"][0].formset.empty_form.fields["branch"]
    assert list(choices.queryset) == [branch]


def test_admin_staff_lists_render(admin_client, branch):
    assignment_create(
        user=StaffProfileFactory().user,
        role=Role.RECEIVING_OFFICER,
        site=branch,
        valid_from=date(2025, 1, 1),
    )
    for model in ("staffprofile", "assignment", "secondment", "staffingplan"):
        assert (
            admin_client.get(reverse(f"admin:organization_{model}_changelist")).status_code == 200
        )


def test_admin_change_staff_profile_goes_through_the_service(admin_client):
    profile = StaffProfileFactory(full_name="Lê Văn A")
    url = reverse("admin:organization_staffprofile_change", args=[profile.pk])
    response = admin_client.post(url, {"full_name": "  ", "phone": "", "home_agency": ""})
    assert response.status_code == 200
    response = admin_client.post(
        url, {"full_name": "Lê  Văn Bình", "phone": "0912 345 678", "home_agency": ""}
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.full_name, profile.phone) == ("Lê Văn Bình", "0912 345 678")
    assert (
        admin_client.get(
            reverse("admin:organization_staffprofile_delete", args=[profile.pk])
        ).status_code
        == 403
    )
