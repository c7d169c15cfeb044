"""The executives' "My work" panel: the questions a CEO asks of the improvement system."""

from org.permissions import is_executive

from .selectors import executive_overview


def executive_panel(request) -> dict | None:
    if not is_executive(request.user):
        return None
    return {
        "title": "The organisation at a glance",
        "template": "scorecards/_executive_panel.html",
        "context": executive_overview(request.user),
    }
