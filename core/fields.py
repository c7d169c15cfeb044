"""Model fields the apps share."""

from django.conf import settings
from django.db import models


def actor_field(**kwargs) -> models.ForeignKey:
    """Who did something to the row (created it, set it, decided it …): a user, left empty when
    their account is deleted, with no reverse accessor on the user."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+", **kwargs)
