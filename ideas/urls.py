from django.urls import include, path

from . import views

app_name = "ideas"

# One item's attachments, under /ideas/<pk>/attachments/.
attachment_patterns = [
    path("", views.attachment_upload, name="attach"),
    path("<int:attachment_id>/", include([
        path("", views.attachment_file, name="attachment"),
        path("thumb/", views.attachment_file, {"thumb": True}, name="attachment-thumb"),
        path("delete/", views.attachment_delete, name="attachment-delete"),
    ])),
]

# One item and what people do on its page, under /ideas/<pk>/.
item_patterns = [
    path("", views.idea_detail, name="detail"),
    path("edit/", views.idea_edit, name="edit"),
    path("transition/", views.idea_transition, name="transition"),
    path("comments/", views.idea_comment, name="comment"),
    path("watch/", views.idea_watch, name="watch"),
    path("assign/", views.idea_assign, name="assign"),
    path("learning-marks/", views.learning_mark, name="learning-mark"),
    path("attachments/", include(attachment_patterns)),
]

urlpatterns = [
    path("ideas/", include([
        path("", views.idea_list, name="list"),
        path("export.csv", views.idea_export, name="export"),
        path("new/", views.idea_new, name="new"),
        path("<int:pk>/", include(item_patterns)),
    ])),
    path("learning/", views.learning, name="learning"),
]
