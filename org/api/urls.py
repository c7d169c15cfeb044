from .views import TeamViewSet, TierViewSet, UserViewSet


def register(router) -> None:
    router.register("tiers", TierViewSet, basename="tier")
    router.register("teams", TeamViewSet, basename="team")
    router.register("users", UserViewSet, basename="user")
