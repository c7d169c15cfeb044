from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = "Organisation"
    default_auto_field = "django.db.models.BigAutoField"
