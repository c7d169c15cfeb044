from django.urls import path

from . import views

app_name = "live"

# Beside the board's pages under /boards/<team>/ (huddles/urls.py).
urlpatterns = [
    path("<slug:team_slug>/events/", views.board_events, name="board-events"),
    path("<slug:team_slug>/wall/events/", views.wall_events, name="wall-events"),
]
