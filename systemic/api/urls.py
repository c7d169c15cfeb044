from .views import SystemicIssueViewSet


def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
    router.register("systemic-issues", SystemicIssueViewSet, basename="systemic-issue")
