from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "ideas"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from org.registry import register_home_panel, register_open_work_check

        from .home import attention_panel, owned_panel, reported_panel
        from .selectors import open_ideas_of_team

        def open_items(team):
            n = open_ideas_of_team(team.pk).count()
            return f"{n} open item{'s' if n != 1 else ''} (new or in progress)" if n else None

        register_open_work_check(open_items)
        register_home_panel(reported_panel)
        register_home_panel(owned_panel)
        register_home_panel(attention_panel)
