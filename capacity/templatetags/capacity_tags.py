"""Display helpers for the capacity templates."""

from decimal import InvalidOperation

from django import template

from capacity.services import hours_text

register = template.Library()


@register.filter
def hours(value) -> str:
    """Hours as people write them: 1.50 → 1.5, 10.0 → 10 (a value that is no number as is)."""
    if value in (None, ""):
        return ""
    try:
        return hours_text(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
