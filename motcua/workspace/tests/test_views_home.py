import pytest
from django.http import HttpRequest
from django.urls import reverse

from motcua.organization.choices import Role
from motcua.organization.models import Site
from motcua.organization.tests.factories import StaffProfileFactory, appoint

pytestmark = pytest.mark.django_db


def test_the_workspace_asks_to_sign_in(client):
    response = client.get("/workspace/")
    assert response.status_code == 302
    assert response["Location"].startswith("/workspace/login/")


def test_sign_in_shows_errors_in_vietnamese(client, people):
    response = client.post("/workspace/login/", {"username": "tn.cn01", "password": "sai"})
    assert response.status_code == 200
    assert "Vui lòng điền vào tên đăng nhập và mật khẩu chính xác" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("officer_cn01", "workspace:counter"),
        ("specialist", "workspace:inbox"),
        ("leader_tp", "workspace:inbox"),
        ("director_cn01", "workspace:branch_dashboard"),
        ("center_director", "workspace:center_dashboard"),
        ("inspector", "workspace:center_dashboard"),
    ],
)
def test_each_role_lands_where_its_day_starts(client, people, clock, persona, landing):
    clock.set(2026, 3, 10, 9, 0)
    client.force_login(people[persona])
    response = client.get("/workspace/")
    assert response.status_code == 302 and response["Location"] == reverse(landing)


def test_someone_without_a_post_is_told_so(client, hanoi_data):
    nobody = StaffProfileFactory().user
    client.force_login(nobody)
    response = client.get("/workspace/")
    assert response.status_code == 403
    assert "Hôm nay bạn không giữ" in response.content.decode()


def test_the_site_switcher_keeps_to_ones_own_sites(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    officer = people["officer_cn01"]
    appoint(officer, Role.RECEIVING_OFFICER, site=Site.objects.get(code="CN07"))
    client.force_login(officer)
    client.post("/workspace/site/", {"site": "CN07", "next": "/workspace/"})
    assert client.session["workspace_site"] == Site.objects.get(code="CN07").pk
    client.post("/workspace/site/", {"site": "CN05", "next": "https://evil.example/"})
    assert client.session["workspace_site"] == Site.objects.get(code="CN07").pk


def test_password_change(client, people):
    client.force_login(people["officer_cn01"])
    response = client.post(
        "/workspace/password/",
        {"old_password": "motcua-test-pass", "new_password1": "Hn-2026-mot-cua!",
         "new_password2": "Hn-2026-mot-cua!"},
    )  # fmt: skip
    assert response.status_code == 302
    client.logout()
    assert client.login(request=HttpRequest(), username="tn.cn01", password="Hn-2026-mot-cua!")
