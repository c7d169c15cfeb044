from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Experiment


@admin.register(Experiment)
class ExperimentAdmin(ReadOnlyAdmin):
    """Experiments are added and decided on the item page and the API."""

    list_display = ["idea", "start", "end", "decision"]
    list_filter = ["decision"]
