from django.apps import AppConfig


class HuddlesConfig(AppConfig):
    name = "huddles"

    def ready(self):
        from core.registry import register_nav

        register_nav(30, "Boards", "huddles:boards")
        from ideas.registry import register_idea_panel
        from org.registry import register_home_panel

        from .home import discussed_in_huddles_panel, todays_boards_panel

        register_home_panel(todays_boards_panel)
        register_idea_panel(discussed_in_huddles_panel)
