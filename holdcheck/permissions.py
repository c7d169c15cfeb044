"""Who answers "did it hold?" and who confirms a proposed systemic issue. Pure predicates used by
the services, the pages and the API."""

from org.permissions import is_admin, is_lead
from systemic.permissions import can_own_systemic_issue


def can_answer(user, idea) -> bool:
    """The item's owner and its team's leads (who move it) answer; admins do anything."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_admin(user) or idea.owner_id == user.pk or is_lead(user, idea.team_id)


def can_confirm_systemic(user, idea) -> bool:
    """A proposed systemic issue is opened by a lead of the item's team (it owns the issue),
    an executive or an admin — as anyone who opens a systemic issue for that team."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_own_systemic_issue(user, idea.team_id)
