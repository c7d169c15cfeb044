from .views import IdeaViewSet


def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
    router.register("ideas", IdeaViewSet, basename="idea")
