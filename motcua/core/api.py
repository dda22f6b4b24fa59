"""Problem details (RFC 9457) for every API error, with the message in the caller's language."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from motcua.core.errors import DomainError, InvalidInput
from motcua.core.text import UNCLEAN, has_control, strip_invisible

PROBLEM_CONTENT_TYPE = "application/problem+json"


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
    items = value.items() if isinstance(value, dict) else enumerate(value)
    if not isinstance(value, dict | list):
        return None
    for key, inner in items:
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
        return problem(
            api, request, status=exc.status, title=str(exc.title), detail=exc.detail, **extra
        )

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field_of(err.get("loc", ())), "message": _translate_pydantic(err)}
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
