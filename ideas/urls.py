from django.urls import path

from . import views

app_name = "ideas"

urlpatterns = [
    path("ideas/", views.idea_list, name="list"),
    path("ideas/export.csv", views.idea_export, name="export"),
    path("ideas/new/", views.idea_new, name="new"),
    path("ideas/<int:pk>/", views.idea_detail, name="detail"),
    path("ideas/<int:pk>/edit/", views.idea_edit, name="edit"),
    path("ideas/<int:pk>/transition/", views.idea_transition, name="transition"),
    path("ideas/<int:pk>/comments/", views.idea_comment, name="comment"),
    path("ideas/<int:pk>/watch/", views.idea_watch, name="watch"),
    path("ideas/<int:pk>/assign/", views.idea_assign, name="assign"),
    path("ideas/<int:pk>/attachments/", views.attachment_upload, name="attach"),
    path("ideas/<int:pk>/attachments/<int:attachment_id>/", views.attachment_file,
         name="attachment"),
    path("ideas/<int:pk>/attachments/<int:attachment_id>/thumb/", views.attachment_file,
         {"thumb": True}, name="attachment-thumb"),
    path("ideas/<int:pk>/attachments/<int:attachment_id>/delete/", views.attachment_delete,
         name="attachment-delete"),
    path("learning/", views.learning, name="learning"),
]
