from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from motcua.core import clock
from motcua.core.auth import TOKEN_CACHE_SECONDS, TokenAuth
from motcua.core.models import ApiToken
from motcua.core.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db(transaction=True)


def authenticate(raw: str):
    return TokenAuth().authenticate(RequestFactory().get("/"), raw)


@pytest.fixture
def user():
    return get_user_model().objects.create_user("integration", password="x-not-used-9")


def test_a_token_is_read_once_then_trusted_for_a_few_seconds(user, django_assert_num_queries):
    token, raw = api_token_create(user=user)
    assert authenticate(raw) == user
    with django_assert_num_queries(0):
        assert authenticate(raw) == user
    assert 0 < TOKEN_CACHE_SECONDS <= 60


def test_a_revoked_token_is_refused_at_once_in_the_revoking_process(user):
    token, raw = api_token_create(user=user)
    assert authenticate(raw) == user
    api_token_revoke(token=token)
    assert authenticate(raw) is None


def test_a_wrong_token_is_not_remembered(user):
    assert authenticate("mc_not-a-token") is None
    token, raw = api_token_create(user=user)
    assert authenticate(raw) == user


def test_a_deactivated_user_is_refused_at_once(user):
    token, raw = api_token_create(user=user)
    assert authenticate(raw) == user
    user.is_active = False
    user.save()
    assert authenticate(raw) is None


def test_last_use_is_recorded_at_most_once_a_minute(user, monkeypatch):
    token, raw = api_token_create(user=user)
    start = clock.now()
    monkeypatch.setattr("motcua.core.auth.clock.now", lambda: start)
    authenticate(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == start
    monkeypatch.setattr("motcua.core.auth.clock.now", lambda: start + timedelta(seconds=30))
    authenticate(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == start
    later = start + timedelta(minutes=2)
    monkeypatch.setattr("motcua.core.auth.clock.now", lambda: later)
    authenticate(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == later


def test_a_token_expires(user, monkeypatch, settings):
    token, raw = api_token_create(user=user)
    assert token.expires_at - token.created_at >= timedelta(days=settings.API_TOKEN_DAYS - 1)
    assert authenticate(raw) == user
    later = token.expires_at + timedelta(seconds=1)
    monkeypatch.setattr("motcua.core.auth.clock.now", lambda: later)
    assert authenticate(raw) is None


def test_a_token_lasts_from_one_day_to_a_year(user):
    from motcua.core.errors import InvalidInput

    for days in (0, 367):
        with pytest.raises(InvalidInput):
            api_token_create(user=user, days=days)
    token, _raw = api_token_create(user=user, days=1)
    assert token.expires_at - token.created_at <= timedelta(days=1, seconds=1)


def test_a_read_only_token_reads_and_is_refused_any_change_with_a_problem(user, client):
    _token, raw = api_token_create(user=user, read_only=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/dossiers", **auth).status_code == 200
    for method in ("post", "put", "delete"):
        response = getattr(client, method)(
            "/api/v1/dossiers", data={}, content_type="application/json", **auth
        )
        if response.status_code == 405:
            continue  # no such route for this method; the POST below is the real check
        assert response.status_code == 403, method
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == "Mã truy cập API này chỉ được đọc."
    response = client.post(
        "/api/v1/dossiers/X/actions/accept", data={}, content_type="application/json", **auth
    )
    assert response.status_code == 403


def test_only_the_owner_or_a_superuser_revokes(user):
    from motcua.core.errors import PermissionDenied

    other = get_user_model().objects.create_user("someone", password="x-not-used-9")
    token, _raw = api_token_create(user=user)
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, by=other)
    api_token_revoke(token=token, by=user)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
