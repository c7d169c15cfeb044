"""/api/v1/ and the OpenAPI schema. Each app registers its viewsets on the one router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from escalation.api.urls import register as register_escalation
from huddles.api.urls import register as register_huddles
from ideas.api.urls import register as register_ideas
from org.api.urls import register as register_org
from scorecards.api.urls import register as register_scorecards
from strategy.api.urls import register as register_strategy

router = DefaultRouter()
for register in (register_org, register_ideas, register_huddles, register_escalation,
                 register_strategy, register_scorecards):
    register(router)


class TokenView(ObtainAuthToken):
    """POST username (or e-mail) and password; answers {"token": "..."}."""


urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
