from .system_views import SystemicIssueViewSet, TimeEntryViewSet
from .views import IdeaViewSet


def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
    router.register("ideas", IdeaViewSet, basename="idea")
    router.register("time-entries", TimeEntryViewSet, basename="time-entry")
    router.register("systemic-issues", SystemicIssueViewSet, basename="systemic-issue")
