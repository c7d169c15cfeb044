"""Systemic-issue pages, mounted at the site root (see config/urls.py): /systemic-issues/… and
linking an item to an issue from its page."""

from django.urls import path

from . import views

app_name = "systemic"

urlpatterns = [
    path("systemic-issues/", views.issue_list, name="list"),
    path("systemic-issues/new/", views.issue_new, name="new"),
    path("systemic-issues/suggest/", views.issue_suggest, name="suggest"),
    path("systemic-issues/<int:pk>/", views.issue_detail, name="detail"),
    path("systemic-issues/<int:pk>/edit/", views.issue_edit, name="edit"),
    path("systemic-issues/<int:pk>/link/", views.issue_link, name="link"),
    path("systemic-issues/<int:pk>/unlink/<int:idea_id>/", views.issue_unlink, name="unlink"),
    path("systemic-issues/<int:pk>/track/", views.issue_track, name="track"),
    path("ideas/<int:pk>/systemic-issue/", views.idea_link_issue, name="idea-link"),
]
