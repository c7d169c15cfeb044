from django.apps import AppConfig


class StandardsConfig(AppConfig):
    """The standards library the Centre of Excellence owns: executives say what must be true,
    the CoE owns how the work is done. Done items propose changes to it."""

    name = "standards"
