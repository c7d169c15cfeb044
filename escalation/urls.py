from django.urls import path

from . import views

app_name = "escalation"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("overview/", views.overview, name="overview"),
    path("new/", views.escalation_new, name="new"),
    path("new/preview/", views.escalation_preview, name="preview"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/return/", views.return_, name="return"),
    path("<int:pk>/escalate/", views.escalate_further, name="escalate"),
    path("<int:pk>/views/", views.conflict_view, name="conflict-view"),
    path("<int:pk>/escalate/preview/", views.further_preview, name="further-preview"),
]
