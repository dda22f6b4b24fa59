"""The API's contract as documented: one schema per shape, errors as problem+json, links."""

import importlib
import re
from datetime import time

import pytest
from ninja import Schema

from motcua.api import api
from motcua.core.api import Problem

API_MODULES = [
    "motcua.catalog.api",
    "motcua.core.api",
    "motcua.dossiers.api",
    "motcua.feedback.api",
    "motcua.organization.api",
    "motcua.public.api",
    "motcua.transparency.api",
    "motcua.worktime.api",
]


@pytest.fixture(scope="module")
def openapi():
    return api.get_openapi_schema(path_prefix="/api/v1")


def _schemas() -> list[type[Schema]]:
    found = []
    for name in API_MODULES:
        module = importlib.import_module(name)
        found += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, Schema) and obj.__module__ == name
        ]
    return found


def test_no_two_schemas_share_a_name():
    """Ninja names a component after its class: two classes of one name documented one
    shape for both (ComponentOut, EventOut, DeadlineOut each described another endpoint's)."""
    names = [s.__name__ for s in _schemas()]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_every_documented_component_is_its_class(openapi):
    components = openapi["components"]["schemas"]
    for schema in _schemas():
        if schema.__name__ in components:
            documented = set(components[schema.__name__].get("properties", {}))
            real = set(schema.model_json_schema(by_alias=True).get("properties", {}))
            assert documented == real, schema.__name__


def _operations(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_every_error_response_is_a_documented_problem(openapi):
    problem = {"$ref": "#/components/schemas/Problem"}
    for name, operation in _operations(openapi):
        errors = {int(s): r for s, r in operation["responses"].items() if int(s) >= 400}
        assert {400, 404, 422, 503} <= set(errors), name
        assert (401 in errors) == bool(operation.get("security")), name
        for status, response in errors.items():
            content = response["content"]
            assert content == {"application/problem+json": {"schema": problem}}, (name, status)
    assert "Problem" in openapi["components"]["schemas"]


def test_declared_error_descriptions_are_kept(openapi):
    lookup = openapi["paths"]["/api/v1/public/dossiers/{code}"]["get"]["responses"]
    assert lookup[404]["description"].startswith("Unknown code or wrong verifier")


def test_links_chain_create_to_read_and_act(openapi):
    ids = {op["operationId"] for _, op in _operations(openapi)}
    create = openapi["paths"]["/api/v1/dossiers"]["post"]["responses"][201]
    assert set(create["links"]) >= {"GetDossier", "ActOnDossier", "GetDossierEvents"}
    for _name, operation in _operations(openapi):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                assert link["operationId"] in ids
                for expression in link["parameters"].values():
                    assert re.fullmatch(r"\$response\.(body#/[\w/]+|header\.[\w-]+)", expression)


def test_times_of_day_have_a_pattern_not_a_wrong_format(openapi):
    """`format: time` means RFC 3339 full-time with an offset; "15:00" is not one."""
    cutoff = openapi["components"]["schemas"]["TimeLimitOut"]["properties"]["cutoff"]
    assert "format" not in str(cutoff)
    assert re.fullmatch(cutoff["pattern"], "15:00")
    assert not re.fullmatch(cutoff["pattern"], "15:00:00")


def test_errors_match_the_problem_schema(client, db):
    for response in (
        client.get("/api/v1/procedures/9.999999"),
        client.get("/api/v1/procedures", {"limit": "many"}),
        client.get("/api/v1/dossiers"),
    ):
        assert response["Content-Type"] == "application/problem+json"
        body = Problem.model_validate(response.json())
        assert body.status == response.status_code


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/procedures?on=0", "on"),
        ("/api/v1/network?on=1700000000", "on"),
        ("/api/v1/units?on=0.5", "on"),
        ("/api/v1/calendar/days?from=0&to=2026-01-01", "from"),
        ("/api/v1/calendar/deadline?submitted_at=0&amount=1&unit=working_days", "submitted_at"),
    ],
)
def test_numbers_are_not_read_as_dates(client, db, path, field):
    """Pydantic reads 0 as 1 January 1970; the schema says an ISO 8601 date."""
    response = client.get(path)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == field
    assert error["kind"] in ("date_parsing", "datetime_parsing")


def test_schema_refusals_say_their_kind_rule_refusals_do_not(client, db):
    """A refusal by the schema carries the error's kind; a rule's refusal of a well-formed
    value does not (the contract fuzzing tells the two apart)."""
    by_schema = client.get("/api/v1/calendar/days?from=2026-01-01")
    assert by_schema.json()["errors"][0]["kind"] == "missing"
    by_rule = client.get("/api/v1/calendar/days?from=2026-02-01&to=2026-01-01")
    assert by_rule.status_code == 422
    assert "kind" not in by_rule.json()["errors"][0]


def test_real_answers_match_their_documented_schema(client, people, clock, openapi):
    """Four answers did not match what the schema said: a procedure's components (documented
    as a dossier's), the cut-off "15:00:00" (documented as `format: time`), a dossier's events
    (documented as a complaint's) and the calendar's deadline (documented as a complaint's)."""
    import jsonschema_rs

    from motcua.dossiers.tests.helpers import justice_procedure, receive

    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure(cutoff=time(15))
    dossier = receive(people, version)
    client.force_login(people["officer_cn01"])
    code = version.procedure.code
    answers = {
        "/api/v1/procedures/{code}": f"/api/v1/procedures/{code}?on=2026-03-10",
        "/api/v1/procedures": f"/api/v1/procedures?q={code}&on=2026-03-10",
        "/api/v1/dossiers/{code}/events": f"/api/v1/dossiers/{dossier.code}/events",
        "/api/v1/dossiers/{code}": f"/api/v1/dossiers/{dossier.code}",
        "/api/v1/calendar/deadline": "/api/v1/calendar/deadline?"
        "submitted_at=2026-02-13T16:00:00%2B07:00&amount=1&unit=working_days",
    }
    for path, url in answers.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        schema = openapi["paths"][path]["get"]["responses"][200]["content"]["application/json"]
        document = {**schema["schema"], "components": openapi["components"]}
        validator = jsonschema_rs.Draft202012Validator(document, validate_formats=True)
        errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(response.json())]
        assert errors == [], path
