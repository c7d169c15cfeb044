from django.urls import path

from .views import EscalationViewSet, IdeaEscalateView


def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
    router.register("escalations", EscalationViewSet, basename="escalation")


# Not a viewset route: the escalate action on an idea lives with the escalation app.
extra_urlpatterns = [
    path("ideas/<int:pk>/escalate/", IdeaEscalateView.as_view(), name="idea-escalate"),
]
