"""Improvement review pages, mounted at the site root (see config/urls.py): /reviews/…"""

from django.urls import include, path

from . import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", include([
        path("", views.review_index, name="index"),
        path("<int:pk>/", views.review_detail, name="detail"),
        # A team's review and how often it happens; likewise a tier's leads together.
        path("teams/<slug:slug>/", include([
            path("", views.team_review, name="team"),
            path("cadence/", views.team_cadence, name="team-cadence"),
        ])),
        path("tiers/<int:level>/", include([
            path("", views.tier_review, name="tier"),
            path("cadence/", views.tier_cadence, name="tier-cadence"),
        ])),
    ])),
]
