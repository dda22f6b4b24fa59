"""A passkey registered on the security page, then used as the second factor at sign-in.

Chromium's virtual authenticator (DevTools protocol, WebAuthn domain) stands in for the
phone or the laptop's fingerprint reader: a platform authenticator with user verification
that says yes by itself. Passkeys need a secure context: ``http://localhost`` is one, so the
browser opens the live server as localhost and the relying party is set to match it.

With ``MOTCUA_SAVE_SCREENSHOTS=1`` the second-factor page is saved into docs/screenshots/.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from motcua.accounts.tests.test_browser import password_step, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def virtual_authenticator(page) -> tuple[object, str]:
    """Attach a platform authenticator (a built-in passkey store) to ``page``'s browser tab."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


@pytest.fixture
def localhost_server(live_server, settings):
    """The live server as the browser must reach it for passkeys: by the name localhost."""
    parts = urlsplit(live_server.url)
    origin = f"http://localhost:{parts.port}"
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [origin]
    return origin


def test_a_director_adds_a_passkey_then_signs_in_with_it(open_session, people, localhost_server):
    director = people["director_cn01"]
    session = open_session()
    session.base_url = localhost_server
    errors: list[str] = []  # a script refused by the CSP, a failed fetch: the console says so
    session.page.on(
        "console",
        lambda m: errors.append(f"{m.location} {m.text}") if m.type == "error" else None,
    )
    session.page.on("pageerror", lambda exc: errors.append(str(exc)))
    page = session.sign_in("gd.cn01")  # the password, then the authenticator app's code
    cdp, authenticator = virtual_authenticator(page)
    totp = TOTPDevice.objects.get(user=director, confirmed=True)

    page = session.go("/workspace/security/")
    button = page.locator("#passkey-register-button")
    button.click()
    page.wait_for_function(
        "() => !document.querySelector('#passkey-register-button')?.disabled"
        " && document.querySelector('#passkey-register-status-message')?.textContent.trim()"
    )
    # The package's script speaks Vietnamese through locale/vi/LC_MESSAGES/djangojs.po.
    assert page.locator("#passkey-register-status-message").inner_text() == (
        "Đã thêm khóa truy cập."
    )
    credential = WebAuthnCredential.objects.get(user=director)
    assert credential.confirmed
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1
    page.reload()
    assert page.locator("form[action*='/devices/passkey/']").count() == 1

    # Sign out; the same browser (the same authenticator) signs in again.
    page.locator("details.user-menu summary").click()
    page.locator("details.user-menu form[action$='/workspace/logout/'] button").click()
    page.wait_for_load_state("networkidle")
    page = password_step(session, "gd.cn01")
    assert "/workspace/security/verify/" in page.url
    passkey_button = page.locator("#passkey-verification-button")
    assert passkey_button.is_visible()
    shot(page, "second-factor-passkey")
    passkey_button.click()
    page.wait_for_url("**/workspace/dashboard/**")
    assert "/security/" not in page.url

    credential.refresh_from_db()
    assert credential.last_used_at is not None  # django-otp's login() with the passkey
    # The passkey did it, not the app: the authenticator app's last accepted step did not move.
    assert TOTPDevice.objects.get(pk=totp.pk).last_t == totp.last_t
    assert WebAuthnCredential.objects.filter(user=director, confirmed=True).count() == 1
    assert errors == []
