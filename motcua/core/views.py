"""Site-wide views: the landing page, the health check and error pages that speak
problem+json under /api/."""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.core.api import problem_response, status_title
from motcua.core.middleware import is_api

#: Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 10

log = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers, over plain HTTP too: 200 when this process can query the database,
    503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        log.warning("healthz: the database cannot be reached: %s", exc)
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return problem_response(
            status=404,
            title=_("Not found"),
            detail=_("There is no API resource at this address."),
            code="not_found",
        )
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return problem_response(
            status=400, title=status_title(400), detail=status_title(400), code="bad_request"
        )
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception: a lost database is a 503 to retry.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    if is_api(request):
        return problem_response(
            status=500,
            title=_("Internal error"),
            detail=_("The server met an unexpected error; it has been logged."),
            code="internal_error",
        )
    return render(request, "500.html", status=500)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the database is restarting or unreachable."""
    detail = _("The database cannot be reached at the moment; try again in a few seconds.")
    if is_api(request):
        response = problem_response(
            status=503, title=status_title(503), detail=detail, code="database_unavailable"
        )
    else:
        # No template: rendering one could need the database (sessions, the user).
        response = HttpResponse(
            f"<!doctype html><html lang=vi><meta charset=utf-8><title>503</title>"
            f"<h1>{status_title(503)}</h1><p>{detail}</p></html>",
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
