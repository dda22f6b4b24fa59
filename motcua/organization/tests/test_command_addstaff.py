"""``motcua addstaff``: account, profile and first assignment in one go, or nothing at all."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from motcua.core.auth import TokenAuth
from motcua.organization.choices import Role
from motcua.organization.models import Assignment
from motcua.organization.services.staff import assignment_create
from motcua.organization.tests.factories import AgencyFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def branch():
    return SiteFactory(code="CN01", name="Chi nhánh số 1 Tây Hồ", number=1)


def addstaff(*args: str) -> list[str]:
    out = StringIO()
    call_command("addstaff", *args, stdout=out)
    return out.getvalue().splitlines()


def test_addstaff_with_token_prints_a_working_token_last(branch):
    lines = addstaff(
        "tiepnhan.cn1",
        "--role=receiving_officer",
        "--site=CN01",
        "--full-name=Phạm Thị Dung",
        "--password=motcua-secret-9",
        "--from=2025-01-01",
        "--token",
    )
    user = User.objects.get(username="tiepnhan.cn1")
    assert user.staff_profile.full_name == "Phạm Thị Dung"
    assert user.check_password("motcua-secret-9")
    assignment = Assignment.objects.get(user=user)
    assert (assignment.role, assignment.site, assignment.valid_from) == (
        Role.RECEIVING_OFFICER,
        branch,
        date(2025, 1, 1),
    )
    token = lines[-1]
    request = RequestFactory().get("/", headers={"Authorization": f"Bearer {token}"})
    assert TokenAuth()(request) == user
    assert TokenAuth().authenticate(RequestFactory().get("/"), token + "x") is None


def test_addstaff_without_password_generates_and_prints_one(branch):
    lines = addstaff("tiepnhan2", "--role=receiving_officer", "--site=CN01")
    password = lines[-1].removeprefix("Mật khẩu: ")
    assert lines[0] == "Đã tạo tiepnhan2 (Cán bộ tiếp nhận)."
    assert User.objects.get(username="tiepnhan2").check_password(password)


def test_addstaff_gives_an_administrator_the_admin_site():
    addstaff("quantri", "--role=administrator", "--password=motcua-secret-9")
    admin = User.objects.get(username="quantri")
    assert admin.is_staff and admin.is_superuser


def test_addstaff_with_an_agency_role():
    AgencyFactory(code="STP", name="Sở Tư pháp")
    addstaff("lanhdao.sotp", "--role=agency_leader", "--agency=STP", "--password=motcua-secret-9")
    user = User.objects.get(username="lanhdao.sotp")
    assert user.staff_profile.home_agency.code == "STP"
    assert Assignment.objects.get(user=user).agency.code == "STP"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role=mayor", "--site=CN01"], "Vai trò mayor không tồn tại"),
        (["--role=receiving_officer", "--site=NOPE"], "Không có địa điểm nào có mã NOPE"),
        (["--role=receiving_officer"], "hãy chọn địa điểm"),
        (["--role=receiving_officer", "--site=CN01", "--from=2025-13-01"], "ngày hợp lệ"),
        (["--role=receiving_officer", "--site=CN01", "--password=123"], ""),
    ],
)
def test_addstaff_refuses_bad_input_and_creates_nobody(branch, args, message):
    with pytest.raises(CommandError) as exc:
        addstaff("nguoimoi", *args)
    assert message in str(exc.value)
    assert not User.objects.filter(username="nguoimoi").exists()


def test_addstaff_refused_by_a_rule_leaves_nothing_half_written(branch):
    assignment_create(
        user=UserFactory(),
        role=Role.BRANCH_DIRECTOR,
        site=branch,
        valid_from=date(2025, 1, 1),
        decision_number="1/QĐ-TT",
    )
    with pytest.raises(CommandError, match="đã có giám đốc"):
        addstaff(
            "giamdoc2",
            "--role=branch_director",
            "--site=CN01",
            "--decision=2/QĐ-TT",
            "--from=2026-01-01",
            "--token",
        )
    assert not User.objects.filter(username="giamdoc2").exists()
    assert Assignment.objects.count() == 1
