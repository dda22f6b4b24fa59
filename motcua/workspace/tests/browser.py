"""Playwright driving Debian's Chromium against the live test server (tests marked browser).

Never ``playwright install``: the browser is the ``chromium`` package on PATH. The live server
runs in a thread of the test process, hence DJANGO_ALLOW_ASYNC_UNSAFE (set in the conftest).
"""

from __future__ import annotations

import shutil

import pytest

from motcua.core.management.commands.screenshots import CHROMIUM_ARGS

PASSWORD = "motcua-test-pass"  # the factories' password


@pytest.fixture(scope="session")
def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """One person's browser tab on the live server."""

    def __init__(self, browser, base_url: str, *, width: int = 1366, height: int = 768):
        self.base_url = base_url
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, locale="vi-VN"
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def sign_in(self, username: str, password: str = PASSWORD):
        """Sign in; a person whose post requires a second factor is given an authenticator
        (when they have none) and types its current code, as on their phone."""
        from django.contrib.auth import get_user_model

        from motcua.accounts.policy import needs_second_factor
        from motcua.accounts.testing import current_code, totp_device_for

        user = get_user_model().objects.filter(username=username).first()
        device = totp_device_for(user) if user and needs_second_factor(user) else None
        page = self.go("/workspace/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        if device is not None and "/security/verify/" in page.url:
            page.fill("#id_token", current_code(device))
            page.click("main button[type=submit]")
            page.wait_for_load_state("networkidle")
        assert "/login/" not in page.url, f"{username} could not sign in"
        assert "/security/" not in page.url, f"{username} did not pass the second factor"
        return page

    def close(self):
        self.context.close()


@pytest.fixture
def open_session(chromium, live_server):
    sessions: list[Session] = []

    def make(**kwargs) -> Session:
        session = Session(chromium, live_server.url, **kwargs)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()
