"""Input hygiene: a NUL, a control character or invisible-only text never reaches the database
as it came (PostgreSQL answered 500 to a NUL on 15 of 24 endpoints), on every API operation and
every page."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from motcua.api import api
from motcua.dossiers.tests.helpers import justice_procedure

pytestmark = pytest.mark.django_db

NUL = "\x00"


def _schema_of(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _operations():
    """Every API operation: (method, path template, its OpenAPI description)."""
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation, components


def _url(path: str, operation: dict, *, text: str) -> str:
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            kind = param.get("schema", {}).get("type")
            path = path.replace("{" + param["name"] + "}", "1" if kind == "integer" else text)
    return path


def _nul_body(operation: dict, components: dict) -> tuple[dict, str | None]:
    """A body whose every top-level field (and a nested object's) is a NUL."""
    content = operation.get("requestBody", {}).get("content", {})
    for media, described in content.items():
        schema = _schema_of(described.get("schema", {}), components)
        body = {}
        for name, prop in schema.get("properties", {}).items():
            inner = _schema_of(prop, components)
            if inner.get("type") == "object" or "properties" in inner:
                body[name] = dict.fromkeys(inner.get("properties", {}), NUL)
            else:
                body[name] = NUL
        return body, media
    return {}, None


def _send(client, method: str, url: str, query: dict, body: dict, media: str | None):
    if media == "application/json":
        return client.generic(
            method.upper(),
            url + "?" + "&".join(f"{k}=a%00" for k in query),
            __import__("json").dumps(body),
            content_type=media,
        )
    kwargs = {"data": body} if media else {}
    target = url + ("?" + "&".join(f"{k}=a%00" for k in query) if query else "")
    return getattr(client, method)(target, **kwargs)


def test_a_nul_anywhere_in_an_api_request_is_a_problem_not_a_500(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    justice_procedure()
    client.force_login(people["center_director"])
    seen = 0
    for method, path, operation, components in _operations():
        query = {p["name"]: NUL for p in operation.get("parameters", []) if p["in"] == "query"}
        body, media = _nul_body(operation, components)
        for text in ("A\x00", "A"):
            response = _send(client, method, _url(path, operation, text=text), query, body, media)
            where = f"{method.upper()} {path} ({text!r} in the path)"
            assert response.status_code < 500, where
            if response.status_code >= 400:
                assert response["Content-Type"] == "application/problem+json", where
                assert response.json()["detail"], where
            seen += 1
    assert seen > 40


def _pages(resolver=None, prefix=""):
    """The site's pages without parameters (the admin apart)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith(("admin", "api", "i18n")):
                yield from _pages(pattern, route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
            yield "/" + route.lstrip("^").rstrip("$")


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_nul_in_any_page_query_or_form_is_not_a_500(client, people, clock, signed_in):
    clock.set(2026, 3, 10, 9, 0)
    justice_procedure()
    if signed_in:
        client.force_login(people["officer_cn01"])
    fields = dict.fromkeys(("q", "code", "verifier", "name", "text", "site"), "a\x00\x01")
    pages = sorted(set(_pages()))
    assert "/thu-tuc/" in pages and "/workspace/dossiers/" in pages
    for page in pages:
        query = "&".join(f"{k}=a%00%01" for k in fields)
        assert client.get(f"{page}?{query}").status_code < 500, page
        assert client.post(page, fields).status_code < 500, page


def test_a_nul_in_the_public_search_is_removed(client, hanoi_data):
    response = client.get("/thu-tuc/?q=khai%00sinh")
    assert response.status_code == 200
    assert "khaisinh" in response.content.decode() or "khai" in response.content.decode()


def test_a_nul_in_a_path_is_refused(client, hanoi_data):
    response = client.get("/api/v1/public/dossiers/A%00?verifier=1234")
    assert response.status_code == 422  # input the API refuses, not a malformed request
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "path"
    assert client.get("/thu-tuc/A%00/").status_code == 400


def test_a_nul_in_an_api_query_names_the_parameter(client, hanoi_data):
    response = client.get("/api/v1/public/dossiers/A?verifier=12%0034")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [
        {"field": "verifier", "message": "Văn bản chứa ký tự điều khiển, không được chấp nhận."}
    ]


def file_for(client, people, name: str):
    """An officer's intake through the API for an applicant called ``name``."""
    version = justice_procedure()
    client.force_login(people["officer_cn01"])
    return client.post(
        "/api/v1/dossiers",
        {
            "procedure": version.procedure.code,
            "applicant": {"name": name, "id_number": "001090000001"},
            "return_site": "CN01",
        },
        content_type="application/json",
    )


def test_control_characters_in_a_json_body_are_refused_next_to_their_field(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    response = file_for(client, people, "Lê Văn\x07 A")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "applicant.name"
    nul = client.post("/api/v1/dossiers", {"procedure": "\x00"}, content_type="application/json")
    assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "procedure"


def test_a_control_character_in_a_member_name_is_refused_as_input(client, people):
    """Found by schemathesis: a control character in an unknown member's name gave 400."""
    client.force_login(people["officer_cn01"])
    body = '{"procedure": "1.000894", "x": {"\\u0006y": 1}}'
    response = client.post("/api/v1/dossiers", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "x"


def test_a_name_of_invisible_characters_only_is_empty(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    response = file_for(client, people, "\u200b\u200d\u2060")
    assert response.status_code == 422
    assert "applicant.name" in {e["field"] for e in response.json()["errors"]}
