from django.urls import include, path

from . import feedback_views, views

app_name = "escalation"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("overview/", views.overview, name="overview"),
    path("new/", include([
        path("", views.escalation_new, name="new"),
        path("preview/", views.escalation_preview, name="preview"),
    ])),
    # One escalation: its page and what the teams at either end do with it.
    path("<int:pk>/", include([
        path("", views.detail, name="detail"),
        path("acknowledge/", views.acknowledge, name="acknowledge"),
        path("resolve/", views.resolve, name="resolve"),
        path("return/", views.return_, name="return"),
        path("views/", views.conflict_view, name="conflict-view"),
        path("feedback/", feedback_views.answer_feedback, name="feedback"),
        path("escalate/", include([
            path("", views.escalate_further, name="escalate"),
            path("preview/", views.further_preview, name="further-preview"),
        ])),
    ])),
]
