"""Site-wide views: the landing page and error pages that speak problem+json under /api/."""

from __future__ import annotations

import json

from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.core.api import PROBLEM_CONTENT_TYPE


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def _api_problem(status: int, title: str, detail: str, code: str) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "code": code}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_problem(
            404, _("Not found"), _("There is no API resource at this address."), "not_found"
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_problem(
            500,
            _("Internal error"),
            _("The server met an unexpected error; it has been logged."),
            "internal_error",
        )
    return render(request, "500.html", status=500)


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and the admin ask for on every page: the static icon."""
    response = redirect(staticfiles_storage.url("motcua/favicon.ico"), permanent=True)
    response["Cache-Control"] = "public, max-age=86400"
    return response
