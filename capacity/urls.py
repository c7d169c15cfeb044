"""Improvement-time and capacity pages, mounted at the site root (see config/urls.py)."""

from django.urls import include, path

from . import views

app_name = "capacity"

urlpatterns = [
    path("ideas/<int:pk>/time/", views.time_log, name="time-log"),
    path("time-entries/<int:entry_id>/delete/", views.time_delete, name="time-delete"),
    path("capacity/", include([
        path("", views.capacity_overview, name="overview"),
        path("<slug:slug>/", views.capacity_team, name="team"),
        path("<slug:slug>/time/", views.slack_log, name="slack-log"),
    ])),
]
