"""Who may log improvement time and set a team's protected capacity. Pure predicates; the
services, views, API and admin all use these."""

from ideas.permissions import can_view
from org.permissions import is_admin, is_lead
from org.selectors import user_team_ids


def can_log_time(user, idea) -> bool:
    """Anyone in a team who can see an item may log improvement time on it (the helpers of an
    escalated item too); the time counts against their own team's protected capacity."""
    return bool(user_team_ids(user)) and can_view(user, idea)


def can_delete_time_entry(user, entry) -> bool:
    """The person who logged it, the leads of the team it counts against, admins."""
    return is_admin(user) or entry.user_id == user.pk or is_lead(user, entry.team_id)


def can_set_capacity(user, team) -> bool:
    """A team's leads set its protected improvement capacity (admins too)."""
    return is_admin(user) or is_lead(user, team)
