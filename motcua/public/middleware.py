"""Anonymous uploads are refused from their ``Content-Length``, before the body is read.

Only the online filing form takes files from people without an account. A request to it
larger than ``UPLOAD_MAX_FILING_MB`` gets 413 at once (a page in Vietnamese, or
problem+json when JSON is asked for), and the bytes a client offers count against its daily
upload budget (:func:`motcua.public.limits.check_upload`). It runs before the CSRF check,
which would otherwise read and parse the whole body first.
"""

from __future__ import annotations

import json
import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.core.api import PROBLEM_CONTENT_TYPE
from motcua.public.limits import TooManyRequests, check_upload, limit, limited_page

FILING_PATH = re.compile(r"/thu-tuc/[^/]+/nop-truc-tuyen/$")
MB = 1024 * 1024


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "json" in accept and "text/html" not in accept


def too_large(request: HttpRequest, *, size: int, cap: int) -> HttpResponse:
    detail = _(
        "The files sent together are %(size)s MB; an online filing may carry at most "
        "%(limit)s MB. Send smaller scans (each at most %(file)s MB), or bring the papers to "
        "a site's counter."
    ) % {"size": round(size / MB, 1), "limit": cap // MB, "file": limit("upload_max_file_mb")}
    if _wants_json(request):
        body = {
            "type": "about:blank",
            "title": _("Request too large"),
            "status": 413,
            "detail": detail,
            "code": "too_large",
        }
        return HttpResponse(
            json.dumps(body, ensure_ascii=False), status=413, content_type=PROBLEM_CONTENT_TYPE
        )
    return render(request, "public/too_large.html", {"message": detail}, status=413)


class PublicUploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and FILING_PATH.search(request.path_info):
            try:
                size = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                size = 0
            cap = limit("upload_max_filing_mb") * MB
            if size > cap:
                # Answered without reading the body (WSGI forbids setting ``Connection``: the
                # server drains or drops the unread body itself).
                return too_large(request, size=size, cap=cap)
            try:
                check_upload(request, size=size)
            except TooManyRequests as exc:
                return limited_page(request, exc)
        return self.get_response(request)
