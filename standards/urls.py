"""The standards library's pages, mounted at the site root (see config/urls.py): /standards/…"""

from django.urls import include, path

from . import views

app_name = "standards"

urlpatterns = [
    path("standards/", include([
        path("", views.standard_list, name="index"),
        path("new/", views.standard_new, name="new"),
        # One standard: its page, the CoE's forms, and what anyone may say about it.
        path("<int:pk>/", include([
            path("", views.standard_detail, name="detail"),
            path("edit/", views.standard_edit, name="edit"),
            path("revise/", views.standard_revise, name="revise"),
            path("comment/", views.standard_comment, name="comment"),
            path("propose/", views.standard_propose, name="propose"),
        ])),
        # The CoE's answer to a proposed change.
        path("proposals/<int:pk>/", include([
            path("accept/", views.proposal_accept, name="proposal-accept"),
            path("decline/", views.proposal_decline, name="proposal-decline"),
        ])),
    ])),
]
