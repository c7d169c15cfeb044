from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from org import views as org_views
from org.forms import LoginForm

# Each app's pages, mounted under its prefix, in this order. System work sits at the site root:
# /capacity/, /systemic-issues/, /standards/, /reviews/ and the improvement time and experiments
# on an item (/ideas/<id>/time/, …/experiments/).
PAGES = [
    ("teams/", "org"), ("", "ideas"), ("boards/", "huddles"), ("boards/", "live"),
    ("escalations/", "escalation"),
    ("strategy/", "strategy"), ("scorecards/", "scorecards"),
    ("", "capacity"), ("", "systemic"), ("", "standards"), ("", "experiments"), ("", "reviews"),
    ("", "holdcheck"),
]

urlpatterns = [
    path("", org_views.home, name="home"),
    path("healthz", org_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/profile/", org_views.profile, name="profile"),
    path("notifications/", org_views.notifications, name="notifications"),
    path("notifications/badge/", org_views.notification_badge, name="notification-badge"),
    path("notifications/read/", org_views.notification_read, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", org_views.notification_read, name="notification-read"),
    *[path(prefix, include(f"{app}.urls")) for prefix, app in PAGES],
    path("api/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
