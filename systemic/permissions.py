"""Who may open, edit and link systemic issues. Pure predicates; the services, views, API,
admin and other apps' panels (escalation) all use these.

Every signed-in person reads systemic issues (they are org-wide facts); what stays private is
the items linked to them (see selectors.linked_problems)."""

from ideas.permissions import can_view
from org.permissions import is_admin, is_executive, is_lead
from org.selectors import user_led_team_ids


def can_create_systemic_issue(user) -> bool:
    """Team leads, executives and admins open systemic issues."""
    return is_admin(user) or bool(user_led_team_ids(user)) or is_executive(user)


def can_own_systemic_issue(user, team) -> bool:
    """An issue is owned by a team its creator leads; executives and admins assign any team."""
    return is_admin(user) or is_executive(user) or is_lead(user, team)


def can_edit_systemic_issue(user, issue) -> bool:
    """The owner team's leads, executives and admins edit an issue and unlink problems."""
    return can_own_systemic_issue(user, issue.owner_team_id)


def can_link_problem(user, issue, idea) -> bool:
    """A lead links a problem they can see: leads of the owning team link from any team (the
    point is to gather what recurs elsewhere), leads of the problem's team link their own."""
    if not can_view(user, idea):
        return False
    return can_edit_systemic_issue(user, issue) or is_lead(user, idea.team_id)
