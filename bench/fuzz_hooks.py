"""schemathesis hooks of the contract fuzzing (bench/schemathesis.toml)."""

from __future__ import annotations

import json
from pathlib import Path

import schemathesis
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

# The documented example of a new dossier (motcua.dossiers.api.DOSSIER_EXAMPLE), read from the
# published schema: this module runs in schemathesis' process, without Django.
OPENAPI = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
DOSSIER_EXAMPLE = json.loads(OPENAPI.read_text())["components"]["schemas"]["DossierIn"]["examples"][
    0
]


@schemathesis.check
def schema_valid_data_passes_the_validator(ctx, response, case) -> bool | None:
    """Data valid by the published schema is never refused by the server's own validator.

    The server's validator says so by giving each field error a `kind` (a rule's refusal of a
    well-formed value has none); 400 is a parser's refusal. Either means the published schema
    and the validator disagree."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if is_unexpected_http_status_case(case):
        return None
    if response.status_code == 400:
        raise AssertionError("A request valid by the schema was refused as malformed (400)")
    if response.status_code == 422:
        try:
            errors = response.json().get("errors") or []
        except ValueError:
            errors = []
        kinds = [e for e in errors if isinstance(e, dict) and e.get("kind")]
        if kinds:
            raise AssertionError(
                f"A request valid by the schema was refused by the validator: {kinds}"
            )
    return None


# Codes that exist in the loaded reference data (bench/prepare.py, the test's fixture): a
# random procedure, ward or site code is refused, so without them the stateful phase makes
# almost no dossier to read and act on.
REAL_CODES = {
    "procedure": DOSSIER_EXAMPLE["procedure"],
    "site": None,
    "object_unit": "",
    "return_method": "site",
    "return_site": "CN01",
    "components": None,
}


@schemathesis.hook
def before_call(ctx, case, **kwargs) -> None:
    """In the stateful phase, a schema-valid new dossier names real codes and a real
    applicant, so that the create → read → act chains reach the actions (the other phases
    fuzz those fields)."""
    meta = case.meta
    if (
        meta is None
        or meta.phase.name != "stateful"
        or not meta.generation.mode.is_positive
        or case.method.upper() != "POST"
        or case.path != "/api/v1/dossiers"
        or not isinstance(case.body, dict)
    ):
        return
    case.body.update(REAL_CODES, applicant=dict(DOSSIER_EXAMPLE["applicant"]))
