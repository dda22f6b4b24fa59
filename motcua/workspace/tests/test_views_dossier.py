"""The dossier page, its action forms and the dossier search, through the Django test client.

Dossiers are made through the lifecycle services; each action is then sent the way the page
sends it (a POST of its form) and checked in the database, in the flashed message and, when
refused, next to the field the service names.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from motcua.dossiers.choices import Status
from motcua.dossiers.files import StoredFile
from motcua.dossiers.models import Dossier, Handover
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, advance, justice_procedure, receive
from motcua.dossiers.tests.samples import assert_safe_download, pdf_bytes, png_bytes
from motcua.organization.models import Site

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PNG = png_bytes()


def vi(msgid: str) -> str:
    """A message of the workspace as a Vietnamese user reads it (translated or not yet)."""
    with translation.override("vi"):
        return gettext(msgid)


def fresh(dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def page(client, dossier) -> str:
    response = client.get(f"/workspace/dossiers/{dossier.code}/")
    assert response.status_code == 200
    return response.content.decode()


def act(client, dossier, action, **data):
    data.setdefault("version", fresh(dossier).version)
    return client.post(f"/workspace/dossiers/{dossier.code}/act/{action}/", data)


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def field_error(html: str, field_id: str) -> str:
    """The text shown next to the field ``field_id``, which must point to it for readers."""
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}_error">(.*?)</p>', html)
    assert found, f"no error next to {field_id}"
    assert re.search(rf'id="{re.escape(field_id)}"[^>]*aria-invalid="true"', html) or re.search(
        rf'aria-describedby="[^"]*{re.escape(field_id)}_error', html
    ), f"{field_id} does not point to its error"
    return found.group(1)


def form_error(html: str, action: str) -> str:
    found = re.search(
        rf'<div class="form-error"[^>]* id="{action}-errors"[^>]*>(.*?)</div>', html, re.S
    )
    assert found, f"no error on the form of {action}"
    return found.group(1)


@pytest.fixture
def procedure(hanoi_data):
    return justice_procedure()


@pytest.fixture
def in_progress(people, clock, procedure):
    """Received at CN01 on Tue 10/03/2026 09:00 for the Department of Justice and accepted by
    its specialist: due Fri 13/03 09:00, at step 2 (appraisal) of three."""
    clock.set(2026, 3, 10, 9, 0)
    return advance(people, receive(people, procedure), Status.IN_PROGRESS)


# -- the page ------------------------------------------------------------------------------------


def test_the_page_shows_status_time_left_places_holder_timeline_and_slip(
    client, people, in_progress, clock
):
    clock.set(2026, 3, 11, 10, 0)  # Wed: 6 h left today, 8 h on Thu, 1 h on Fri
    client.force_login(people["specialist_tp"])
    html = page(client, in_progress)
    assert in_progress.code in html
    assert "4. Đang giải quyết" in html  # the national status, with its code
    assert "09:00 13/03/2026" in html  # the appointment
    assert "còn 1 ngày làm việc 7 giờ" in html  # working time, not calendar time
    assert "Chi nhánh Tây Hồ" in html and "Sở Tư pháp" in html  # received at; competent agency
    holder = html[html.index('id="h-custody"') :]
    assert "Trần Văn Nam" in holder[: holder.index("</section>")]  # accepted: he holds it
    timeline = html[html.index('class="timeline"') :]
    assert timeline.index("Lê Thu Trang") < timeline.index("Trần Văn Nam")  # in order
    slip = html[html.index('id="h-slip"') :]
    assert "1. Tiếp nhận, chuyển hồ sơ" in slip and "Lê Thu Trang → Trần Văn Nam" in slip
    assert 'class="badge on_time"' in slip
    assert f"/api/v1/dossiers/{in_progress.code}/forms/receipt.pdf" in html
    assert "/forms/apology.pdf" not in html  # no apology before an extension


def test_an_extended_boundary_free_dossier_shows_both_appointments_and_the_apology(
    client, people, clock
):
    clock.set(2026, 3, 10, 9, 0)
    # Ba Vì's committee is competent; Tây Hồ (CN01) lies outside its territory.
    version = justice_procedure(
        competent_agency=people["leader"].assignments.first().agency, boundary_free=True
    )
    dossier = advance(people, receive(people, version), Status.RECEIVED)
    assert dossier.outside_territory
    svc.dossier_transfer(
        actor=actor(people["officer_cn01"]), code=dossier.code, site=Site.objects.get(code="CN01")
    )
    svc.dossier_accept(actor=actor(people["specialist"]), code=dossier.code)
    later = datetime(2026, 3, 18, 17, 0, tzinfo=HANOI)
    svc.dossier_extend(
        actor=actor(people["leader"]), code=dossier.code, new_due_at=later, reason="Chờ xác minh"
    )
    client.force_login(people["specialist"])
    html = page(client, dossier)
    assert "<s>09:00 13/03/2026</s>" in html and "17:00 18/03/2026" in html
    assert vi("Boundary-free") in html
    assert f"/api/v1/dossiers/{dossier.code}/forms/apology.pdf" in html
    assert "Chờ xác minh" in html  # the reason, in the timeline


def test_a_dossier_guided_before_receipt_has_no_appointment_yet(client, people, clock, procedure):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, procedure, decision="guide", items=[svc.SupplementItem("Tờ khai")])
    client.force_login(people["officer_cn01"])
    html = page(client, dossier)
    assert "5. " in html and vi("No appointment yet: not received.") in html
    assert "/forms/supplement.pdf" in html and "/forms/receipt.pdf" not in html


@pytest.mark.parametrize("persona", ["specialist", "officer_cn07"])
def test_someone_outside_the_scope_finds_no_such_dossier(client, people, in_progress, persona):
    client.force_login(people[persona])
    assert client.get(f"/workspace/dossiers/{in_progress.code}/").status_code == 404
    assert act(client, in_progress, "complete", outcome="granted").status_code == 404
    assert fresh(in_progress).status == Status.IN_PROGRESS


def test_an_inspector_reads_everything_and_is_offered_no_action(client, people, in_progress):
    client.force_login(people["inspector"])
    html = page(client, in_progress)
    assert "Trần Thị Lan" in html and 'class="timeline"' in html
    assert "/act/" not in html and "/components/" not in html
    assert vi("Nothing for you to do on this dossier now.") in html
    response = act(client, in_progress, "complete", outcome="granted")
    assert response.status_code == 403
    assert "Bạn không được thực hiện" in " ".join(flashed(response))
    assert fresh(in_progress).status == Status.IN_PROGRESS


def test_each_person_is_offered_only_what_they_may_do_now(client, people, in_progress):
    client.force_login(people["specialist_tp"])
    html = page(client, in_progress)
    for action in (
        "assign", "handover", "request_supplement", "require_obligation", "submit_for_approval",
    ):  # fmt: skip
        assert f"/act/{action}/" in html
    # A leader's, an officer's, or not in this state; a specialist issues only what a leader
    # approved (§2.4).
    for action in ("extend", "stop", "transfer", "deliver", "accept", "complete", "approve"):
        assert f"/act/{action}/" not in html
    client.force_login(people["leader_tp"])
    html = page(client, in_progress)
    assert "/act/extend/" in html and "/act/stop/" in html and "/act/complete/" in html
    client.force_login(people["officer_cn01"])
    html = page(client, in_progress)
    assert "/act/withdraw/" in html and "/act/pay/" in html and "/act/complete/" not in html


# -- actions -------------------------------------------------------------------------------------


def test_the_officer_transfers_from_the_page(client, people, clock, procedure):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, procedure)
    client.force_login(people["officer_cn01"])
    assert "/act/transfer/" in page(client, dossier)
    response = act(client, dossier, "transfer")
    assert response.status_code == 302 and response["Location"].endswith(f"/{dossier.code}/")
    assert fresh(dossier).status == Status.TRANSFERRED
    assert vi("Transferred to %(agency)s.") % {"agency": "Sở Tư pháp"} in flashed(response)
    # A second click (or a colleague) with the version read before: refused, nothing twice.
    response = act(client, dossier, "transfer", version=dossier.version)
    assert response.status_code == 409
    assert any("trang đã được tải lại" in m or "reloaded" in m for m in flashed(response))
    assert 'act/transfer/" class="stack"' not in response.content.decode()
    assert fresh(dossier).events.filter(action="transfer").count() == 1


def test_the_agency_accepts_and_a_stranger_to_the_action_is_told_why(
    client, people, clock, procedure
):
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, procedure), Status.TRANSFERRED)
    client.force_login(people["officer_cn01"])  # sees it (received at CN01) but may not accept
    response = act(client, dossier, "accept")
    assert response.status_code == 403
    assert any("Bạn không được thực hiện “Cơ quan nhận hồ sơ”" in m for m in flashed(response))
    client.force_login(people["specialist_tp"])
    response = act(client, dossier, "accept")
    assert response.status_code == 302
    dossier = fresh(dossier)
    assert dossier.status == Status.IN_PROGRESS and dossier.custodian == people["specialist_tp"]


def test_a_leader_assigns_a_specialist(client, people, in_progress):
    client.force_login(people["leader_tp"])
    response = act(client, in_progress, "assign", assignee="cv.sotp")
    assert response.status_code == 302
    assert fresh(in_progress).assignee == people["specialist_tp"]
    assert vi("Assigned to %(person)s.") % {"person": "Trần Văn Nam"} in flashed(response)


def test_handover_to_the_leader_and_a_refusal_next_to_the_field(client, people, in_progress):
    client.force_login(people["specialist_tp"])
    response = act(client, in_progress, "handover", to="cv.bavi", note="Đã thẩm định")
    assert response.status_code == 422
    html = response.content.decode()
    assert field_error(html, "handover-to") == "cv.bavi hôm nay không làm việc tại Sở Tư pháp."
    assert "Đã thẩm định" in html  # what was typed stays
    response = act(client, in_progress, "handover", to="ld.sotp", note="Đã thẩm định")
    assert response.status_code == 302
    dossier = fresh(in_progress)
    assert dossier.custodian == people["leader_tp"] and dossier.step == 3
    row = Handover.objects.filter(dossier=dossier, step=2).get()
    assert row.receiver == people["leader_tp"] and row.note == "Đã thẩm định"


def _items(*rows):
    data = {"items-TOTAL_FORMS": str(len(rows)), "items-INITIAL_FORMS": "0"}
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"items-{n}-{key}"] = value
    return data


def test_request_a_supplement_with_its_list_then_receive_it(client, people, in_progress, clock):
    client.force_login(people["specialist_tp"])
    empty = _items({"name": ""}, {"name": ""})
    response = act(client, in_progress, "request_supplement", reason="Thiếu giấy tờ", **empty)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Liệt kê từng thành phần cần bổ sung" in field_error(html, "request_supplement-items")
    assert "Thiếu giấy tờ" in html
    items = _items(
        {"name": "Giấy xác nhận cư trú", "originals": "1"},
        {"name": ""},
        {"name": "Bản sao sổ hộ khẩu", "certified_copies": "2"},
    )
    response = act(client, in_progress, "request_supplement", reason="Thiếu giấy tờ", **items)
    assert response.status_code == 302
    dossier = fresh(in_progress)
    assert dossier.status == Status.AWAITING_SUPPLEMENT and dossier.paused_at is not None
    event = dossier.events.order_by("-seq").first()
    assert [i["name"] for i in event.payload["items"]] == [
        "Giấy xác nhận cư trú",
        "Bản sao sổ hộ khẩu",
    ]
    assert event.payload["items"][1]["certified_copies"] == 2
    html = page(client, dossier)
    assert "tạm dừng tính thời gian" in html and "/forms/supplement.pdf" in html

    clock.set(2026, 3, 10, 14, 0)  # four working hours later
    response = act(client, dossier, "receive_supplement")  # the agency does not receive it
    assert response.status_code == 403
    assert any("Bạn không được thực hiện" in m for m in flashed(response))
    client.force_login(people["officer_cn01"])
    assert "/act/receive_supplement/" in page(client, dossier)
    response = act(client, dossier, "receive_supplement", note="Đủ")
    assert response.status_code == 302
    dossier = fresh(dossier)
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.due_at.astimezone(HANOI) == datetime(
        2026, 3, 13, 14, 0, tzinfo=HANOI
    )  # + 4 h, lunch skipped

    # Once only: the second request is refused on its form.
    client.force_login(people["specialist_tp"])
    items = _items({"name": "Tờ khai"})
    response = act(client, dossier, "request_supplement", reason="Thiếu", **items)
    assert response.status_code == 409
    assert "đã được yêu cầu bổ sung" in form_error(response.content.decode(), "request_supplement")


def test_extend_once_and_in_time(client, people, in_progress, clock):
    client.force_login(people["leader_tp"])
    response = act(
        client, in_progress, "extend", new_due_at="2026-03-12T09:00", reason="Chờ xác minh"
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert field_error(html, "extend-new_due_at").startswith("Ngày hẹn mới phải sau")
    assert 'value="2026-03-12T09:00"' in html  # kept as typed

    clock.set(2026, 3, 12, 9, 1)  # less than one working day before Fri 09:00
    response = act(client, in_progress, "extend", new_due_at="2026-03-18T17:00", reason="Chờ")
    assert response.status_code == 409
    assert "Đã quá thời điểm xin lỗi" in form_error(response.content.decode(), "extend")

    clock.set(2026, 3, 12, 9, 0)  # exactly one working day before: still in time
    response = act(client, in_progress, "extend", new_due_at="2026-03-18T17:00", reason="Chờ")
    assert response.status_code == 302
    dossier = fresh(in_progress)
    assert dossier.due_at == datetime(2026, 3, 18, 17, 0, tzinfo=HANOI)  # read as Hanoi time
    html = page(client, dossier)
    assert "/forms/apology.pdf" in html
    assert vi("The appointment was already moved; it cannot move again.") in html

    response = act(client, dossier, "extend", new_due_at="2026-03-20T17:00", reason="Lần hai")
    assert response.status_code == 409
    assert "không được hẹn lại lần nữa" in form_error(response.content.decode(), "extend")
    assert fresh(dossier).due_at == datetime(2026, 3, 18, 17, 0, tzinfo=HANOI)


def test_complete_needs_a_reason_to_reject(client, people, in_progress):
    client.force_login(people["leader_tp"])
    response = act(client, in_progress, "complete", outcome="rejected", note="")
    assert response.status_code == 422
    html = response.content.decode()
    assert field_error(html, "complete-note") == "Nêu lý do từ chối giải quyết bằng văn bản."
    result = SimpleUploadedFile("kq.png", PNG, content_type="image/png")
    response = act(client, in_progress, "complete", outcome="granted", result_file=result)
    assert response.status_code == 302
    dossier = fresh(in_progress)
    assert dossier.status == Status.RESULT_READY and dossier.outcome == "granted"
    assert dossier.result_sha256


def test_deliver_at_the_return_site(client, people, in_progress):
    dossier = svc.dossier_complete(actor=actor(people["leader_tp"]), code=in_progress.code)
    client.force_login(people["officer_cn01"])
    html = page(client, dossier)
    assert 'value="Trần Thị Lan"' in html  # the applicant, suggested as the recipient
    response = act(client, dossier, "deliver", recipient_name=" ", recipient_id_number="")
    assert response.status_code == 422
    html = response.content.decode()
    assert field_error(html, "deliver-recipient_name") == "Nhập tên người nhận kết quả."
    response = act(
        client,
        dossier,
        "deliver",
        recipient_name="Trần Thị Lan",
        recipient_id_number="001190012345",
    )
    assert response.status_code == 302
    assert fresh(dossier).status == Status.DELIVERED
    html = page(client, dossier)
    assert "10. " in html and "Trần Thị Lan (001190012345)" in html


def test_stop_with_its_notice_under_regime_2025(client, people, in_progress):
    client.force_login(people["leader_tp"])
    response = act(client, in_progress, "stop", reason="  ")
    assert response.status_code == 422
    assert field_error(response.content.decode(), "stop-reason") == "Nêu lý do dừng giải quyết."
    response = act(client, in_progress, "stop", reason="Người dân đề nghị dừng")
    assert response.status_code == 302
    dossier = fresh(in_progress)
    assert dossier.status == Status.STOPPED
    html = page(client, dossier)
    assert "8. " in html and "/forms/stop.pdf" in html and "/act/" not in html


def test_no_stop_is_offered_under_regime_2018(client, people, clock, procedure):
    clock.set(2025, 6, 20, 9, 0)
    dossier = advance(people, receive(people, procedure), Status.IN_PROGRESS)
    client.force_login(people["leader_tp"])
    html = page(client, dossier)
    assert "/act/extend/" in html and "/act/stop/" not in html


def test_a_stale_version_reloads_the_page_and_keeps_what_was_typed(client, people, in_progress):
    client.force_login(people["specialist_tp"])
    seen = fresh(in_progress).version
    svc.dossier_assign(actor=actor(people["leader_tp"]), code=in_progress.code, assignee="cv.sotp")
    items = _items({"name": "Giấy xác nhận cư trú", "originals": "1"})
    response = act(
        client,
        in_progress,
        "request_supplement",
        version=seen,
        reason="Thiếu xác nhận cư trú",
        **items,
    )
    assert response.status_code == 409
    msg = vi(
        "Someone changed this dossier while you were working on it; the page has been "
        "reloaded. Check it, then send your action again."
    )
    assert msg in flashed(response)
    html = response.content.decode()
    assert "Thiếu xác nhận cư trú" in html and "Giấy xác nhận cư trú" in html
    form = html[html.index('action="/workspace/dossiers/' + in_progress.code + "/act/request_su") :]
    assert f'name="version" value="{seen + 1}"' in form[:400]
    assert fresh(in_progress).status == Status.IN_PROGRESS


def test_attach_a_scan_and_refuse_what_is_not_one(client, people, in_progress):
    client.force_login(people["specialist_tp"])
    url = f"/workspace/dossiers/{in_progress.code}/components/1/"
    bad = SimpleUploadedFile("x.txt", b"hello world", content_type="text/plain")
    response = client.post(url, {"version": in_progress.version, "file": bad})
    assert response.status_code == 422
    assert field_error(response.content.decode(), "attach1-file").startswith("Chỉ nhận tệp PDF")
    scan = SimpleUploadedFile("to-khai.png", PNG, content_type="image/png")
    response = client.post(url, {"version": fresh(in_progress).version, "file": scan})
    assert response.status_code == 302
    component = fresh(in_progress).components.get(order=1)
    assert component.digitised_at is not None and component.sha256
    assert component.sha256[:16] in page(client, in_progress)


# -- search --------------------------------------------------------------------------------------


def link(dossier) -> str:
    return f'href="/workspace/dossiers/{dossier.code}/"'


def test_search_by_name_ignores_diacritics(client, people, in_progress):
    client.force_login(people["officer_cn01"])
    response = client.get("/workspace/dossiers/", {"q": "tran thi LAN"})
    assert response.status_code == 200
    assert link(in_progress) in response.content.decode()
    response = client.get("/workspace/dossiers/", {"q": "Nguyễn Văn Không Có"})
    assert link(in_progress) not in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        "{code}",
        "{lower}",
        "https://dichvucong.hanoi.gov.vn/tra-cuu/?ma={code}",
        "/tra-cuu/?ma={code}&lang=vi",
    ],
)
def test_a_full_code_or_a_scanned_qr_opens_the_dossier(client, people, in_progress, typed):
    client.force_login(people["specialist_tp"])
    q = typed.format(code=in_progress.code, lower=in_progress.code.lower())
    response = client.get("/workspace/dossiers/", {"q": q})
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/dossiers/{in_progress.code}/"


def test_the_lookup_address_itself_is_accepted(client, people, in_progress):
    client.force_login(people["officer_cn01"])
    response = client.get("/workspace/dossiers/", {"ma": in_progress.code})
    assert response.status_code == 302


def test_search_stays_in_scope_and_filters(client, people, in_progress, clock, procedure):
    client.force_login(people["specialist"])  # Ba Vì: the Department of Justice's is not theirs
    response = client.get("/workspace/dossiers/", {"q": in_progress.code})
    assert response.status_code == 200 and link(in_progress) not in response.content.decode()
    other = receive(people, procedure)  # still received, at CN01
    client.force_login(people["officer_cn01"])
    html = client.get("/workspace/dossiers/", {"status": "received"}).content.decode()
    assert link(other) in html and link(in_progress) not in html
    html = client.get("/workspace/dossiers/", {"procedure": procedure.procedure.code}).content
    assert link(other) in html.decode() and link(in_progress) in html.decode()
    html = client.get("/workspace/dossiers/", {"site": "CN07"}).content.decode()
    assert link(other) not in html


def test_the_page_reads_a_fixed_number_of_queries(
    client, people, in_progress, django_assert_max_num_queries
):
    client.force_login(people["leader_tp"])
    svc.dossier_assign(actor=actor(people["leader_tp"]), code=in_progress.code, assignee="cv.sotp")
    page(client, in_progress)
    # 13, and since issue 18: the access log's INSERT and django-otp's read of the device
    # that verified the session.
    with django_assert_max_num_queries(15):
        page(client, in_progress)


def test_the_timeline_says_which_components_were_digitised_at_receipt(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    scan = StoredFile("samples/scan.pdf", "ab" * 32, 1000, "application/pdf")
    dossier = receive(people, justice_procedure(), components=[
        svc.ComponentIn(order=1, file=scan), svc.ComponentIn(order=2, file=scan),
    ])  # fmt: skip
    client.force_login(people["officer_cn01"])
    html = page(client, dossier)
    timeline = html[html.index('class="timeline"') :]
    assert vi("Components %(orders)s digitised") % {"orders": "1, 2"} in timeline


def test_the_timeline_says_when_the_result_was_kept_electronically(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.IN_PROGRESS)
    result = StoredFile("samples/result.pdf", "cd" * 32, 999, "application/pdf")
    svc.dossier_complete(actor=actor(people["leader_tp"]), code=dossier.code, result_file=result)
    client.force_login(people["officer_cn01"])
    html = page(client, dossier)
    timeline = html[html.index('class="timeline"') :]
    expected = vi("Electronic result kept (SHA-256 %(digest)s…)") % {"digest": "cd" * 6}
    assert expected in timeline


def test_the_scans_and_the_electronic_result_open_for_those_who_see_the_dossier(
    client, people, clock, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    clock.set(2026, 3, 10, 9, 0)
    content = pdf_bytes("the declaration, scanned")
    dossier = receive(people, justice_procedure(), components=[
        svc.ComponentIn(order=1, file=SimpleUploadedFile("a.pdf", content)),
        svc.ComponentIn(order=2),
    ])  # fmt: skip
    dossier = advance(people, dossier, Status.IN_PROGRESS)
    svc.dossier_complete(
        actor=actor(people["leader_tp"]), code=dossier.code,
        result_file=SimpleUploadedFile("kq.pdf", pdf_bytes("the result")),
    )  # fmt: skip
    client.force_login(people["officer_cn01"])
    html = page(client, dossier)
    scan_url = f"/workspace/dossiers/{dossier.code}/components/1/file/"
    result_url = f"/workspace/dossiers/{dossier.code}/result/"
    assert f'href="{scan_url}"' in html and f'href="{result_url}"' in html
    assert f"/workspace/dossiers/{dossier.code}/components/2/file/" not in html  # not scanned
    response = client.get(scan_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == content
    assert_safe_download(response)
    result = client.get(result_url)
    assert_safe_download(result)
    assert b"".join(result.streaming_content) == pdf_bytes("the result")
    assert client.get(f"/workspace/dossiers/{dossier.code}/components/2/file/").status_code == 404
    assert client.get(f"/workspace/dossiers/{dossier.code}/components/9/file/").status_code == 404
    client.force_login(people["officer_cn07"])  # another site: no such dossier
    assert client.get(scan_url).status_code == 404
    assert client.get(result_url).status_code == 404
