"""System-work pages mounted at the site root (see config/urls.py): improvement reviews
(/reviews/…), the standards library (/standards/…) and experiments on items."""

from django.urls import path

from . import system_views as views

app_name = "system"

urlpatterns = [
    path("reviews/", views.review_index, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/teams/<slug:slug>/", views.team_review, name="team-review"),
    path("reviews/teams/<slug:slug>/cadence/", views.team_cadence, name="team-cadence"),
    path("reviews/tiers/<int:level>/", views.tier_review, name="tier-review"),
    path("reviews/tiers/<int:level>/cadence/", views.tier_cadence, name="tier-cadence"),
    path("standards/", views.standards, name="standards"),
    path("standards/new/", views.standard_new, name="standard-new"),
    path("standards/<int:pk>/", views.standard_detail, name="standard"),
    path("standards/<int:pk>/edit/", views.standard_edit, name="standard-edit"),
    path("standards/<int:pk>/revise/", views.standard_revise, name="standard-revise"),
    path("standards/<int:pk>/comment/", views.standard_comment, name="standard-comment"),
    path("standards/<int:pk>/propose/", views.standard_propose, name="standard-propose"),
    path("standards/proposals/<int:pk>/accept/", views.proposal_accept, name="proposal-accept"),
    path("standards/proposals/<int:pk>/decline/", views.proposal_decline,
         name="proposal-decline"),
    path("ideas/<int:pk>/experiments/", views.experiment_add, name="experiment-add"),
    path("experiments/<int:pk>/evidence/", views.experiment_evidence,
         name="experiment-evidence"),
    path("experiments/<int:pk>/decide/", views.experiment_decide, name="experiment-decide"),
]
