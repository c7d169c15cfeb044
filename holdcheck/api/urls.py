from django.urls import path

from .views import IdeaHoldCheckView


def register(router) -> None:
    """No viewset: the check is an action on the ideas resource (extra_urlpatterns)."""


extra_urlpatterns = [
    path("ideas/<int:pk>/hold-check/", IdeaHoldCheckView.as_view(), name="idea-hold-check"),
]
