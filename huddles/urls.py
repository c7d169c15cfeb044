from django.urls import path

from . import views

app_name = "huddles"

urlpatterns = [
    path("", views.boards, name="boards"),
    path("<slug:team_slug>/", views.board, name="board"),
    path("<slug:team_slug>/move/", views.move, name="move"),
    path("<slug:team_slug>/time/<int:idea_id>/", views.time_log, name="time-log"),
    path("<slug:team_slug>/tier/", views.tier, name="tier"),
    path("<slug:team_slug>/wall/", views.wall, name="wall"),
    path("<slug:team_slug>/settings/", views.board_settings, name="settings"),
    path("<slug:team_slug>/display-links/", views.display_link_create, name="display-link-create"),
    path("<slug:team_slug>/display-links/<int:pk>/revoke/", views.display_link_revoke,
         name="display-link-revoke"),
    path("<slug:team_slug>/sqdc/", views.sqdc_month_view, name="sqdc-month"),
    path("<slug:team_slug>/sqdc/set/", views.sqdc_set, name="sqdc-set"),
    path("<slug:team_slug>/sqdc/edit/", views.sqdc_edit, name="sqdc-edit"),
    path("<slug:team_slug>/huddles/", views.huddle_history, name="huddles"),
    path("<slug:team_slug>/huddles/start/", views.huddle_start, name="huddle-start"),
    path("<slug:team_slug>/huddles/<int:pk>/", views.huddle_detail, name="huddle"),
    path("<slug:team_slug>/huddles/<int:pk>/attendance/", views.huddle_attendance,
         name="huddle-attendance"),
    path("<slug:team_slug>/huddles/<int:pk>/notes/", views.huddle_notes, name="huddle-notes"),
    path("<slug:team_slug>/huddles/<int:pk>/discussed/", views.huddle_discussed,
         name="huddle-discussed"),
    path("<slug:team_slug>/huddles/<int:pk>/end/", views.huddle_end, name="huddle-end"),
]
