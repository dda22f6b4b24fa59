"""schemathesis hooks of the contract fuzzing (bench/schemathesis.toml)."""

from __future__ import annotations

import schemathesis
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case


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
