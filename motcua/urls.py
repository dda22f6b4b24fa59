from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from motcua.api import api
from motcua.core import views as core_views

admin.site.site_header = _("motcua – Public Administrative Service Center")
admin.site.site_title = _("motcua administration")
admin.site.index_title = _("Network, staff and calendar")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    # Passkeys (django-otp-webauthn reverses its own "otp_webauthn" namespace).
    path("workspace/security/webauthn/", include("django_otp_webauthn.urls")),
    path("workspace/security/", include("motcua.accounts.urls")),
    path("workspace/", include("motcua.workspace.urls")),
    path("", include("motcua.public.urls")),
    path("", include("motcua.feedback.urls")),
    path("", include("motcua.transparency.urls")),
    path("", core_views.home, name="home"),
]

handler400 = "motcua.core.views.bad_request"
handler404 = "motcua.core.views.not_found"
handler500 = "motcua.core.views.server_error"
