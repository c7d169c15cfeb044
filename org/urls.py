from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("", views.teams, name="teams"),
    path("<slug:slug>/", views.team_detail, name="team"),
]
