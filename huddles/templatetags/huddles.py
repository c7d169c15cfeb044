"""Template helpers for boards."""

from django import template

from ..links import escalate_url_pattern, idea_url_pattern

register = template.Library()


@register.filter
def idea_url(idea_id) -> str:
    return idea_url_pattern().format(idea_id)


@register.filter
def escalate_url(idea_id) -> str:
    return escalate_url_pattern().format(idea_id)


@register.filter
def hours(value) -> str:
    """Hours as people write them: 2.50 → "2.5", 4.0 → "4" (the ideas app's own format)."""
    from capacity.services import hours_text

    if value in (None, ""):
        return ""
    return hours_text(value)
