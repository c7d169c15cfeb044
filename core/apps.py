from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app uses: request guards, service-unavailable answers and shared plumbing."""

    name = "core"
    verbose_name = "Tierline core"
