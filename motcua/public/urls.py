"""Public pages, in Vietnamese addresses: /tra-cuu/ (the QR code of every form points there),
/thu-tuc/… (the catalogue and online filing)."""

from django.urls import path

from motcua.public import views

app_name = "public"

urlpatterns = [
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/ket-qua/", views.result_download, name="result"),
    path("tra-cuu/xac-thuc/", views.confirm, name="confirm"),
    path("thu-tuc/", views.procedures, name="procedures"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", views.file_online, name="file"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/da-nop/", views.filed, name="filed"),
]
