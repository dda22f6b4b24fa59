"""A leader signs, on the dossier page (§2.4): who is offered which approval action, the badge
of the approval, the control slip's signature; and the leader's delegations page."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.dossiers.choices import Status
from motcua.dossiers.tests.helpers import advance, justice_procedure, receive
from motcua.organization.models import Delegation
from motcua.workspace.tests.test_views_dossier import act, fresh, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_progress(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())
    return advance(people, dossier, Status.IN_PROGRESS)


def test_the_specialist_submits_and_the_leader_signs_on_the_page(client, people, in_progress):
    client.force_login(people["specialist_tp"])
    assert "/act/complete/" not in page(client, in_progress)
    response = act(client, in_progress, "submit_for_approval", to="ld.sotp", note="Dự thảo")
    assert response.status_code == 302
    html = page(client, in_progress)
    assert 'id="approval-badge"' in html and "Chờ lãnh đạo ký" in html
    assert "/act/approve/" not in html and "/act/submit_for_approval/" not in html

    client.force_login(people["leader_tp"])
    html = page(client, in_progress)
    assert "/act/approve/" in html and "/act/send_back/" in html
    assert act(client, in_progress, "approve", note="Đồng ý").status_code == 302

    client.force_login(people["specialist_tp"])
    html = page(client, in_progress)
    assert "Lãnh đạo đã ký duyệt" in html and "/act/complete/" in html
    assert act(client, in_progress, "complete", outcome="granted").status_code == 302
    assert fresh(in_progress).status == Status.RESULT_READY
    html = page(client, in_progress)
    assert 'class="badge ok signed"' in html and "Đã ký" in html


def test_sending_back_needs_a_reason_next_to_the_field(client, people, in_progress):
    client.force_login(people["specialist_tp"])
    act(client, in_progress, "submit_for_approval")
    client.force_login(people["leader_tp"])
    response = act(client, in_progress, "send_back", reason="")
    assert response.status_code == 422
    assert "Nêu lý do trả lại dự thảo." in response.content.decode()
    assert act(client, in_progress, "send_back", reason="Sửa căn cứ").status_code == 302
    assert fresh(in_progress).custodian is None or fresh(in_progress).step == 2


def test_a_leader_records_and_ends_a_delegation(client, people, clock, in_progress):
    client.force_login(people["leader_tp"])
    html = client.get("/workspace/delegations/").content.decode()
    assert "Ủy quyền ký" in html and "Trần Văn Nam" in html  # the colleague to choose
    agency = people["leader_tp"].assignments.first().agency_id
    response = client.post("/workspace/delegations/", {
        "agency": agency, "delegate": people["specialist_tp"].pk,
        "valid_from": "2026-03-10", "valid_to": "2026-03-20", "decision_number": "5/UQ",
    })  # fmt: skip
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.delegate, delegation.recorded_by) == (
        people["specialist_tp"], people["leader_tp"],
    )  # fmt: skip
    html = client.get("/workspace/delegations/").content.decode()
    assert "5/UQ" in html and "Đang hiệu lực" in html

    # The delegate now signs, on the leader's behalf.
    client.force_login(people["specialist_tp"])
    act(client, in_progress, "submit_for_approval")
    assert "/act/approve/" in page(client, in_progress)
    assert act(client, in_progress, "approve").status_code == 302
    assert "Ký thay Vũ Thị Lan" in page(client, in_progress)

    client.force_login(people["leader_tp"])
    assert client.post("/workspace/delegations/", {"end": delegation.pk}).status_code == 302
    delegation.refresh_from_db()
    assert delegation.valid_to == date(2026, 3, 10)


def test_a_refused_delegation_shows_the_reason(client, people):
    client.force_login(people["leader_tp"])
    agency = people["leader_tp"].assignments.first().agency_id
    response = client.post("/workspace/delegations/", {
        "agency": agency, "delegate": people["specialist_tp"].pk,
        "valid_from": "2026-03-20", "valid_to": "2026-03-10",
    })  # fmt: skip
    assert response.status_code == 422
    assert "không thể trước ngày bắt đầu" in response.content.decode()


def test_the_delegations_page_is_for_leaders(client, people):
    client.force_login(people["specialist_tp"])
    assert client.get("/workspace/delegations/").status_code == 403
    assert "/workspace/delegations/" not in client.get("/workspace/dossiers/").content.decode()
