from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"

    def ready(self):
        from core.registry import register_nav

        register_nav(40, "Escalations", "escalation:inbox")
        from ideas.registry import (
            register_card_badge_provider,
            register_escalation_state_provider,
            register_idea_panel,
            register_transition_guard,
        )
        from org.registry import register_home_panel, register_open_work_check
        from systemic.registry import register_systemic_panel

        from . import hooks
        from .guards import authority_guard, open_escalation_guard

        register_transition_guard(authority_guard)
        register_transition_guard(open_escalation_guard)
        register_idea_panel(hooks.idea_panel)
        register_systemic_panel(hooks.systemic_panel)
        register_escalation_state_provider(hooks.escalation_states)
        register_card_badge_provider(hooks.card_badges)
        register_home_panel(hooks.home_awaiting)
        register_home_panel(hooks.home_decisions)
        register_open_work_check(hooks.open_escalations_check)
