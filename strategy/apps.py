from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"

    def ready(self):
        from core.registry import register_nav

        register_nav(50, "Strategy", "strategy:index")
        from . import hooks

        hooks.register()
