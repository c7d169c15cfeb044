from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Improvement reviews: teams and tiers look back on their changes at a cadence and pick the
    focus of the next cycle."""

    name = "reviews"
