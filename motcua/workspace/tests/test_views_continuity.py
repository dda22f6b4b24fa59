"""The Center dashboard's continuity count and calendar reminder, and the list behind them."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.dossiers.choices import Status
from motcua.dossiers.tests.helpers import advance, justice_procedure, receive
from motcua.organization.choices import Role
from motcua.organization.models import Assignment
from motcua.organization.tests.factories import StaffProfileFactory, appoint
from motcua.worktime import services
from motcua.worktime.choices import OverrideKind

pytestmark = pytest.mark.django_db

CENTER = "/workspace/dashboard/center/"
LIST = "/workspace/dashboard/continuity/"


def test_the_dashboard_counts_the_stranded_and_links_to_them(client, people, clock):
    version = justice_procedure()
    dossier = advance(people, receive(people, version), Status.IN_PROGRESS)
    client.force_login(people["center_director"])
    html = client.get(CENTER).content.decode()
    assert 'id="continuity"' in html and LIST in html
    assert client.get(LIST).status_code == 200
    assert dossier.code not in client.get(LIST).content.decode()
    Assignment.objects.filter(user__in=[people["specialist_tp"], people["leader_tp"]]).update(
        valid_to=date(2026, 3, 9)
    )
    html = client.get(CENTER).content.decode()
    assert "1 hồ sơ đang giải quyết không còn ai có thể xử lý hôm nay" in html
    page = client.get(LIST).content.decode()
    assert dossier.code in page and "Sở Tư pháp" in page
    assert dossier.code not in client.get(LIST, {"on": "2026-03-09"}).content.decode()
    assert client.get(LIST, {"on": "9/3"}).status_code == 404
    client.force_login(people["officer_cn01"])
    assert client.get(LIST).status_code == 403


def test_the_calendar_keepers_are_reminded_from_the_first_of_december(client, people, clock):
    admin = StaffProfileFactory(user__username="qt", full_name="Quản Trị").user
    appoint(admin, Role.ADMINISTRATOR)
    clock.set(2026, 11, 30, 9, 0)
    client.force_login(people["center_director"])
    assert 'id="calendar-warning"' not in client.get(CENTER).content.decode()
    clock.set(2026, 12, 1, 9, 0)
    for user in (people["center_director"], admin):
        client.force_login(user)
        html = client.get(CENTER).content.decode()
        assert 'id="calendar-warning"' in html
        assert "Chưa nhập quyết định nào về lịch làm việc năm 2027" in html
        assert "/admin/worktime/calendaroverride/" in html
    client.force_login(people["inspector"])
    assert 'id="calendar-warning"' not in client.get(CENTER).content.decode()
    services.calendar_override_set(
        day=date(2027, 2, 6), kind=OverrideKind.WORKING_DAY, legal_basis="Công văn 1/TTg (ví dụ)"
    )
    client.force_login(people["center_director"])
    assert 'id="calendar-warning"' not in client.get(CENTER).content.decode()
