from .views import NotificationViewSet, TeamViewSet, TierViewSet, UserViewSet


def register(router) -> None:
    router.register("tiers", TierViewSet, basename="tier")
    router.register("teams", TeamViewSet, basename="team")
    router.register("users", UserViewSet, basename="user")
    router.register("notifications", NotificationViewSet, basename="notification")
