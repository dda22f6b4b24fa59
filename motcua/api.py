"""The JSON API, version 1: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from motcua.catalog.api import router as catalog_router
from motcua.core.api import CleaningParser, install_problem_handlers
from motcua.dossiers.api import router as dossiers_router
from motcua.feedback.api import router as feedback_router
from motcua.organization.api import router as organization_router
from motcua.public.api import router as public_router
from motcua.transparency.api import router as transparency_router
from motcua.worktime.api import router as worktime_router


class UnicodeJSONRenderer(JSONRenderer):
    """Write Vietnamese as UTF-8 text rather than \\u escapes, so responses stay readable."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    parser=CleaningParser(),
    title="motcua API",
    version="1",
    description=(
        "One-stop case management for Hanoi's Public Administrative Service Center. "
        "Errors are application/problem+json with a message in the caller's language "
        "(Accept-Language: vi or en; Vietnamese by default)."
    ),
    urls_namespace="api-v1",
)
install_problem_handlers(api)
api.add_router("", organization_router)
api.add_router("", worktime_router)
api.add_router("", catalog_router)
api.add_router("", dossiers_router)
api.add_router("", public_router)
api.add_router("", feedback_router)
api.add_router("", transparency_router)
