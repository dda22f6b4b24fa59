"""Problem details (RFC 9457) for every API error, with the message in the caller's language."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from motcua.core.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(
    api: NinjaAPI, request: HttpRequest, *, status: int, title: str, detail: str, **extra: Any
) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


def _field_of(location: tuple | list) -> str:
    parts = [str(part) for part in location if part not in ("query", "body", "path", "header")]
    return ".".join(parts)


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
        return problem(
            api, request, status=exc.status_code, title=str(exc), detail=str(exc), code="http_error"
        )

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


def _translate_pydantic(err: dict[str, Any]) -> str:
    """Give pydantic's common error kinds a translated message; keep its text otherwise."""
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
    }
    return str(messages.get(kind, err.get("msg", _("Invalid value."))))
