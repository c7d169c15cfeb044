from .views import ExperimentViewSet


def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
    router.register("experiments", ExperimentViewSet, basename="experiment")
