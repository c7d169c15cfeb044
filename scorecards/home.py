"""The executives' "My work" panel: the questions a CEO asks of the improvement system."""

from django.core.cache import cache

from org.permissions import is_executive

from .selectors import executive_overview

# The panel reads a few aggregates over every open item; an executive reloading "My work"
# within a minute sees the same figures instead of paying for them again.
CACHE_SECONDS = 60


def executive_panel(request) -> dict | None:
    if not is_executive(request.user):
        return None
    key = f"scorecards:executive-home:{request.user.pk}"
    context = cache.get(key)
    if context is None:
        context = executive_overview(request.user)
        cache.set(key, context, CACHE_SECONDS)
    return {
        "title": "The organisation at a glance",
        "template": "scorecards/_executive_panel.html",
        "context": context,
    }
