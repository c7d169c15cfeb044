from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import hooks

        hooks.register()
