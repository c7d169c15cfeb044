"""/api/v1/ and the OpenAPI schema. Each app registers its viewsets on the one router."""

import importlib

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from org.api.serializers import TokenInputSerializer

APPS = ["org", "ideas", "capacity", "systemic", "huddles", "escalation", "strategy", "standards",
        "experiments", "reviews", "holdcheck", "scorecards"]

# Each app's api/urls.py has register(router) for its viewsets and may have
# ``extra_urlpatterns`` for routes that are not viewsets (e.g. /ideas/{id}/escalate/).
router = DefaultRouter()
extra_urlpatterns = []
for _app in APPS:
    _module = importlib.import_module(f"{_app}.api.urls")
    _module.register(router)
    extra_urlpatterns += getattr(_module, "extra_urlpatterns", [])


class TokenView(ObtainAuthToken):
    """POST username (or e-mail) and password; answers {"token": "..."}."""

    serializer_class = TokenInputSerializer


urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("v1/", include(extra_urlpatterns)),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
