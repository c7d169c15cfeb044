from django.apps import AppConfig


class CapacityConfig(AppConfig):
    """Protected improvement capacity and the improvement time people log against it."""

    name = "capacity"

    def ready(self):
        from ideas.registry import register_idea_panel

        from .views import time_panel

        register_idea_panel(time_panel)
