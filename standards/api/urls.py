from .views import ProposalViewSet, StandardViewSet


def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
    router.register("standards", StandardViewSet, basename="standard")
    router.register("standard-proposals", ProposalViewSet, basename="standard-proposal")
