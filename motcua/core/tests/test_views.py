import re

import pytest
from django.contrib.staticfiles import finders


def test_unknown_api_address_is_problem_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["detail"] == "Không có tài nguyên API ở địa chỉ này."


def test_unknown_page_is_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_home_speaks_vietnamese_first_and_english_on_request(client):
    assert "Trung tâm Phục vụ hành chính công" in client.get("/").content.decode()
    english = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "Public Administrative Service Center" in english


@pytest.mark.django_db
def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_openapi_and_docs_are_served(client):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "motcua API"
    assert client.get("/api/v1/docs").status_code == 200


def test_the_api_docs_load_nothing_from_outside(client):
    """Swagger UI comes from the static files bundled with Ninja: the page works on a
    network without internet (it was blank here when it loaded from a CDN)."""
    html = client.get("/api/v1/docs").content.decode()
    assert not re.search(r"""(src|href)=["']https?://""", html)
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert f"/static/{asset}" in html
        assert finders.find(asset) is not None
