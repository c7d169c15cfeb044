from django.urls import path

from .catchball import DeploymentViewSet
from .constraints import ConstraintViewSet
from .kpis import KPIViewSet
from .priorities import AnnualGoalViewSet, IdeaPrioritiesView, ObjectiveViewSet, PriorityViewSet
from .windows import PlanningWindowViewSet


def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
    router.register("objectives", ObjectiveViewSet, basename="objective")
    router.register("annual-goals", AnnualGoalViewSet, basename="annual-goal")
    router.register("priorities", PriorityViewSet, basename="priority")
    router.register("kpis", KPIViewSet, basename="kpi")
    router.register("constraints", ConstraintViewSet, basename="constraint")
    router.register("deployments", DeploymentViewSet, basename="deployment")
    router.register("planning-windows", PlanningWindowViewSet, basename="planning-window")


extra_urlpatterns = [
    path("ideas/<int:pk>/priorities/", IdeaPrioritiesView.as_view(), name="idea-priorities"),
]
