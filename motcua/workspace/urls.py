"""The staff workspace: /workspace/…"""

from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.workspace.views import counter, dashboards, dossier, home, inbox, online, returns

app_name = "workspace"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", home.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", home.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", home.PasswordChangeDoneView.as_view(), name="password_done"),
    path("site/", home.switch_site, name="switch_site"),
    # Counter desk (receiving officers)
    path("counter/", counter.desk, name="counter"),
    path("counter/procedures/", counter.procedure_search, name="procedure_search"),
    path("counter/procedures/<str:code>/", counter.intake, name="intake"),
    # Check of online dossiers (receiving officers)
    path("online/", online.queue, name="online"),
    path("online/<str:code>/", online.check, name="online_check"),
    # Return desk
    path("returns/", returns.desk, name="returns"),
    # Agency inbox
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/assign/", inbox.bulk_assign, name="bulk_assign"),
    # Dossiers
    path("dossiers/", dossier.search, name="dossiers"),
    path("dossiers/<str:code>/", dossier.detail, name="dossier"),
    path("dossiers/<str:code>/act/<str:action>/", dossier.act, name="act"),
    path("dossiers/<str:code>/components/<int:order>/", dossier.attach, name="attach"),
    path("dossiers/<str:code>/components/<int:order>/file/", dossier.scan, name="scan"),
    path("dossiers/<str:code>/result/", dossier.result_file, name="result_file"),
    # Dashboards
    path("dashboard/branch/", dashboards.branch, name="branch_dashboard"),
    path("dashboard/center/", dashboards.center, name="center_dashboard"),
    path("dashboard/continuity/", dashboards.continuity, name="continuity"),
]
