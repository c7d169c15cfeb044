"""Small display helpers for the idea templates."""

import re

from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

register = template.Library()

STATUS_CSS = {"new": "chip-brand", "in_progress": "chip-warn", "done": "chip-ok",
              "declined": "chip-bad", "parked": ""}
_MENTION = re.compile(r"(?<![\w.@+-])(@[\w.+-]+\w)")


@register.filter
def status_css(status: str) -> str:
    return STATUS_CSS.get(status, "")


@register.filter
def with_mentions(text: str) -> str:
    """Escapes the text first, then highlights @names and keeps paragraphs."""
    escaped = escape(text or "")
    highlighted = _MENTION.sub(r'<span class="mention">\1</span>', escaped)
    return mark_safe(linebreaks(highlighted, autoescape=False))  # noqa: S308 - escaped above


@register.filter
def filesize(size: int) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1048576:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB"
