"""/workspace/security/…: the second factor, the security page, API tokens."""

from django.urls import path

from motcua.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.security, name="security"),
    path("verify/", views.verify, name="verify"),
    path("setup/", views.setup, name="setup"),
    path("locked/", views.locked, name="locked"),
    path("backup-codes/", views.backup_codes, name="backup_codes"),
    path("devices/<str:kind>/<int:pk>/remove/", views.device_remove, name="device_remove"),
    path("tokens/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
