from .views import TimeEntryViewSet


def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
    router.register("time-entries", TimeEntryViewSet, basename="time-entry")
