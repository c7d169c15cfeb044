"""Experiments on items, mounted at the site root (see config/urls.py)."""

from django.urls import path

from . import views

app_name = "experiments"

urlpatterns = [
    path("ideas/<int:pk>/experiments/", views.experiment_add, name="add"),
    path("experiments/<int:pk>/evidence/", views.experiment_evidence, name="evidence"),
    path("experiments/<int:pk>/decide/", views.experiment_decide, name="decide"),
]
