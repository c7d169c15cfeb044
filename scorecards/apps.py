from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "scorecards"

    def ready(self):
        from core.registry import register_nav

        register_nav(60, "Scorecards", "scorecards:index")
        from org.digests import register_digest_section
        from org.registry import register_home_panel

        from .digest import SECTIONS
        from .home import executive_panel
        from .importance_home import managers_panel

        register_home_panel(executive_panel)
        register_home_panel(managers_panel)
        for section in SECTIONS:
            register_digest_section(section)
