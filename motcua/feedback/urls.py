"""Ratings and complaints. Citizens' pages have Vietnamese addresses (/danh-gia/, /gop-y/…);
the staff desk lives in the workspace (/workspace/feedback/)."""

from django.urls import path

from motcua.feedback import views

app_name = "feedback"

urlpatterns = [
    path("danh-gia/", views.rate, name="rate"),
    path("gop-y/", views.complaint, name="complaint"),
    path("gop-y/da-gui/", views.complaint_sent, name="complaint_sent"),
    path("gop-y/theo-doi/", views.follow, name="follow"),
    path("gop-y/tra-loi/", views.answers, name="answers"),
    path("workspace/feedback/", views.desk, name="desk"),
    path("workspace/feedback/ratings/", views.ratings, name="ratings"),
    path("workspace/feedback/<str:code>/", views.detail, name="detail"),
    path("workspace/feedback/<str:code>/<str:action>/", views.act, name="act"),
]
