"""Sign-in: lockout, the second factor, session limits, the security page and its tokens."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db.models import F
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from motcua.accounts.policy import LAST_SEEN_AT, SIGNED_IN_AT, needs_second_factor
from motcua.accounts.testing import current_code
from motcua.core.models import ApiToken
from motcua.organization.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db

PASSWORD = "motcua-test-pass"  # the factories'


def sign_in(client, username, password=PASSWORD, path="/workspace/login/"):
    return client.post(path, {"username": username, "password": password})


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


@pytest.fixture
def admin(db):
    user = StaffProfileFactory(user__username="quantri").user
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_sixty_wrong_passwords_then_the_right_one_is_locked_out(client, people):
    # No test clock here: django-axes reads the real one.
    for _attempt in range(60):
        response = sign_in(client, "tn.cn01", "not-the-password")
        assert not signed_in(client)
    response = sign_in(client, "tn.cn01")
    assert response.status_code == 429 and not signed_in(client)
    html = response.content.decode()
    assert "Tài khoản đang bị tạm khóa" in html and "15 phút" in html
    assert response["Retry-After"] == "900"
    # The admin's sign-in is the same lock.
    assert sign_in(client, "tn.cn01", path="/admin/login/").status_code == 429
    # Another account is not concerned (the lock is per account: one address for an office).
    assert sign_in(client, "tn.cn07").status_code == 302 and signed_in(client)
    client.logout()
    # After the cool-off, the right password works again.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert sign_in(client, "tn.cn01").status_code == 302 and signed_in(client)


def test_a_few_wrong_passwords_then_the_right_one_works_and_resets_the_count(client, people):
    for _attempt in range(4):
        sign_in(client, "tn.cn01", "not-the-password")
    assert sign_in(client, "tn.cn01").status_code == 302 and signed_in(client)
    client.logout()
    for _attempt in range(4):
        sign_in(client, "tn.cn01", "not-the-password")
    assert sign_in(client, "tn.cn01").status_code == 302


@pytest.mark.parametrize("persona", ["center_director", "director_cn01", "inspector", "admin"])
def test_the_administrator_directors_and_inspectors_must_pass_a_second_factor(
    client, people, admin, persona
):
    user = admin if persona == "admin" else people[persona]
    assert needs_second_factor(user)
    response = sign_in(client, user.username)
    assert response.status_code == 302 and signed_in(client)
    landing = client.get(response["Location"])
    assert landing.status_code == 302
    assert landing["Location"].startswith("/workspace/security/setup/")
    for path in ("/workspace/dossiers/", "/admin/"):
        refused = client.get(path)
        assert refused.status_code == 302, path
        assert refused["Location"].startswith("/workspace/security/setup/"), path
    api = client.get("/api/v1/dossiers")
    assert api.status_code == 403 and api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "second_factor_required"


@pytest.mark.parametrize("persona", ["officer_cn01", "specialist_tp", "leader_tp"])
def test_others_are_offered_a_second_factor_but_not_made_to(client, people, persona):
    assert not needs_second_factor(people[persona])
    client.force_login(people[persona], verified=False)
    assert client.get("/workspace/dossiers/").status_code == 200
    assert client.get("/workspace/security/").status_code == 200


def test_set_up_with_the_qr_code_then_sign_in_with_the_app_or_a_backup_code(
    client, people, settings
):
    # After a wrong code django-otp makes the device wait 1 s, 2 s, 4 s…; not tested here.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    director = people["director_cn01"]
    client.force_login(director, verified=False)
    page = client.get("/workspace/security/setup/?next=/workspace/dossiers/")
    html = page.content.decode()
    assert page.status_code == 200 and "data:image/svg+xml;base64," in html
    device = TOTPDevice.objects.get(user=director, confirmed=False)
    assert client.post("/workspace/security/setup/", {"token": "000000"}).status_code == 422
    done = client.post(
        "/workspace/security/setup/",
        {"token": current_code(device), "next": "/workspace/dossiers/"},
    )
    assert done.status_code == 200
    codes = [c.split("</code>")[0] for c in done.content.decode().split("<code>")[1:]]
    assert len(codes) == 10
    assert client.get("/workspace/dossiers/").status_code == 200
    # Signing in again asks for the code; a thief with only the password cannot add a device.
    client.logout()
    response = sign_in(client, "gd.cn01")
    assert client.get(response["Location"])["Location"].startswith("/workspace/security/verify/")
    assert client.get("/workspace/security/setup/").status_code == 302
    assert client.post("/workspace/security/verify/", {"token": "123456"}).status_code == 422
    ok = client.post(
        "/workspace/security/verify/",
        {"token": current_code(device), "next": "/workspace/dossiers/"},
    )
    assert ok.status_code == 302 and ok["Location"] == "/workspace/dossiers/"
    assert client.get("/workspace/dossiers/").status_code == 200
    # A backup code works once.
    for expected in (302, 422):
        client.logout()
        sign_in(client, "gd.cn01")
        response = client.post("/workspace/security/verify/", {"token": codes[0]})
        assert response.status_code == expected


def test_someone_who_set_up_a_second_factor_is_asked_for_it_whatever_the_post(client, people):
    officer = people["officer_cn01"]
    TOTPDevice.objects.create(user=officer, name="authenticator", confirmed=True)
    response = sign_in(client, "tn.cn01")
    landing = client.get(response["Location"])
    assert landing["Location"].startswith("/workspace/security/verify/")


def test_an_idle_session_ends_after_thirty_minutes(client, people, settings):
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    client.force_login(people["officer_cn01"])
    assert client.get("/workspace/dossiers/").status_code == 200
    session = client.session
    session[LAST_SEEN_AT] = time.time() - 29 * 60
    session.save()
    assert client.get("/workspace/dossiers/").status_code == 200  # still there, and seen now
    session = client.session
    assert time.time() - session[LAST_SEEN_AT] < 5
    session[LAST_SEEN_AT] = time.time() - 31 * 60
    session.save()
    response = client.get("/workspace/dossiers/")
    assert response.status_code == 302 and response["Location"].startswith("/workspace/login/")
    assert not signed_in(client)
    login = client.get(response["Location"]).content.decode()
    assert "không thao tác" in login


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client, people, settings):
    assert settings.SESSION_MAX_SECONDS == 12 * 3600
    client.force_login(people["officer_cn01"])
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 12 * 3600 - 1
    session.save()
    response = client.get("/workspace/dossiers/")
    assert response.status_code == 302 and not signed_in(client)
    assert "thời hạn tối đa" in client.get(response["Location"]).content.decode()


def test_the_api_is_signed_out_too_when_the_session_is_idle(client, people):
    client.force_login(people["officer_cn01"])
    session = client.session
    session[LAST_SEEN_AT] = time.time() - 31 * 60
    session.save()
    response = client.get("/api/v1/dossiers")
    assert response.status_code == 401


def test_the_owner_creates_lists_and_revokes_tokens_on_the_security_page(client, people):
    officer = people["officer_cn01"]
    client.force_login(officer)
    response = client.post(
        "/workspace/security/tokens/", {"name": "báo cáo", "days": "30", "read_only": "on"}
    )
    assert response.status_code == 302
    page = client.get("/workspace/security/").content.decode()
    raw = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert raw.startswith("mc_")
    assert raw not in client.get("/workspace/security/").content.decode()  # shown once
    token = ApiToken.objects.get(user=officer)
    assert token.read_only and token.name == "báo cáo"
    assert abs(token.expires_at - token.created_at - timedelta(days=30)) < timedelta(seconds=5)
    api = client.__class__()
    assert api.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    # Someone else cannot revoke it.
    other = client.__class__()
    other.force_login(people["officer_cn07"])
    assert other.post(f"/workspace/security/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/workspace/security/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_administrator_revokes_any_token_in_the_admin(client, people, admin):
    from motcua.core.services import api_token_create

    token, raw = api_token_create(user=people["officer_cn01"], name="tích hợp")
    client.force_login(admin)
    response = client.post(
        "/admin/core/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_weak_passwords_are_refused_and_the_demo_one_passes(people):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from motcua.core.errors import InvalidInput
    from motcua.organization.services.staff import DEMO_PASSWORD, staff_create

    with pytest.raises(InvalidInput) as refused:
        staff_create(username="yeu", full_name="Mật khẩu yếu", password="motcua2026")
    assert "12" in refused.value.detail
    with pytest.raises(ValidationError):
        validate_password("motcua2026")
    validate_password(DEMO_PASSWORD)
    staff_create(username="manh", full_name="Mật khẩu mạnh", password=DEMO_PASSWORD)


def test_the_password_change_page_refuses_a_short_password(client, people):
    client.force_login(people["officer_cn01"])
    response = client.post(
        "/workspace/password/",
        {"old_password": PASSWORD, "new_password1": "motcua2026", "new_password2": "motcua2026"},
    )
    assert response.status_code == 200
    assert "12" in response.content.decode()


def test_the_lockout_page_has_its_own_address(client):
    response = client.get("/workspace/security/locked/")
    assert response.status_code == 429 and "Tài khoản đang bị tạm khóa" in response.content.decode()


def test_passkeys_offer_registration_to_a_verified_person_only(client, people):
    """django-otp-webauthn's ceremony starts (the browser side needs a real authenticator)."""
    director = people["director_cn01"]
    client.force_login(director, verified=False)
    refused = client.post("/workspace/security/webauthn/registration/begin/")
    assert refused.status_code == 302 and "/security/setup/" in refused["Location"]
    client.force_login(director)
    begun = client.post("/workspace/security/webauthn/registration/begin/")
    assert begun.status_code == 200, begun.content[:300]
    options = begun.json()
    assert options["challenge"] and options["rp"]["id"] == "localhost"
    page = client.get("/workspace/security/", headers={"host": "localhost:8000"}).content.decode()
    assert 'id="passkey-registration-placeholder"' in page and "otp_webauthn_config" in page


def test_a_page_asked_at_another_name_than_the_relying_party_links_to_where_passkeys_work(
    client, people, settings
):
    """The demo at 127.0.0.1 is the server at localhost, but the browser refuses a passkey
    there (the relying party is localhost): the pages say where to go instead of failing."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost:8000"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "hoso.localhost"]
    director = people["director_cn01"]
    client.force_login(director)
    page = client.get("/workspace/security/", headers={"host": "127.0.0.1:8000"}).content.decode()
    assert "otp_webauthn_config" not in page and "passkey-register-button" not in page
    assert 'href="http://localhost:8000/workspace/security/"' in page
    client.logout()
    client.force_login(director, verified=False)
    WebAuthnCredential.objects.create(user=director, name="laptop", confirmed=True)
    page = client.get(
        "/workspace/security/verify/?next=/workspace/", headers={"host": "127.0.0.1:8000"}
    ).content.decode()
    assert "otp_webauthn_auth.js" not in page
    assert 'href="http://localhost:8000/workspace/security/verify/?next=/workspace/"' in page
    page = client.get(
        "/workspace/security/verify/", headers={"host": "hoso.localhost:8000"}
    ).content.decode()
    assert "otp_webauthn_auth.js" in page and "passkey-elsewhere" not in page
