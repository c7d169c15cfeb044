"""Pure predicates about who a user is in the hierarchy. Every app's permissions build on these."""

from .models import Team, User
from .selectors import top_tier, user_led_team_ids, user_team_ids


def is_admin(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def is_member(user: User, team: Team | int) -> bool:
    team_id = team.pk if isinstance(team, Team) else team
    return team_id in user_team_ids(user)


def is_lead(user: User, team: Team | int) -> bool:
    team_id = team.pk if isinstance(team, Team) else team
    return team_id in user_led_team_ids(user)


def is_executive(user: User) -> bool:
    """A member of a team at the top tier."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_tierline_is_executive", None)
    if cached is None:
        tier = top_tier()
        cached = bool(
            tier
            and user_team_ids(user)
            and Team.objects.filter(pk__in=user_team_ids(user), tier=tier).exists()
        )
        user._tierline_is_executive = cached
    return cached


def can_manage_org(user: User) -> bool:
    """Only admins configure tiers, teams and people."""
    return is_admin(user)
