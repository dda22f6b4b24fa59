"""Problem details (RFC 9457) for every API error, with the message in the caller's language."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from pydantic import AwareDatetime, BeforeValidator
from pydantic_core import PydanticCustomError

from motcua.core.errors import DomainError, InvalidInput
from motcua.core.text import UNCLEAN, has_control, strip_invisible

PROBLEM_CONTENT_TYPE = "application/problem+json"
HHMM_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class Ref(Schema):
    """An object of the reference data (site, agency, procedure), by its code and name."""

    code: str
    name: str


def ref(obj) -> dict | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


def _iso_only(kind: str, pattern: str, message: str):
    """Refuse what pydantic would otherwise read as a date or time: numbers (Unix seconds) and
    strings that are not ISO 8601, so that ``?on=0`` is an error, not 1 January 1970."""
    shape = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and shape.fullmatch(value.strip()):
            return value
        if isinstance(value, date):
            return value
        raise PydanticCustomError(kind, message)

    return BeforeValidator(check)


_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATETIME = _DATE + r"[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|z|[+-][0-9]{2}:?[0-9]{2})?"
IsoDate = Annotated[date, _iso_only("date_parsing", _DATE, "Enter a valid date (YYYY-MM-DD).")]
IsoDatetime = Annotated[
    datetime, _iso_only("datetime_parsing", _DATETIME, "Enter a valid ISO 8601 date and time.")
]
IsoAwareDatetime = Annotated[
    AwareDatetime,
    _iso_only("datetime_parsing", _DATETIME, "Enter a valid ISO 8601 date and time."),
]


class ProblemFieldError(Schema):
    field: str = Field(description="The input field, dotted (applicant.name); empty if none.")
    message: str
    kind: str | None = Field(
        None,
        description="For input the schema refuses: the kind of error (missing, "
        "string_too_long, …). Absent when a rule refuses a well-formed value.",
    )


class Problem(Schema):
    """An error (RFC 9457 problem details); `detail` is in the caller's language. Some errors
    carry more members (e.g. the dossier's current version on a conflict)."""

    type: str = Field("about:blank")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    code: str | None = Field(None, description="Stable machine-readable reason, e.g. not_found.")
    errors: list[ProblemFieldError] | None = Field(None, description="Per-field messages.")


# The errors any operation may answer, besides the ones it declares itself.
ERRORS_ANY = {
    400: "Malformed request (unparsable body or parameters)",
    404: "Not found, or not in your scope",
    422: "Invalid input; `errors` says which field and why",
    503: "The database is unavailable for a moment; retry after Retry-After",
}
ERRORS_AUTHENTICATED = {
    401: "No valid session or API token",
    403: "Your role does not allow this",
}
ERRORS_WRITE = {
    409: "Conflict with the current state (a stale If-Match version, a forbidden transition)",
    413: "The request body is too large",
}
ERRORS_PUBLIC = {429: "Too many requests; see Retry-After"}


def problem_openapi_response(description: str) -> dict:
    """An OpenAPI response whose body is a :class:`Problem`."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": schema}}}


def document_problems(schema: dict) -> dict:
    """Declare on every operation of an OpenAPI ``schema`` the error responses it may give, each
    a problem+json :class:`Problem`; responses an operation declares keep their description."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            errors = dict(ERRORS_ANY)
            errors.update(ERRORS_AUTHENTICATED if operation.get("security") else ERRORS_PUBLIC)
            if method in ("post", "put", "patch", "delete"):
                errors.update(ERRORS_WRITE)
            responses = {int(k): v for k, v in operation.get("responses", {}).items()}
            for status, description in errors.items():
                responses.setdefault(status, problem_openapi_response(description))
            for status, response in responses.items():
                if status >= 400:
                    declared = response.get("description") or errors.get(int(status), "")
                    response.update(problem_openapi_response(declared))
            operation["responses"] = dict(sorted(responses.items()))
    return schema


def add_links(schema: dict, links: dict[tuple[str, str], dict[str, tuple[str, str, dict]]]) -> dict:
    """Add OpenAPI links: ``links[(method, path)]`` maps a link's name to the target operation's
    (method, path) and its parameters (runtime expressions such as ``$response.body#/code``).
    Every 2xx response of the source operation gets them."""
    paths = schema["paths"]
    for (method, path), named in links.items():
        source = paths[path][method]
        resolved = {
            name: {"operationId": paths[t_path][t_method]["operationId"], "parameters": params}
            for name, (t_method, t_path, params) in named.items()
        }
        for status, response in source["responses"].items():
            if 200 <= int(status) < 300:
                response["links"] = resolved
    return schema


def problem_response(*, status: int, title: str, detail: str, **extra: Any) -> HttpResponse:
    """An RFC 9457 problem: ``title`` and ``detail`` already in the caller's language."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def problem(
    api: NinjaAPI, request: HttpRequest, *, status: int, title: str, detail: str, **extra: Any
) -> HttpResponse:
    return problem_response(status=status, title=title, detail=detail, **extra)


class MalformedBody(DomainError):
    status = 400
    code = "malformed_body"


class ControlCharacters(InvalidInput):
    code = "invalid_input"


class _ControlFound(Exception):
    pass


def _cleaned(value: Any) -> Any:
    if type(value) is str:
        if UNCLEAN.search(value) is None:
            return value
        if has_control(value):
            raise _ControlFound
        return strip_invisible(value)
    if type(value) is dict:
        return {_cleaned(k): _cleaned(v) for k, v in value.items()}
    if type(value) is list:
        return [_cleaned(v) for v in value]
    return value


def _control_at(value: Any, field: str = "") -> str | None:
    """Where in ``value`` the first control character is (``applicant.name``)."""
    if isinstance(value, str):
        return field if has_control(value) else None
    if not isinstance(value, dict | list):
        return None
    for key, inner in value.items() if isinstance(value, dict) else enumerate(value):
        if isinstance(key, str) and has_control(key):
            return field  # a member's own name: the object that holds it
        found = _control_at(inner, f"{field}.{key}" if field else str(key))
        if found is not None:
            return found
    return None


def clean_input(value: Any) -> Any:
    """``value`` (parsed JSON or form data) with the text rule applied to every string in it:
    control characters refused (naming the field), invisible characters removed."""
    try:
        return _cleaned(value)
    except _ControlFound:
        raise ControlCharacters(
            _("The text contains control characters, which are not accepted."),
            field=_control_at(value) or None,
        ) from None


class CleaningParser(Parser):
    """Ninja's parser with the text rule applied to JSON bodies, query strings and forms."""

    def parse_body(self, request: HttpRequest) -> dict:
        try:
            data = json.loads(request.body)
        except ValueError as exc:
            raise MalformedBody(
                _("The request body is not valid JSON (%(reason)s).") % {"reason": exc}
            ) from exc
        return clean_input(data)

    def parse_querydict(self, data, list_fields, request):
        return clean_input(super().parse_querydict(data, list_fields, request))


def _field_of(location: tuple | list) -> str:
    """The field as the caller wrote it: ``applicant.name``, not Ninja's ``body.payload.…``
    (its body parameter's name is not part of the JSON)."""
    parts = list(location)
    if len(parts) > 2 and parts[0] == "body":
        parts = parts[2:]
    return ".".join(str(p) for p in parts if p not in ("query", "body", "path", "header"))


def install_problem_handlers(api: NinjaAPI) -> None:
    """Map every error the API can meet to a problem+json response."""

    @api.exception_handler(DomainError)
    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        extra: dict[str, Any] = {"code": exc.code, **exc.extra}
        if exc.field:
            extra["errors"] = [{"field": exc.field, "message": exc.detail}]
        response = problem(
            api, request, status=exc.status, title=str(exc.title), detail=exc.detail, **extra
        )
        if "retry_after" in exc.extra:  # a limit was hit (motcua.public.limits)
            response["Retry-After"] = str(exc.extra["retry_after"])
        return response

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {
                "field": _field_of(err.get("loc", ())),
                "message": _translate_pydantic(err),
                "kind": err.get("type", ""),
            }
            for err in exc.errors
        ]
        detail = "; ".join(
            f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors
        )
        return problem(
            api,
            request,
            status=422,
            title=_("Invalid input"),
            detail=detail,
            code="invalid_input",
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            api,
            request,
            status=401,
            title=_("Authentication required"),
            detail=_("Sign in, or send a valid API token in the Authorization header."),
            code="not_authenticated",
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, DomainError):  # raised by CleaningParser, wrapped by Ninja
            return on_domain_error(request, exc.__cause__)
        title = status_title(exc.status_code)
        return problem(
            api, request, status=exc.status_code, title=title, detail=title, code="http_error"
        )

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(
            api,
            request,
            status=413,
            title=status_title(413),
            detail=_("The request body is larger than the server accepts."),
            code="payload_too_large",
        )

    api.exception_handler(TooManyFieldsSent)(on_too_big)
    api.exception_handler(TooManyFilesSent)(on_too_big)

    @api.exception_handler(MultiPartParserError)
    def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return problem(
            api,
            request,
            status=400,
            title=_("Malformed request body"),
            detail=_("The request body is not valid multipart/form-data: %(reason)s")
            % {"reason": exc},
            code="malformed_body",
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(
            api,
            request,
            status=404,
            title=_("Not found"),
            detail=str(exc) or _("Not found"),
            code="not_found",
        )


def status_title(status: int) -> str:
    """The translated title of an HTTP error status."""
    titles = {
        400: _("Bad request"),
        401: _("Authentication required"),
        403: _("You may not do this"),
        404: _("Not found"),
        405: _("This method is not allowed here"),
        406: _("The requested representation is not available"),
        409: _("The request conflicts with the current state"),
        413: _("Request body too large"),
        415: _("Unsupported media type"),
        422: _("Invalid input"),
        429: _("Too many requests"),
        500: _("Internal error"),
        503: _("Service temporarily unavailable"),
    }
    return str(titles.get(status, _("The request failed")))


def _translate_pydantic(err: dict[str, Any]) -> str:
    """Give pydantic's error kinds a translated message (a general one for rare kinds: its own
    text is English)."""
    kind = err.get("type", "")
    messages = {
        "missing": _("This field is required."),
        "date_from_datetime_parsing": _("Enter a valid date (YYYY-MM-DD)."),
        "date_parsing": _("Enter a valid date (YYYY-MM-DD)."),
        "date_type": _("Enter a valid date (YYYY-MM-DD)."),
        "datetime_parsing": _(
            "Enter a valid date and time in ISO 8601 (2025-04-15T09:30:00+07:00)."
        ),
        "datetime_from_date_parsing": _(
            "Enter a valid date and time in ISO 8601 (2025-04-15T09:30:00+07:00)."
        ),
        "datetime_type": _("Enter a valid date and time in ISO 8601 (2025-04-15T09:30:00+07:00)."),
        "timezone_aware": _("The time must carry its UTC offset, e.g. +07:00."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "enum": _("Choose one of the allowed values."),
        "literal_error": _("Choose one of the allowed values."),
        "greater_than_equal": _("The value is too small."),
        "less_than_equal": _("The value is too large."),
        "string_too_long": _("The text is too long."),
        "string_too_short": _("The text is too short."),
        "string_type": _("Enter text."),
        "string_pattern_mismatch": _("The text does not have the expected form."),
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "float_parsing": _("Enter a number."),
        "float_type": _("Enter a number."),
        "decimal_parsing": _("Enter a number."),
        "decimal_type": _("Enter a number."),
        "int_from_float": _("Enter a whole number."),
        "time_parsing": _("Enter a valid time (HH:MM)."),
        "time_type": _("Enter a valid time (HH:MM)."),
        "uuid_parsing": _("Enter a valid UUID."),
        "uuid_type": _("Enter a valid UUID."),
        "list_type": _("Enter a list."),
        "dict_type": _("Enter an object."),
        "model_type": _("Enter an object."),
        "model_attributes_type": _("Enter an object."),
        "json_invalid": _("The request body is not valid JSON."),
        "json_type": _("The request body is not valid JSON."),
        "too_short": _("Too few items."),
        "too_long": _("Too many items."),
        "greater_than": _("The value is too small."),
        "less_than": _("The value is too large."),
        "extra_forbidden": _("This field is not accepted."),
        "url_parsing": _("Enter a valid address (URL)."),
        "url_type": _("Enter a valid address (URL)."),
    }
    return str(messages.get(kind, _("Invalid value.")))
