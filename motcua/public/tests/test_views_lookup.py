"""The lookup page /tra-cuu/: the code from a QR code, four digits, one answer for every miss,
no personal data, a limit per client (issue 5 §1)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.utils.html import escape
from django.utils.translation import override

from motcua.dossiers.choices import Status
from motcua.dossiers.forms import lookup_url
from motcua.dossiers.tests.helpers import advance, justice_procedure, receive, submit_online
from motcua.public.selectors import NOT_FOUND_MESSAGE
from motcua.public.tests.helpers import personal_data, vi
from motcua.public.throttle import LOOKUPS_PER_WINDOW

pytestmark = pytest.mark.django_db
URL = "/tra-cuu/"


@pytest.fixture
def dossier(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    return receive(people, justice_procedure())


def look(client, code: str, digits: str, **extra):
    return client.post(URL, {"ma": code, "so": digits}, **extra)


def test_the_qr_code_of_a_form_opens_the_lookup_with_the_code(client, dossier):
    url = urlsplit(lookup_url(dossier.code))
    assert url.path == "/tra-cuu/" and url.query.startswith("ma=")
    response = client.get(f"{url.path}?{url.query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{dossier.code}"' in html
    assert 'name="so"' in html and 'type="password"' in html  # the digits are not shown


def test_a_scanned_address_in_the_code_field_works(client, dossier):
    response = look(client, f"http://127.0.0.1:8000/tra-cuu/?ma={dossier.code}", "4321")
    assert response.status_code == 200
    assert dossier.code in response.content.decode()


def test_the_phone_digits_show_the_status_appointment_and_where_to_collect(client, dossier):
    response = look(client, dossier.code, "4321")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trần T. L." in html
    assert "Được tiếp nhận" in html  # national status 2, in Vietnamese
    assert "09:00 13/03/2026" in html  # three working days from Tue 09:00
    assert "Chi nhánh Tây Hồ" in html and "258 Võ Chí Công" in html
    assert "08:00–12:00, 13:00–17:00" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_id_digits_work_too(client, dossier):
    assert look(client, dossier.code, "2345").status_code == 200


def test_an_unknown_code_and_a_wrong_verifier_get_the_same_page(client, dossier):
    wrong = look(client, dossier.code, "0000")
    unknown = look(client, "000.01.HC.H26-260310-9999", "4321")
    assert wrong.status_code == unknown.status_code == 404
    with override("vi"):
        message = escape(str(NOT_FOUND_MESSAGE))
    assert message in wrong.content.decode() and message in unknown.content.decode()

    def without_code(response, code):
        html = response.content.decode().replace(f'value="{code}"', 'value="CODE"')
        # the CSRF token and the policy's nonce are random per response
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"', "", html)

    assert without_code(wrong, dossier.code) == without_code(unknown, "000.01.HC.H26-260310-9999")


def test_the_digits_must_be_four(client, dossier):
    response = look(client, dossier.code, "43a")
    assert response.status_code == 422
    assert vi("Enter exactly 4 digits.") in response.content.decode()


def test_no_page_shows_personal_data_nor_staff_names(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossiers = [
        submit_online(justice_procedure()),
        advance(people, receive(people, justice_procedure()), Status.AWAITING_SUPPLEMENT),
        advance(people, receive(people, justice_procedure()), Status.DELIVERED),
    ]
    for dossier in dossiers:
        for digits in ("4321", "0000"):
            html = look(client, dossier.code, digits).content.decode()
            for secret in personal_data():
                assert secret not in html, (dossier.status, secret)
            for user in people.values():
                assert user.staff_profile.full_name not in html
                assert user.get_username() not in html
    html = look(client, dossiers[2].code, "4321").content.decode()
    assert "Đã trả kết quả" in html  # national status 10


def test_lookups_are_limited_per_client(client, dossier):
    for _ in range(LOOKUPS_PER_WINDOW):
        assert look(client, dossier.code, "0000").status_code == 404
    response = look(client, dossier.code, "4321")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert vi("Too many lookups") in response.content.decode()
    other = look(client, dossier.code, "4321", REMOTE_ADDR="10.0.0.7")
    assert other.status_code == 200  # another client is not held back


def test_showing_the_form_is_not_a_lookup(client, dossier):
    for _ in range(LOOKUPS_PER_WINDOW + 3):
        assert client.get(URL).status_code == 200
    assert look(client, dossier.code, "4321").status_code == 200
