"""Abuse limits shared by every process (issue 18, holes 1 and 2): counted in the database,
atomic, with a Vietnamese page or problem+json 429 and ``Retry-After`` when hit."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import justice_procedure, receive
from motcua.public.limits import DAY, hit, limit
from motcua.public.models import AbuseCounter
from motcua.public.tests.helpers import CERTIFY, filing_data, vi

pytestmark = pytest.mark.django_db
FORM = f"/thu-tuc/{CERTIFY}/nop-truc-tuyen/"


def lookup_api(client, code, verifier, address):
    return client.get(
        f"/api/v1/public/dossiers/{code}", {"verifier": verifier}, REMOTE_ADDR=address
    )


# -- the counter --------------------------------------------------------------------------------


def test_a_counter_counts_then_starts_again_when_its_window_ends(clock):
    clock.set(2026, 3, 10, 9, 0)
    assert [hit("t", "a", limit=2, window=60).count for _ in range(3)] == [1, 2, 3]
    assert hit("t", "a", limit=2, window=60).over
    assert hit("t", "b", limit=2, window=60).count == 1  # another subject
    clock.moment += timedelta(seconds=61)
    again = hit("t", "a", limit=2, window=60)
    assert again.count == 1 and not again.over and again.retry_after == 60


def test_a_day_window_ends_at_midnight_in_hanoi(clock):
    clock.set(2026, 3, 10, 23, 0)
    found = hit("t", "a", limit=1, window=DAY)
    assert found.retry_after == 3600
    clock.set(2026, 3, 11, 0, 1)
    assert hit("t", "a", limit=1, window=DAY).count == 1


def test_no_address_or_code_is_stored(clock):
    clock.set(2026, 3, 10, 9, 0)
    hit("lookup:code", "000.01.HC.H26-260310-0001", limit=5, window=60)
    (row,) = AbuseCounter.objects.all()
    assert "0001" not in row.key and len(row.key) == 64


# -- online filing ------------------------------------------------------------------------------


def test_a_filing_flood_gets_429_after_the_limit_per_address(client, people, clock, settings):
    settings.ABUSE_LIMITS = {**settings.ABUSE_LIMITS, "filings_per_address": 3}
    clock.set(2026, 3, 10, 9, 0)
    for n in range(3):
        data = filing_data(idempotency_key=f"{n:032d}")
        assert client.post(FORM, data).status_code == 302
        cache.clear()  # no process memory is involved: the count is in the database
    flood = Client().post(FORM, filing_data(idempotency_key="9" * 32))
    assert flood.status_code == 429
    assert int(flood["Retry-After"]) == 15 * 3600  # until midnight, Hanoi time
    html = flood.content.decode()
    assert vi("Please wait a moment") in html
    assert (
        vi(
            "Your connection has filed many dossiers today. To keep the service open to "
            "everyone, more can be filed tomorrow, or at a site's counter."
        )
        in html
    )
    assert Dossier.objects.count() == 3
    other = Client(REMOTE_ADDR="10.0.0.9").post(FORM, filing_data(idempotency_key="8" * 32))
    assert other.status_code == 302  # another client is not held back


def test_a_site_takes_a_limited_number_of_online_filings_a_day(client, people, clock, settings):
    settings.ABUSE_LIMITS = {**settings.ABUSE_LIMITS, "filings_per_site": 2}
    clock.set(2026, 3, 10, 9, 0)
    for n in range(2):
        c = Client(REMOTE_ADDR=f"10.0.1.{n}")
        assert c.post(FORM, filing_data(idempotency_key=f"{n:032d}")).status_code == 302
    refused = Client(REMOTE_ADDR="10.0.1.99").post(FORM, filing_data(idempotency_key="9" * 32))
    assert refused.status_code == 429
    assert vi("This site has received as many online filings as it can check today. File "
              "tomorrow, or choose another site.") in refused.content.decode()  # fmt: skip
    clock.set(2026, 3, 11, 9, 0)
    tomorrow = Client(REMOTE_ADDR="10.0.1.99").post(FORM, filing_data(idempotency_key="7" * 32))
    assert tomorrow.status_code == 302


# -- lookups ------------------------------------------------------------------------------------


@pytest.fixture
def dossier(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    return receive(people, justice_procedure())


def test_sixty_guesses_on_one_code_from_twenty_addresses_lock_the_code(client, dossier, clock):
    answers = [
        lookup_api(client, dossier.code, f"{n:04d}", f"10.0.2.{n % 20}").status_code
        for n in range(60)
    ]
    failures = limit("lookup_failures_per_code")
    assert answers[:failures] == [404] * failures
    assert set(answers[failures:]) == {429}
    locked = lookup_api(client, dossier.code, "4321", "10.9.9.9")  # the right digits, too
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/problem+json"
    assert int(locked["Retry-After"]) == limit("lookup_lock_minutes") * 60
    assert locked.json()["code"] == "too_many_requests"
    assert "khóa" in locked.json()["detail"]  # Vietnamese: the code is locked
    clock.moment += timedelta(minutes=limit("lookup_lock_minutes"), seconds=1)
    assert lookup_api(client, dossier.code, "4321", "10.9.9.9").status_code == 200


def test_the_right_verifier_does_not_count_towards_the_lock(client, dossier, clock):
    for _ in range(20):
        clock.moment += timedelta(minutes=1)  # beyond the per-address rate
        assert lookup_api(client, dossier.code, "4321", "10.0.3.1").status_code == 200
    assert lookup_api(client, dossier.code, "0000", "10.0.3.1").status_code == 404


def test_one_address_guessing_many_codes_is_locked(client, dossier, clock, settings):
    settings.ABUSE_LIMITS = {**settings.ABUSE_LIMITS, "lookup_failures_per_address": 4}
    for n in range(4):
        clock.moment += timedelta(seconds=10)
        code = f"000.01.HC.H26-260310-{n + 10:04d}"
        assert lookup_api(client, code, "1111", "10.0.4.1").status_code == 404
    assert lookup_api(client, dossier.code, "4321", "10.0.4.1").status_code == 429
    assert lookup_api(client, dossier.code, "4321", "10.0.4.2").status_code == 200


def test_the_lookup_page_shows_the_lock_in_vietnamese(client, dossier):
    for n in range(limit("lookup_failures_per_code")):
        client.post("/tra-cuu/", {"ma": dossier.code, "so": f"{n:04d}"}, REMOTE_ADDR=f"10.5.0.{n}")
    page = client.post("/tra-cuu/", {"ma": dossier.code, "so": "4321"}, REMOTE_ADDR="10.5.1.1")
    assert page.status_code == 429 and page["Retry-After"]
    assert (
        vi(
            "Too many wrong answers were given for this code. To protect the applicant, it "
            "is locked for %(minutes)s minute(s); try again later.",
            minutes=limit("lookup_lock_minutes"),
        )
        in page.content.decode()
    )


# -- one count for every process (PostgreSQL) ---------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_hits_on_postgresql_are_counted_once_each(clock):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is PostgreSQL's")
    from motcua.organization.tests.test_services_staff_concurrency import run_together

    clock.set(2026, 3, 10, 9, 0)

    def guesses():
        return [hit("lookup:code", "X", limit=5, window=600).over for _ in range(5)]

    results = run_together(*(guesses for _ in range(8)))
    flat = [over for batch in results for over in batch]
    assert flat.count(False) == 5  # exactly the limit passed, whatever the interleaving
    assert AbuseCounter.objects.get().count == 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_another_process_sees_the_same_count(clock):
    if connection.vendor != "postgresql":
        pytest.skip("the test database of SQLite is in this process's memory")
    clock.set(2026, 3, 10, 9, 0)
    for _ in range(3):
        hit("filing:address", "10.0.0.1", limit=3, window=DAY)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    code = (
        "import django; django.setup()\n"
        "from datetime import datetime; from zoneinfo import ZoneInfo\n"
        "from motcua.public.limits import DAY, hit\n"
        "now = datetime(2026, 3, 10, 9, 1, tzinfo=ZoneInfo('Asia/Ho_Chi_Minh'))\n"
        "print(hit('filing:address', '10.0.0.1', limit=3, window=DAY, now=now).count)\n"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "motcua.settings"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "4"  # the fourth filing of the day, seen by another process
    assert hit("filing:address", "10.0.0.1", limit=3, window=DAY).count == 5


# -- anonymous uploads --------------------------------------------------------------------------


class _Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_76_mb_anonymous_filing_is_refused_before_its_body_is_read(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    size = 76 * 1024 * 1024
    extra = {"CONTENT_LENGTH": str(size), "wsgi.input": _Unreadable()}
    kind = "multipart/form-data; boundary=x"
    page = client.generic("POST", FORM, b"", content_type=kind, **extra)
    assert page.status_code == 413
    assert vi("The files are too large") in page.content.decode()
    api = client.generic("POST", FORM, b"", content_type=kind, HTTP_ACCEPT="application/json",
                         **extra)  # fmt: skip
    assert api.status_code == 413
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "too_large" and "76.0 MB" in api.json()["detail"]
    assert not Dossier.objects.exists()


def test_a_file_over_the_anonymous_cap_is_refused_next_to_its_field(client, people, clock,
                                                                      settings):  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.public.tests.helpers import PDF

    settings.ABUSE_LIMITS = {**settings.ABUSE_LIMITS, "upload_max_file_mb": 1}
    clock.set(2026, 3, 10, 9, 0)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 1), "application/pdf")
    page = client.post(FORM, filing_data(c1_file=big))
    assert page.status_code == 422
    assert vi("The file is %(size)s MB; a file sent online may be at most %(limit)s MB.",
              size=1.0, limit=1) in page.content.decode()  # fmt: skip
    assert not Dossier.objects.exists()


def test_the_bytes_offered_count_against_a_daily_budget(client, people, clock, settings):
    settings.ABUSE_LIMITS = {**settings.ABUSE_LIMITS, "upload_mb_per_address": 1}
    clock.set(2026, 3, 10, 9, 0)
    first = client.post(FORM, filing_data())
    assert first.status_code == 302
    hit("upload:address", "127.0.0.1", limit=0, window=DAY, amount=1024 * 1024)
    refused = client.post(FORM, filing_data(idempotency_key="9" * 32))
    assert refused.status_code == 429 and refused["Retry-After"]
