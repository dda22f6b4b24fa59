"""The JSON API, version 1: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from motcua.catalog.api import router as catalog_router
from motcua.core.api import install_problem_handlers
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


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
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
