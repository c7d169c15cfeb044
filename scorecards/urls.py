from django.urls import path

from . import views

app_name = "scorecards"

urlpatterns = [
    path("", views.index, name="index"),
    path("tiers/<int:level>/", views.tier, name="tier"),
    path("teams/<slug:slug>/", views.team, name="team"),
    path("items/", views.items, name="items"),
    path("executive/", views.executive, name="executive"),
]
