from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = "Organisation"

    def ready(self):
        from core.registry import register_nav

        register_nav(10, "My work", "home")
        register_nav(90, "Teams", "org:teams")
