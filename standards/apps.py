from django.apps import AppConfig


class StandardsConfig(AppConfig):
    """The standards library the Centre of Excellence owns: executives say what must be true,
    the CoE owns how the work is done. Done items propose changes to it."""

    name = "standards"

    def ready(self):
        from ideas.registry import register_learning_curator

        from .permissions import coe_team_ids, is_coe

        # The CoE marks any team's learning as useful on behalf of the CoE team.
        register_learning_curator(lambda user: coe_team_ids() if is_coe(user) else set())
