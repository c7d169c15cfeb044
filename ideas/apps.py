from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "ideas"

    def ready(self):
        from core.registry import register_nav

        register_nav(20, "Ideas", "ideas:list")
        register_nav(70, "Learning", "ideas:learning")
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

        from .registry import register_card_badge_provider

        register_card_badge_provider(level_badges)

        from simple_history.signals import pre_create_historical_record

        from .anonymity import unname_history
        from .models import Idea

        pre_create_historical_record.connect(
            unname_history, sender=Idea.history.model, dispatch_uid="ideas.unname_history")


def level_badges(ideas) -> dict:
    """A badge for cross-team and system changes (what a system change changes in its title).
    Reads the rows already loaded: no query."""
    out = {}
    for idea in ideas:
        if idea.level == "team":
            continue
        label = idea.get_level_display()
        title = f"{label} change"
        if idea.change_kind:
            title += f": {idea.get_change_kind_display().lower()}"
        css = "chip-brand level-badge level-" + idea.level
        out[idea.pk] = [{"label": label, "title": title, "css": css}]
    return out
