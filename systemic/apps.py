from django.apps import AppConfig


class SystemicConfig(AppConfig):
    """Systemic issues: problems that recur across teams or over time, grouped so the constraint
    behind them is worked on where it lives."""

    name = "systemic"

    def ready(self):
        from core.registry import register_nav
        from ideas.registry import register_idea_panel

        from .views import idea_panel

        register_nav(80, "Systemic issues", "systemic:list")
        register_idea_panel(idea_panel)
