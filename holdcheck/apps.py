from django.apps import AppConfig


class HoldcheckConfig(AppConfig):
    """"Did it hold?": weeks after an item is done its owner (or the team's leads) says whether
    the change held; a slip reopens the item or, the second time, proposes a systemic issue."""

    name = "holdcheck"

    def ready(self):
        from ideas.registry import register_idea_panel, register_learning_panel
        from org.registry import register_home_panel

        from .hooks import home_panel, idea_panel, learning_panel

        register_home_panel(home_panel)
        register_idea_panel(idea_panel)
        register_learning_panel(learning_panel)
