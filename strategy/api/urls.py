from django.urls import path

from .system import (
    ExperimentViewSet,
    PlanningWindowViewSet,
    ProposalViewSet,
    ReviewViewSet,
    StandardViewSet,
)
from .views import (
    AnnualGoalViewSet,
    ConstraintViewSet,
    DeploymentViewSet,
    IdeaPrioritiesView,
    KPIViewSet,
    ObjectiveViewSet,
    PriorityViewSet,
)


def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
    router.register("objectives", ObjectiveViewSet, basename="objective")
    router.register("annual-goals", AnnualGoalViewSet, basename="annual-goal")
    router.register("priorities", PriorityViewSet, basename="priority")
    router.register("kpis", KPIViewSet, basename="kpi")
    router.register("constraints", ConstraintViewSet, basename="constraint")
    router.register("deployments", DeploymentViewSet, basename="deployment")
    router.register("experiments", ExperimentViewSet, basename="experiment")
    router.register("reviews", ReviewViewSet, basename="review")
    router.register("planning-windows", PlanningWindowViewSet, basename="planning-window")
    router.register("standards", StandardViewSet, basename="standard")
    router.register("standard-proposals", ProposalViewSet, basename="standard-proposal")


extra_urlpatterns = [
    path("ideas/<int:pk>/priorities/", IdeaPrioritiesView.as_view(), name="idea-priorities"),
]
