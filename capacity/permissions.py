"""Who may log improvement time, see it and set a team's protected capacity. Pure predicates;
the services, views, API and admin all use these."""

from ideas.permissions import can_view
from org.permissions import is_admin, is_executive, is_lead, is_member
from org.selectors import team_ancestors, user_team_ids


def can_log_time(user, idea) -> bool:
    """Anyone in a team who can see an item may log improvement time on it (the helpers of an
    escalated item too); the time counts against their own team's protected capacity."""
    return bool(user_team_ids(user)) and can_view(user, idea)


def can_log_slack(user, team) -> bool:
    """Protected time without an item (slack) is logged by the people of the team it counts
    for: its members and leads."""
    return getattr(user, "is_authenticated", False) and is_member(user, team)


def can_view_team_time(user, team) -> bool:
    """A team's slack (time without an item): its members, the members of the teams above it,
    executives and admins — the audience of the team's scorecard. One query at most."""
    if is_admin(user) or is_member(user, team) or is_executive(user):
        return True
    mine = user_team_ids(user)
    return bool(mine) and any(t.pk in mine for t in team_ancestors(team))


def can_view_entry(user, entry) -> bool:
    """An entry on an item follows the item; slack follows its team."""
    if entry.idea_id is None:
        return can_view_team_time(user, entry.team)
    return can_view(user, entry.idea)


def can_delete_time_entry(user, entry) -> bool:
    """The person who logged it, the leads of the team it counts against, admins."""
    return is_admin(user) or entry.user_id == user.pk or is_lead(user, entry.team_id)


def can_set_capacity(user, team) -> bool:
    """A team's leads set its protected improvement capacity (admins too)."""
    return is_admin(user) or is_lead(user, team)
