"""Who sees which scorecard.

- The organisation and the tier views compare teams across the whole organisation: executives
  (members of a top-tier team) and admins.
- A team's scorecard: the team's members and the members of every team above it (its
  ancestors — the tiers it reports to), executives and admins.
- The items behind a number are the visible ones only (ideas_visible_to): private items never
  show up in a drill-down, even when they count in the figure.
"""

from django.http import Http404

from core.errors import Forbidden
from org.models import Team
from org.permissions import is_admin, is_executive
from org.selectors import team_ancestors, user_team_ids


def can_view_organisation(user) -> bool:
    return is_admin(user) or is_executive(user)


def can_view_tier(user, level: int) -> bool:
    return can_view_organisation(user)


def can_view_team(user, team: Team) -> bool:
    if can_view_organisation(user):
        return True
    mine = user_team_ids(user)
    if not mine:
        return False
    if team.pk in mine:
        return True
    return team_ancestors(team).filter(pk__in=mine).exists()


def check_organisation(user) -> None:
    if not can_view_organisation(user):
        raise Forbidden("The organisation and tier scorecards are for executives and admins.")


def access_team(user, *, slug: str | None = None, pk=None) -> Team:
    """The team if it exists (404 otherwise) and the user may see its scorecard (403)."""
    qs = Team.objects.select_related("tier", "parent")
    try:
        team = qs.get(slug=slug) if slug is not None else qs.get(pk=int(pk))
    except (Team.DoesNotExist, ValueError, TypeError):
        raise Http404("No such team.")
    if not can_view_team(user, team):
        raise Forbidden("A team's scorecard is for its members and the teams above it.")
    return team
