"""The full journey of a boundary-free dossier through the API (issue 3, "Done when").

Received at the Tây Hồ branch (CN01) for the first land certificate (1.013978) of a plot in xã
Ba Vì, whose People's Committee decides; a supplement and an apology on the way; the result is
collected at the Hà Đông branch (CN07). Every due time is checked against dates worked out by
hand from the working calendar (March–April 2026 has no public holiday on a weekday).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from motcua.dossiers.models import Dossier, DossierEvent

pytestmark = pytest.mark.django_db

APPLICANT = {
    "name": "Nguyễn Văn Bình",
    "id_number": "001085012345",
    "phone": "0912345678",
    "email": "binh@example.invalid",
    "address": "Thôn Yên Khoái, xã Ba Vì, Hà Nội",
    "unit": "09700",
}


def act(client, code, action, version, **body):
    return client.post(
        f"/api/v1/dossiers/{code}/actions/{action}",
        body,
        content_type="application/json",
        headers={"If-Match": f'"{version}"'},
    )


def test_a_boundary_free_dossier_goes_from_tay_ho_to_ba_vi_and_back_at_ha_dong(
    client, people, clock
):
    # Tuesday 10 March 2026, 09:00, at the Tây Hồ branch's counter.
    clock.set(2026, 3, 10, 9, 0)
    client.force_login(people["officer_cn01"])
    created = client.post(
        "/api/v1/dossiers",
        {
            "procedure": "1.013978",
            "applicant": APPLICANT,
            "object_unit": "09700",
            "return_method": "site",
            "return_site": "CN07",
        },
        content_type="application/json",
        headers={"Idempotency-Key": "journey-1"},
    )
    assert created.status_code == 201, created.json()
    dossier = created.json()
    code = dossier["code"]
    assert code == "000.01.HC.H26-260310-0001"
    assert dossier["competent_agency"]["code"] == "UBND-X-09700-2025"
    assert dossier["receiving_site"]["code"] == "CN01"
    assert dossier["return_site"]["code"] == "CN07"
    assert dossier["outside_territory"] is True
    assert (dossier["status"], dossier["national_status"]) == ("received", 2)
    assert dossier["deemed_received_at"] == "2026-03-10T02:00:00Z"
    # 20 working days of 8 hours from Tue 10/03 09:00 end at 09:00 on the 21st working day.
    assert dossier["due_at"] == "2026-04-07T02:00:00Z"
    # A paper dossier received before 15:00 goes to the agency the same working day.
    assert dossier["transfer_due_at"] == "2026-03-10T10:00:00Z"

    # A retry of the same request (the network dropped the answer) returns the same dossier.
    again = client.post(
        "/api/v1/dossiers",
        {
            "procedure": "1.013978",
            "applicant": APPLICANT,
            "object_unit": "09700",
            "return_method": "site",
            "return_site": "CN07",
        },
        content_type="application/json",
        headers={"Idempotency-Key": "journey-1"},
    )
    assert again.status_code == 200 and again.json()["code"] == code
    assert Dossier.objects.count() == 1

    clock.set(2026, 3, 10, 10, 0)
    moved = act(client, code, "transfer", dossier["version"])
    assert moved.status_code == 200, moved.json()
    assert moved.json()["national_status"] == 4
    assert moved.json()["custodian"]["agency"]["code"] == "UBND-X-09700-2025"

    # The Ba Vì specialist takes it in and, the next day, finds a paper missing.
    client.force_login(people["specialist"])
    clock.set(2026, 3, 10, 10, 30)
    accepted = act(client, code, "accept", moved.json()["version"])
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["custodian"]["person"] == "Đỗ Văn Hùng"
    clock.set(2026, 3, 11, 14, 0)
    asked = act(
        client,
        code,
        "request_supplement",
        accepted.json()["version"],
        reason="Thiếu sơ đồ thửa đất có xác nhận",
        items=[{"name": "Sơ đồ thửa đất", "originals": 1}],
    )
    assert asked.status_code == 200, asked.json()
    assert (asked.json()["status"], asked.json()["national_status"]) == ("awaiting_supplement", 5)
    # Only one request after receipt.
    second = act(
        client,
        code,
        "request_supplement",
        asked.json()["version"],
        reason="x",
        items=[{"name": "y"}],
    )
    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    assert second.json()["code"] in ("invalid_transition", "supplement_already_requested")

    # The applicant brings the paper to the Hà Đông branch on Friday 13/03 at 10:00: the clock
    # stood still for 3 h (Wed) + 8 h (Thu) + 2 h (Fri) = 13 working hours.
    client.force_login(people["officer_cn07"])
    clock.set(2026, 3, 13, 10, 0)
    resumed = act(client, code, "receive_supplement", asked.json()["version"], site="CN07")
    assert resumed.status_code == 200, resumed.json()
    assert resumed.json()["status"] == "in_progress"
    # 07/04 09:00 + 13 h: 7 h that day, 6 h on 08/04 (4 h morning + 2 h) = 08/04 15:00.
    assert resumed.json()["due_at"] == "2026-04-08T08:00:00Z"

    # Specialist hands over to the leader for signature.
    client.force_login(people["specialist"])
    clock.set(2026, 3, 20, 11, 0)
    handed = act(client, code, "handover", resumed.json()["version"], to="ld.bavi")
    assert handed.status_code == 200, handed.json()
    assert handed.json()["custodian"]["person"] == "Nguyễn Thị Mai"

    # The leader sees it will be late: the apology comes more than a working day ahead.
    clock.set(2026, 4, 6, 10, 0)
    client.force_login(people["leader"])
    stale = act(
        client, code, "extend", handed.json()["version"] - 1,
        new_due_at="2026-04-10T17:00:00+07:00", reason="Chờ kết quả đo đạc",
    )  # fmt: skip
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    extended = act(
        client, code, "extend", handed.json()["version"], new_due_at="2026-04-10T17:00:00+07:00",
        reason="Chờ kết quả đo đạc bổ sung của Chi nhánh Văn phòng đăng ký đất đai",
    )  # fmt: skip
    assert extended.status_code == 200, extended.json()
    assert extended.json()["due_at"] == "2026-04-10T10:00:00Z"
    assert extended.json()["original_due_at"] == "2026-04-07T02:00:00Z"
    twice = act(
        client, code, "extend", extended.json()["version"], new_due_at="2026-04-14T17:00:00+07:00",
        reason="Lần hai",
    )  # fmt: skip
    assert twice.status_code == 409 and twice.json()["code"] == "already_extended"

    clock.set(2026, 4, 9, 16, 0)
    done = act(client, code, "complete", extended.json()["version"], note="Đã ký GCN")
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["national_status"]) == ("result_ready", 9)
    assert done.json()["timeliness"] == "early"
    assert done.json()["custodian"]["site"]["code"] == "CN07"

    # Tây Hồ cannot hand the result over: the citizen chose Hà Đông.
    client.force_login(people["officer_cn01"])
    wrong = act(client, code, "deliver", done.json()["version"], site="CN01", recipient_name="A")
    assert wrong.status_code == 403
    client.force_login(people["officer_cn07"])
    clock.set(2026, 4, 10, 9, 0)
    delivered = act(
        client, code, "deliver", done.json()["version"], site="CN07",
        recipient_name="Nguyễn Văn Bình", recipient_id_number="001085012345",
    )  # fmt: skip
    assert delivered.status_code == 200, delivered.json()
    assert (delivered.json()["status"], delivered.json()["national_status"]) == ("delivered", 10)

    events = client.get(f"/api/v1/dossiers/{code}/events").json()
    assert [e["action"] for e in events] == [
        "receive", "transfer", "accept", "request_supplement", "receive_supplement",
        "handover", "extend", "complete", "deliver",
    ]  # fmt: skip
    assert events[0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(events, events[1:], strict=False))
    assert DossierEvent.objects.filter(dossier__code=code).count() == 9
    call_command("verify_audit")

    receipt = client.get(f"/api/v1/dossiers/{code}/forms/receipt.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.content)).pages)
    assert code in text and "Nguyễn Văn Bình" in text
    apology = client.get(f"/api/v1/dossiers/{code}/forms/04.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(apology.content)).pages)
    assert "Chờ kết quả đo đạc" in text
