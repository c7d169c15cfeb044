"""The spine: work reaches front-line teams through their managers. An executive deploys a
priority to a manager-tier team; they do not create or assign items two tiers down. Registered
as an ideas create guard (strategy.hooks)."""

from core.errors import Forbidden
from org.models import Team, User
from org.permissions import is_executive
from org.selectors import team_ancestors, top_tier, user_team_ids

SPINE_REFUSAL = (
    "Work reaches front-line teams through their managers: as an executive you cannot create "
    "or assign an item in {team} ({tier_name}), more than one tier below you. Deploy a "
    "priority to {manager} instead; its leads turn it into work for their teams.")


def spine_guard(*, team: Team, actor: User, owner: User | None = None, **_details) -> None:
    """ideas create guard. An executive (member of a top-tier team) may create or assign items
    in teams at most one tier below the top; deeper teams are reached through a deployment to
    their manager-tier ancestor (there is no per-item exception: deploying *is* the path).
    Exempt: someone who is also a member of the target team or of one of its ancestors below
    the top tier (they act there in that role), and people who are not executives (admins
    included)."""
    if actor is None or not is_executive(actor):
        return
    top = top_tier()
    if top is None or team.tier.level >= top.level - 1:
        return
    chain = [team] + list(team_ancestors(team))
    mine = user_team_ids(actor)
    if any(t.pk in mine for t in chain if t.tier.level < top.level):
        return
    manager = next((t for t in chain if t.tier.level == top.level - 1), None)
    raise Forbidden(SPINE_REFUSAL.format(
        team=team.name, tier_name=f"tier {team.tier.level}",
        manager=manager.name if manager else "the managers' team above it"),
        code="spine")
