from django.urls import include, path

from .views import board, improvement_time, sessions, settings, sqdc, wall

app_name = "huddles"

# The pages of one team's board, under /boards/<team>/.
board_patterns = [
    path("", board.board, name="board"),
    path("move/", board.move, name="move"),
    path("time/<int:idea_id>/", improvement_time.time_log, name="time-log"),
    path("tier/", board.tier, name="tier"),
    path("wall/", wall.wall, name="wall"),
    path("settings/", settings.board_settings, name="settings"),
    path("display-links/", include([
        path("", settings.display_link_create, name="display-link-create"),
        path("<int:pk>/revoke/", settings.display_link_revoke, name="display-link-revoke"),
    ])),
    path("sqdc/", include([
        path("", sqdc.sqdc_month_view, name="sqdc-month"),
        path("set/", sqdc.sqdc_set, name="sqdc-set"),
        path("edit/", sqdc.sqdc_edit, name="sqdc-edit"),
    ])),
    path("huddles/", include([
        path("", sessions.huddle_history, name="huddles"),
        path("start/", sessions.huddle_start, name="huddle-start"),
        path("<int:pk>/", include([
            path("", sessions.huddle_detail, name="huddle"),
            path("attendance/", sessions.huddle_attendance, name="huddle-attendance"),
            path("notes/", sessions.huddle_notes, name="huddle-notes"),
            path("discussed/", sessions.huddle_discussed, name="huddle-discussed"),
            path("end/", sessions.huddle_end, name="huddle-end"),
        ])),
    ])),
]

urlpatterns = [
    path("", board.boards, name="boards"),
    path("<slug:team_slug>/", include(board_patterns)),
]
