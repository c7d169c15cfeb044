from django.urls import path

from .views import BoardViewSet, DisplayLinkViewSet, HuddleViewSet, SqdcDayViewSet


def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
    router.register("boards", BoardViewSet, basename="board")
    router.register("huddles", HuddleViewSet, basename="huddle")
    router.register("sqdc-days", SqdcDayViewSet, basename="sqdc-day")
    router.register("display-links", DisplayLinkViewSet, basename="display-link")


# POST /boards/{id}/ moves a card (the documented short form of /boards/{id}/move/).
extra_urlpatterns = [
    path("boards/<int:pk>/", BoardViewSet.as_view({"get": "retrieve", "post": "move"}),
         name="board-detail-move"),
]
