"""Posture: a Content-Security-Policy on every page with nonces for the inline scripts, HSTS
with subdomains in production, /healthz over plain HTTP, and 503 with Retry-After while the
database cannot be reached (before: no CSP, /healthz answered 301, an outage gave 500)."""

from __future__ import annotations

import re
import sqlite3

import psycopg
import pytest
from django.db import connection
from django.test import Client

from motcua.core.tests.test_middleware import _pages
from motcua.core.tests.test_settings import GOOD_SECRET, _start
from motcua.dossiers.tests.helpers import justice_procedure, receive

INLINE = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def nonce_of(response) -> str | None:
    found = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return found.group(1) if found else None


def check_page(response, where: str) -> None:
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]
    )
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    html = response.content.decode()
    nonce = nonce_of(response)
    for tag, attributes in INLINE.findall(html):
        if "src=" in attributes or 'type="application/json"' in attributes:
            continue
        assert f'nonce="{nonce}"' in attributes, f"{where}: <{tag}{attributes}> without the nonce"
    assert not HANDLER.search(html), f"{where}: an inline event handler ({HANDLER.search(html)})"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    [None, "officer_cn01", "center_director", "director_cn01"],  # the last: two sites
)
def test_every_page_has_a_policy_and_its_inline_scripts_the_nonce(client, people, clock, who):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())
    if who:
        client.force_login(people[who])
    pages = set(_pages()) | {f"/workspace/dossiers/{dossier.code}/", "/thu-tuc/1.001193/"}
    checked = 0
    for page in sorted(pages):
        response = client.get(page)
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            check_page(response, page)
            checked += 1
    assert checked >= (12 if who else 6)


@pytest.mark.django_db
def test_the_api_docs_work_under_the_policy(client):
    response = client.get("/api/v1/docs")
    check_page(response, "/api/v1/docs")


def test_production_sends_hsts_with_subdomains():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT)"
    )
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **{k: v for k, v in __import__("os").environ.items() if k not in {"DEBUG"}},
            "DJANGO_SETTINGS_MODULE": "motcua.settings",
            "MOTCUA_ENV": "production",
            "SECRET_KEY": GOOD_SECRET,
            "ALLOWED_HOSTS": "motcua.example",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["31536000", "True", "True"], result.stderr
    assert _start  # the same fresh-interpreter check as test_settings


@pytest.mark.django_db
def test_healthz_answers_over_plain_http_behind_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert client.get("/thu-tuc/").status_code == 301  # everything else goes to HTTPS
    secure = client.get("/thu-tuc/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.fixture
def database_down(monkeypatch):
    """The database refuses connections, as while PostgreSQL restarts: the open connection is
    closed and the driver's connect fails (psycopg's or sqlite3's own error)."""
    refused = (
        psycopg.OperationalError("connection refused: the database system is starting up")
        if connection.vendor == "postgresql"
        else sqlite3.OperationalError("unable to open database file")
    )

    def connect(*args, **kwargs):
        raise refused

    kept = None
    if connection.vendor == "sqlite":  # the in-memory test database is kept, set aside
        connection.ensure_connection()
        kept, connection.connection = connection.connection, None
    else:
        connection.close()
    monkeypatch.setattr(connection, "get_new_connection", connect)
    yield
    monkeypatch.undo()
    if kept is not None:
        connection.connection = kept


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_is_503_with_retry_after(database_down):
    client = Client(raise_request_exception=False)  # what a real server answers
    api = client.get("/api/v1/public/dossiers/000.01.HC.H26-260310-0001?verifier=1234")
    assert api.status_code == 503
    assert api["Content-Type"] == "application/problem+json"
    assert api["Retry-After"] == "10"
    assert api.json()["code"] == "database_unavailable"
    assert api.json()["detail"].startswith("Hiện không kết nối được cơ sở dữ liệu")
    page = client.get("/thu-tuc/")
    assert page.status_code == 503 and page["Retry-After"] == "10"
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json() == {"status": "unavailable", "database": "unreachable"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_run_in_chromium_without_a_policy_violation(
    open_session, people, clock, tmp_path
):
    """Chromium reports every script or style the policy blocks: none on the pages with inline
    scripts, htmx and the API docs (Swagger UI)."""
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())
    session = open_session()
    violations: list[str] = []
    session.page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    for path in ("/thu-tuc/1.001193/nop-truc-tuyen/", "/tra-cuu/", "/gop-y/", "/api/v1/docs"):
        session.go(path).wait_for_load_state("networkidle")
    assert session.page.locator(".swagger-ui .opblock").count() > 10  # Swagger UI ran
    session.sign_in("gd.tt")
    for path in (
        "/workspace/counter/",
        f"/workspace/dossiers/{dossier.code}/",
        "/workspace/security/",  # the passkey scripts of django-otp-webauthn
        "/workspace/dashboard/center/",
        "/workspace/dashboard/branch/",
    ):
        session.go(path).wait_for_load_state("networkidle")
    select = session.page.locator("select[data-autosubmit]")
    assert select.count() == 1  # the centre's director chooses the branch
    select.select_option(index=1)
    session.page.wait_for_url("**site=*")
    assert violations == []
