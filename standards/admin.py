from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import CentreOfExcellence, Standard


@admin.register(CentreOfExcellence)
class CentreOfExcellenceAdmin(admin.ModelAdmin):
    """Designates the team that owns the standards library."""

    list_display = ["team", "designated_at"]


@admin.register(Standard)
class StandardAdmin(ReadOnlyAdmin):
    """Standards belong to the CoE: edited on the standards pages by its members only."""

    list_display = ["title", "owner_team", "current_version", "review_date"]
