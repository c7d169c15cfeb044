from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    """Experiments on items and the evidence behind done work: the panel on the item page, the
    decided experiments in the learning library, and the rule that an item with an experiment
    is not done without its evidence."""

    name = "experiments"

    def ready(self):
        from ideas.registry import (
            register_idea_panel,
            register_learning_panel,
            register_transition_guard,
        )

        from .hooks import evidence_panel, learning_panel
        from .services import done_needs_evidence

        register_transition_guard(done_needs_evidence)
        register_idea_panel(evidence_panel)
        register_learning_panel(learning_panel)
