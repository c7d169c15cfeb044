"""How "did it hold?" shows on other apps' pages (registered in HoldcheckConfig.ready()): the
checks waiting on me on My work, an item's checks on its page, and the held share in the
learning library."""

from . import selectors as sel
from .permissions import can_answer


def home_panel(request) -> dict | None:
    """My work: the checks waiting on me and the systemic issues proposed to my teams (two
    queries; nothing shown when there is nothing to answer)."""
    pending = list(sel.pending_checks_for(request.user)[:10])
    proposals = list(sel.proposals_for(request.user)[:5])
    if not pending and not proposals:
        return None
    return {"title": "Did it hold?", "template": "holdcheck/_home_panel.html",
            "context": {"pending": pending, "proposals": proposals}}


def idea_panel(request, idea) -> dict | None:
    """The item's checks (answer, note, who and when) and the link to answer a pending one."""
    checks = sel.checks_of(idea)
    if not checks:
        return None
    may_answer = can_answer(request.user, idea)
    return {"title": "Did it hold?", "template": "holdcheck/_idea_panel.html",
            "context": {"checks": checks, "idea": idea, "may_answer": may_answer}}


def learning_panel(request) -> dict | None:
    """The share of checked changes that held over the last year, and the latest answers."""
    figures = sel.held_figures(request.user)
    if not figures["answered"]:
        return None
    return {"title": "Did it hold?", "template": "holdcheck/_learning_panel.html",
            "context": {"figures": figures, "answers": sel.recent_answers(request.user)}}
