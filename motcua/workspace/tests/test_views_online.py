"""The check of online dossiers: the queue of the officer's site with its timers, the filing
with its files, and receive (form 01), send back (form 02) or refuse (form 03)."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape
from django.utils.translation import gettext, override

from motcua.dossiers.choices import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import APPLICANT, justice_procedure, receive
from motcua.dossiers.tests.samples import assert_safe_download
from motcua.organization.models import Site
from motcua.public.services import dossier_file_online
from motcua.public.tests.helpers import CERTIFY, PDF, pdf

pytestmark = pytest.mark.django_db
QUEUE = "/workspace/online/"


def vi(message: str, **params) -> str:
    with override("vi"):
        text = gettext(message)
    return escape(text % params if params else text)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def file_online(site: str = "CN01", *, key: str = "k", files=None) -> Dossier:
    dossier, _ = dossier_file_online(
        site=Site.objects.get(code=site),
        procedure_code=CERTIFY,
        applicant=svc.ApplicantIn(**{**vars(APPLICANT), "unit_code": "00103"}),
        files={1: pdf(), 2: pdf("b.pdf", PDF + b"%b")} if files is None else files,
        return_method="site",
        return_site_code=site,
        idempotency_key=key,
    )
    return dossier


@pytest.fixture
def officer(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)  # Tuesday
    client.force_login(people["officer_cn01"])
    return client


def check_url(dossier) -> str:
    return f"/workspace/online/{dossier.code}/"


def test_the_queue_lists_the_sites_online_dossiers_oldest_first_with_timers(officer, clock):
    clock.set(2026, 3, 9, 9, 0)  # Monday: due Tuesday 09:00
    old = file_online(key="a")
    clock.set(2026, 3, 10, 9, 30)
    new = file_online(key="b")
    file_online("CN07", key="c")  # another site's: not here
    html = officer.get(QUEUE).content.decode()
    assert html.index(old.code) < html.index(new.code)
    assert Dossier.objects.filter(receiving_site__code="CN07").get().code not in html
    rows = re.findall(r'<tr class="(\w+)">', html)
    assert rows == ["late", "ok"]  # the first was due at 09:00, the second tomorrow 09:30
    assert vi("Overdue") in html and vi("On track") in html
    assert "Trần Thị Lan" in html  # staff see the applicant


def test_a_check_due_before_closing_today_is_marked(officer, clock):
    clock.set(2026, 3, 9, 15, 0)  # Monday 15:00 → due Tuesday 15:00
    file_online()
    clock.set(2026, 3, 10, 9, 0)
    html = officer.get(QUEUE).content.decode()
    assert re.findall(r'<tr class="(\w+)">', html) == ["today"]
    assert vi("Due today") in html


def test_the_menu_counts_what_waits(officer):
    file_online(key="a")
    file_online(key="b")
    html = officer.get(f"{QUEUE}?count").content.decode()
    assert ">2</span>" in html
    counter = officer.get("/workspace/counter/").content.decode()
    assert 'hx-get="/workspace/online/?count"' in counter


def test_the_count_is_empty_for_others_and_anonymous(client, people, clock):
    file_online()
    assert client.get(f"{QUEUE}?count").content == b""
    client.force_login(people["specialist"])
    assert client.get(f"{QUEUE}?count").content == b""


def test_the_check_page_shows_the_filing_and_its_checksums(officer):
    dossier = file_online()
    html = officer.get(check_url(dossier)).content.decode()
    sha = dossier.components.get(order=1).sha256
    assert sha in html
    assert APPLICANT.id_number in html and APPLICANT.phone in html
    assert 'href="?file=1"' in html
    assert 'name="act" value="receive"' in html
    assert 'name="act" value="guide"' in html and 'name="act" value="refuse"' in html


def test_a_file_opens_as_itself_and_never_as_a_page(officer):
    dossier = file_online()
    response = officer.get(check_url(dossier), {"file": "1"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert_safe_download(response)
    assert officer.get(check_url(dossier), {"file": "9"}).status_code == 404


def test_receiving_starts_the_clock_from_the_filing_and_offers_form_01(officer, clock):
    dossier = file_online()
    clock.set(2026, 3, 10, 14, 0)
    response = officer.post(check_url(dossier), {"act": "receive", "version": dossier.version})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.received_by.username == "tn.cn01"
    html = officer.get(check_url(dossier)).content.decode()
    assert f"/api/v1/dossiers/{dossier.code}/forms/receipt.pdf" in html
    assert 'name="act"' not in html  # nothing left to decide
    assert officer.get(f"/api/v1/dossiers/{dossier.code}/forms/receipt.pdf").status_code == 200


def test_sending_back_lists_what_is_missing_on_form_02(officer):
    dossier = file_online()
    data = {
        "act": "guide",
        "version": dossier.version,
        "reason": "Bản sao không rõ nét",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "20",
        "items-0-name": "Bản sao cần chứng thực",
        "items-0-copies": "1",
    }
    assert officer.post(check_url(dossier), data).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.GUIDED and dossier.national_status == 5
    event = dossier.events.get(action="guide")
    assert event.payload["items"][0]["name"] == "Bản sao cần chứng thực"
    html = officer.get(check_url(dossier)).content.decode()
    assert f"/api/v1/dossiers/{dossier.code}/forms/supplement.pdf" in html


def test_sending_back_without_a_list_is_refused_next_to_it(officer):
    dossier = file_online()
    data = {
        "act": "guide",
        "version": dossier.version,
        "reason": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "20",
        "items-0-name": "",
    }
    response = officer.post(check_url(dossier), data)
    html = response.content.decode()
    assert response.status_code == 422
    error = html[html.index('id="guide-items_error"') :][:400]
    assert vi("List every component to add or complete, each with its name.") in error
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_refusing_needs_a_reason_and_prints_form_03(officer):
    dossier = file_online()
    response = officer.post(check_url(dossier), {"act": "refuse", "version": dossier.version})
    assert response.status_code == 422
    assert 'id="refuse-reason_error"' in response.content.decode()
    data = {"act": "refuse", "version": dossier.version, "reason": "Không thuộc thẩm quyền"}
    assert officer.post(check_url(dossier), data).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    html = officer.get(check_url(dossier)).content.decode()
    assert f"/api/v1/dossiers/{dossier.code}/forms/refusal.pdf" in html


def test_a_decision_on_a_stale_page_is_not_applied_twice(officer):
    dossier = file_online()
    stale = dossier.version
    officer.post(check_url(dossier), {"act": "receive", "version": stale})
    response = officer.post(
        check_url(dossier), {"act": "refuse", "version": stale, "reason": "Muộn"}
    )
    assert response.status_code == 409
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_an_officer_of_another_site_cannot_check_it(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = file_online()
    client.force_login(people["officer_cn07"])
    assert dossier.code not in client.get(QUEUE).content.decode()
    assert client.get(check_url(dossier)).status_code == 404
    response = client.post(check_url(dossier), {"act": "receive", "version": dossier.version})
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


@pytest.mark.parametrize("persona", ["specialist", "director_cn01", "inspector"])
def test_only_a_receiving_officer_checks(client, people, clock, persona):
    clock.set(2026, 3, 10, 9, 0)
    dossier = file_online()
    client.force_login(people[persona])
    assert client.get(QUEUE).status_code == 403
    response = client.post(check_url(dossier), {"act": "receive", "version": dossier.version})
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_a_counter_dossier_is_not_checked_here(officer, people):
    dossier = receive(people, justice_procedure())
    assert officer.get(check_url(dossier)).status_code == 404
