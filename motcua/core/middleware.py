"""Request hygiene applied before any view: the text rule of :mod:`motcua.core.text` on the
parts of a request that no schema or form sees first (the path, the query string, the form
fields that views read directly)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from motcua.core.api import PROBLEM_CONTENT_TYPE, problem_response, status_title
from motcua.core.text import has_control, scrub

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _scrubbed(data: QueryDict) -> QueryDict:
    """``data``, or a copy with control and invisible characters removed from every key and
    value, except passwords (compared as typed and never stored as text)."""
    changed = False
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        kept = values if "password" in key else [scrub(v) for v in values]
        changed |= scrub(key) != key or kept != values
        cleaned.setlist(scrub(key), kept)
    if not changed:
        return data
    cleaned._mutable = False
    return cleaned


@cache
def _scrubbing(request_class: type) -> type:
    """A subclass of ``request_class`` whose GET and POST are scrubbed when first read, so that
    the body is parsed no earlier than the view (or CSRF) asks for it."""

    class ScrubbingRequest(request_class):
        @cached_property
        def GET(self):  # noqa: N802 - Django's name
            return _scrubbed(super().GET)

        def _load_post_and_files(self):
            super()._load_post_and_files()
            self._post = _scrubbed(self._post)

    ScrubbingRequest.__name__ = f"Scrubbing{request_class.__name__}"
    return ScrubbingRequest


class InputHygieneMiddleware:
    """Refuse a path with control characters (400); for the API also a query string with
    them (422, naming the parameter); for pages, remove them (and invisible characters) from
    query and form values, which is what the forms' own cleaning would keep anyway.

    Under /api/, an error answered by something else than the API's handlers (a method not
    allowed, Django's own refusals) is turned into problem+json too: no HTML from the API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = is_api(request)
        if has_control(request.path_info):
            # The API's path parameters are input like any other (422, as the contract says of
            # schema-valid but refused text: docs/decisions/0014); a page's address is a 400.
            return self._refuse(request, api, 422 if api else 400, field="path")
        if api:
            for key, values in request.GET.lists():
                if has_control(key) or any(has_control(v) for v in values):
                    return self._refuse(request, api, 422, field=scrub(key) or "query")
        else:
            request.__class__ = _scrubbing(request.__class__)
        response = self.get_response(request)
        if api and response.status_code >= 400:
            return _as_problem(response)
        return response

    @staticmethod
    def _refuse(request: HttpRequest, api: bool, status: int, *, field: str) -> HttpResponse:
        detail = _("The text contains control characters, which are not accepted.")
        if api:
            return problem_response(
                status=status,
                title=_("Invalid input"),
                detail=f"{field}: {detail}",
                code="invalid_input",
                errors=[{"field": field, "message": detail}],
            )
        return render(request, "400.html", {"detail": detail}, status=400)


#: Headers of an error response that its problem+json replacement keeps.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _as_problem(response: HttpResponse) -> HttpResponse:
    content_type = response.get("Content-Type", "")
    if content_type.startswith((PROBLEM_CONTENT_TYPE, "application/json")):
        return response
    title = status_title(response.status_code)
    problem = problem_response(
        status=response.status_code, title=title, detail=title, code="http_error"
    )
    for header in _KEPT_HEADERS:
        if header in response:
            problem[header] = response[header]
    return problem
