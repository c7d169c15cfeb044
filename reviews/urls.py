"""Improvement review pages, mounted at the site root (see config/urls.py): /reviews/…"""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.review_index, name="index"),
    path("reviews/<int:pk>/", views.review_detail, name="detail"),
    path("reviews/teams/<slug:slug>/", views.team_review, name="team"),
    path("reviews/teams/<slug:slug>/cadence/", views.team_cadence, name="team-cadence"),
    path("reviews/tiers/<int:level>/", views.tier_review, name="tier"),
    path("reviews/tiers/<int:level>/cadence/", views.tier_cadence, name="tier-cadence"),
]
