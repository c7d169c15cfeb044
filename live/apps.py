from django.apps import AppConfig


class LiveConfig(AppConfig):
    """Live boards: a change reaches every open wall screen and board by server-sent events
    (PostgreSQL triggers → NOTIFY → one LISTEN per web process → the streams)."""

    name = "live"
    verbose_name = "Live boards"
