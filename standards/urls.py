"""The standards library's pages, mounted at the site root (see config/urls.py): /standards/…"""

from django.urls import path

from . import views

app_name = "standards"

urlpatterns = [
    path("standards/", views.standard_list, name="index"),
    path("standards/new/", views.standard_new, name="new"),
    path("standards/<int:pk>/", views.standard_detail, name="detail"),
    path("standards/<int:pk>/edit/", views.standard_edit, name="edit"),
    path("standards/<int:pk>/revise/", views.standard_revise, name="revise"),
    path("standards/<int:pk>/comment/", views.standard_comment, name="comment"),
    path("standards/<int:pk>/propose/", views.standard_propose, name="propose"),
    path("standards/proposals/<int:pk>/accept/", views.proposal_accept, name="proposal-accept"),
    path("standards/proposals/<int:pk>/decline/", views.proposal_decline,
         name="proposal-decline"),
]
