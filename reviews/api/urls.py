from .views import ReviewViewSet


def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
    router.register("reviews", ReviewViewSet, basename="review")
