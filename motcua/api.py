"""The JSON API, version 1: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from motcua.catalog.api import router as catalog_router
from motcua.core.api import (
    CleaningParser,
    add_links,
    document_problems,
    install_problem_handlers,
)
from motcua.dossiers.api import router as dossiers_router
from motcua.feedback.api import router as feedback_router
from motcua.organization.api import router as organization_router
from motcua.public.api import router as public_router
from motcua.transparency.api import router as transparency_router
from motcua.worktime.api import router as worktime_router


class UnicodeJSONRenderer(JSONRenderer):
    """Write Vietnamese as UTF-8 text rather than \\u escapes, so responses stay readable."""

    json_dumps_params = {"ensure_ascii": False}


class Docs(Swagger):
    """Ninja's Swagger page with a language and a note shown while the docs load (seconds on a
    slow machine, when the page was otherwise blank)."""

    template = "core/swagger.html"


_CODE = {"code": "$response.body#/code"}
_DOSSIER = "/api/v1/dossiers/{code}"
_COMPLAINT = "/api/v1/complaints/{code}"
_DOSSIER_LINKS = {
    "GetDossier": ("get", _DOSSIER, _CODE),
    "GetDossierEvents": ("get", _DOSSIER + "/events", _CODE),
    "ActOnDossier": (
        "post",
        _DOSSIER + "/actions/{action}",
        {**_CODE, "header.If-Match": "$response.header.ETag"},
    ),
    "AttachComponentScan": (
        "post",
        _DOSSIER + "/components/{order}/file",
        {**_CODE, "order": "$response.body#/components/0/order"},
    ),
}
# Links from the operations that create or read a resource to those that read it or act on it,
# so that a client (and stateful fuzzing) can chain create → read → act.
LINKS = {
    ("post", "/api/v1/dossiers"): _DOSSIER_LINKS,
    ("get", _DOSSIER): _DOSSIER_LINKS,
    ("post", _DOSSIER + "/actions/{action}"): _DOSSIER_LINKS,
    ("post", "/api/v1/public/complaints"): {
        "GetComplaint": ("get", _COMPLAINT, _CODE),
        "ActOnComplaint": ("post", _COMPLAINT + "/actions/{action}", _CODE),
    },
    ("get", _COMPLAINT): {"ActOnComplaint": ("post", _COMPLAINT + "/actions/{action}", _CODE)},
}


class MotcuaAPI(NinjaAPI):
    """Ninja's schema, with every operation's problem+json errors and the links added."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return add_links(document_problems(schema), LINKS)


api = MotcuaAPI(
    renderer=UnicodeJSONRenderer(),
    parser=CleaningParser(),
    title="motcua API",
    version="1",
    description=(
        "Quản lý hồ sơ một cửa của Trung tâm Phục vụ hành chính công thành phố Hà Nội. Lỗi "
        "trả về dạng application/problem+json, thông báo theo ngôn ngữ người gọi "
        "(Accept-Language: vi hoặc en; mặc định tiếng Việt).\n\n"
        "One-stop case management for Hanoi's Public Administrative Service Center. "
        "Errors are application/problem+json with a message in the caller's language "
        "(Accept-Language: vi or en; Vietnamese by default)."
    ),
    urls_namespace="api-v1",
    docs=Docs(),
)
install_problem_handlers(api)
api.add_router("", organization_router)
api.add_router("", worktime_router)
api.add_router("", catalog_router)
api.add_router("", dossiers_router)
api.add_router("", public_router)
api.add_router("", feedback_router)
api.add_router("", transparency_router)
