"""The return desk: find by code or scanned QR code, why a result is not ready, deliver once."""

from __future__ import annotations

import pytest
from django.utils.html import escape
from django.utils.translation import gettext, override

from motcua.dossiers.choices import Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.helpers import advance, justice_procedure, receive
from motcua.workspace.views.returns import code_from_scan

pytestmark = pytest.mark.django_db

DESK = "/workspace/returns/"


@pytest.fixture
def ready(people, clock):
    """A result of the Department of Justice, ready to collect at Branch No. 1 (Tây Hồ)."""
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.RESULT_READY)
    clock.set(2026, 3, 12, 10, 0)
    return dossier


@pytest.fixture
def officer(client, people):
    client.force_login(people["officer_cn01"])
    return client


def deliver_data(dossier, **changes) -> dict:
    prefix = "d" + "".join(ch for ch in dossier.code if ch.isalnum())
    data = {
        "deliver": dossier.code,
        f"{prefix}-code": dossier.code,
        f"{prefix}-version": str(dossier.version),
        f"{prefix}-recipient_name": "Trần Thị Lan",
        f"{prefix}-recipient_id_number": "001190012345",
        f"{prefix}-note": "",
    }
    data.update({f"{prefix}-{k}": v for k, v in changes.items()})
    return data


def vi(message: str, **params) -> str:
    with override("vi"):
        text = gettext(message)
    return escape(text % params if params else text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("000.01.HC.H26-260310-0001", "000.01.HC.H26-260310-0001"),
        (" 000.01.hc.h26-260310-0001 ", "000.01.HC.H26-260310-0001"),
        ("http://127.0.0.1:8000/tra-cuu/?ma=000.01.HC.H26-260310-0001",
         "000.01.HC.H26-260310-0001"),
        ("https://dichvucong.hanoi.gov.vn/tra-cuu/?ma=000.01.HC.H26-260310-0002&x=1",
         "000.01.HC.H26-260310-0002"),
        ("https://x.invalid/tra-cuu/?ma=000%2E01%2EHC%2EH26-260310-0003",
         "000.01.HC.H26-260310-0003"),
        ("Trần Thị Lan", ""),
        ("", ""),
    ],
)  # fmt: skip
def test_the_code_is_read_from_what_the_scanner_typed(typed, expected):
    assert code_from_scan(typed) == expected


def test_a_result_is_found_by_its_code_and_by_the_scanned_qr_code(officer, ready):
    for typed in (ready.code, f"http://127.0.0.1:8000/tra-cuu/?ma={ready.code}"):
        response = officer.get(DESK, {"q": typed})
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<h2 id="found-code" class="bigcode">{ready.code}</h2>' in html
        assert "Đã có kết quả" in html  # the status, in Vietnamese
        assert f'name="version" value="{ready.version}"' not in html  # prefixed per dossier
        assert f'value="{ready.version}"' in html and 'name="deliver"' in html


def test_the_desk_lists_the_results_waiting_at_this_site(officer, people, ready, clock):
    clock.set(2026, 3, 10, 9, 30)
    elsewhere = advance(people, receive(people, justice_procedure(), return_site="CN07"),
                        Status.RESULT_READY)  # fmt: skip
    by_post = receive(people, justice_procedure(), return_method="post",
                      return_address="Số 1 Tràng Tiền, Hà Nội")  # fmt: skip
    by_post = advance(people, by_post, Status.RESULT_READY)
    clock.set(2026, 3, 12, 10, 0)
    html = officer.get(DESK).content.decode()
    assert ready.code in html and by_post.code in html
    assert elsewhere.code not in html


def test_delivering_signs_the_result_over_once(officer, ready):
    response = officer.post(DESK, deliver_data(ready, note="Nhận đủ 01 bản"))
    assert response.status_code == 302 and response["Location"] == DESK
    dossier = Dossier.objects.get(pk=ready.pk)
    assert dossier.status == Status.DELIVERED
    event = DossierEvent.objects.get(dossier=dossier, action="deliver")
    assert event.payload["recipient_name"] == "Trần Thị Lan"
    assert event.payload["recipient_id_number"] == "001190012345"
    assert event.site.code == "CN01"
    assert ready.code in officer.get(DESK).content.decode()  # the success message

    # A second click (the page still shows the old version) does nothing, and says so.
    again = officer.post(DESK, deliver_data(ready))
    html = again.content.decode()
    assert again.status_code == 409
    message = vi(
        "Dossier %(code)s was already delivered at %(when)s. Nothing was done a second time.",
        code=ready.code,
        when="10:00 12/03/2026",
    )
    assert message in html
    assert DossierEvent.objects.filter(dossier=dossier, action="deliver").count() == 1


def test_a_result_is_not_handed_over_without_the_recipients_name(officer, ready):
    response = officer.post(DESK, deliver_data(ready, recipient_name=" "))
    html = response.content.decode()
    assert Dossier.objects.get(pk=ready.pk).status == Status.RESULT_READY
    assert "Nhập tên người nhận kết quả." in html
    assert 'aria-invalid="true"' in html


def test_an_officer_of_another_site_cannot_deliver(client, people, ready):
    client.force_login(people["officer_cn07"])
    response = client.post(DESK, deliver_data(ready))
    assert response.status_code in (403, 404)
    assert Dossier.objects.get(pk=ready.pk).status == Status.RESULT_READY
    assert DossierEvent.objects.filter(dossier=ready, action="deliver").count() == 0
    # Nor does the dossier show at that site's desk.
    assert ready.code not in client.get(DESK).content.decode()


def test_a_dossier_not_ready_says_why(officer, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    received = receive(people, justice_procedure())
    html = officer.get(DESK, {"q": received.code}).content.decode()
    assert (
        vi("The result is not ready yet: the dossier is “%(status)s”.", status="Đã tiếp nhận")
        in html
    )
    assert 'name="deliver"' not in html


def test_an_unknown_code_is_reported(officer, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    html = officer.get(DESK, {"q": "000.01.HC.H26-260310-0999"}).content.decode()
    assert "Không có hồ sơ nào mang mã 000.01.HC.H26-260310-0999." in html


def test_a_name_finds_the_dossiers_of_that_applicant(officer, ready):
    html = officer.get(DESK, {"q": "tran thi lan"}).content.decode()
    assert f'href="?q={ready.code}"' in html


@pytest.mark.parametrize("persona", ["specialist_tp", "director_cn01"])
def test_only_a_receiving_officer_works_the_return_desk(client, people, ready, persona):
    client.force_login(people[persona])
    assert client.get(DESK).status_code == 403
    assert client.post(DESK, deliver_data(ready)).status_code == 403
    assert Dossier.objects.get(pk=ready.pk).status == Status.RESULT_READY
