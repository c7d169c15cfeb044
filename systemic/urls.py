"""Systemic-issue pages, mounted at the site root (see config/urls.py): /systemic-issues/… and
linking an item to an issue from its page."""

from django.urls import include, path

from . import views

app_name = "systemic"

urlpatterns = [
    path("systemic-issues/", include([
        path("", views.issue_list, name="list"),
        path("new/", views.issue_new, name="new"),
        path("suggest/", views.issue_suggest, name="suggest"),
        # One issue: its page, its card and the items it gathers.
        path("<int:pk>/", include([
            path("", views.issue_detail, name="detail"),
            path("edit/", views.issue_edit, name="edit"),
            path("link/", views.issue_link, name="link"),
            path("unlink/<int:idea_id>/", views.issue_unlink, name="unlink"),
            path("track/", views.issue_track, name="track"),
        ])),
    ])),
    path("ideas/<int:pk>/systemic-issue/", views.idea_link_issue, name="idea-link"),
]
