"""The transparency portal, in Vietnamese addresses: /minh-bach/ (the whole city and the
branches ranked), /minh-bach/<chi-nhanh|diem|co-quan|thu-tuc>/[<code>/] and the open data at
/minh-bach/du-lieu/."""

from django.urls import path, re_path

from motcua.transparency import views

app_name = "transparency"

urlpatterns = [
    path("minh-bach/", views.overview, name="overview"),
    path("minh-bach/du-lieu/", views.data_index, name="data"),
    re_path(
        r"^minh-bach/du-lieu/(?P<period>\d{4}(?:-\d{2}|-[Qq][1-4])?)/(?P<kind>[a-z]+)\.(?P<fmt>csv|json)$",
        views.data_file,
        name="data_file",
    ),
    path("minh-bach/<slug:slug>/", views.dimension, name="dimension"),
    path("minh-bach/<slug:slug>/<str:key>/", views.unit, name="unit"),
]
