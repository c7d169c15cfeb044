from django.urls import path

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


extra_urlpatterns = [
    path("ideas/<int:pk>/priorities/", IdeaPrioritiesView.as_view(), name="idea-priorities"),
]
