"""System-work pages mounted at the site root (see config/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
