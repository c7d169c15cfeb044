""""Did it hold?" pages, mounted at the site root (see config/urls.py)."""

from django.urls import include, path

from . import views

app_name = "holdcheck"

urlpatterns = [
    path("hold-checks/", include([
        path("", views.check_list, name="list"),
        path("<int:pk>/", views.check_detail, name="detail"),
        path("<int:pk>/systemic/", views.check_open_systemic, name="open-systemic"),
    ])),
]
