from django.urls import path

from .views import (
    ExecutiveScorecardView,
    OrganisationScorecardView,
    TeamScorecardView,
    TierScorecardView,
)


def register(router) -> None:
    """The scorecard API has no viewsets: its routes are in ``extra_urlpatterns``."""


extra_urlpatterns = [
    path("scorecards/organisation/", OrganisationScorecardView.as_view(),
         name="scorecard-organisation"),
    path("scorecards/tiers/<int:level>/", TierScorecardView.as_view(), name="scorecard-tier"),
    path("scorecards/teams/<int:id>/", TeamScorecardView.as_view(), name="scorecard-team"),
    path("scorecards/executive/", ExecutiveScorecardView.as_view(), name="scorecard-executive"),
]
