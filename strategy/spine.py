"""The spine: work reaches front-line teams through their managers. An executive deploys a
priority to a manager-tier team; they do not create or assign items two tiers down
(``spine_guard``, registered as an ideas create guard in strategy.hooks). Deployments move one
hop in the team tree at a time: from the top to the teams directly below the deployer, then
cascaded by each tier's leads to their own child teams (``check_deploy_target``,
``check_cascade_target``)."""

from core.errors import DomainError, Forbidden
from org.models import Team, User
from org.permissions import is_admin, is_executive
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


# ---------------------------------------------------------------- deployments, one hop at a time

ONE_HOP = ("Deployments go one tier at a time: {deployer} deploys to the teams directly below "
           "it. Deploy to {instead} instead; its leads cascade it to {team} with their own ask.")
NOT_BELOW = "{team} is not directly below {deployer}: deploy to one of {options}."


def deployer_team_ids(actor: User) -> set[int]:
    """The top-tier teams an executive deploys from (their memberships at the top tier)."""
    top = top_tier()
    if top is None:
        return set()
    return set(Team.objects.filter(pk__in=user_team_ids(actor), tier__level=top.level)
               .values_list("pk", flat=True))


def deploy_targets(actor: User):
    """The teams ``actor`` may deploy a priority to from the top: for an executive the active
    child teams of their top-tier team(s); for an admin any active team (admins set up and
    repair the deployment; they are not a tier of the organisation)."""
    teams = Team.objects.filter(active=True)
    if is_admin(actor):
        return teams
    return teams.filter(parent_id__in=deployer_team_ids(actor))


def cascade_targets(team: Team | int):
    """The teams a deployment accepted by ``team`` cascades to: its active child teams."""
    return Team.objects.filter(active=True, parent_id=getattr(team, "pk", team))


def _refuse(team: Team, deployer_ids: set[int], *, field: str) -> None:
    deployers = list(Team.objects.filter(pk__in=deployer_ids).order_by("name"))
    deployer = " / ".join(t.name for t in deployers) or "your team"
    instead = next((t for t in team_ancestors(team) if t.parent_id in deployer_ids), None)
    if instead is not None:
        message = ONE_HOP.format(deployer=deployer, instead=instead.name, team=team.name)
    else:
        options = list(Team.objects.filter(active=True, parent_id__in=deployer_ids)
                       .order_by("name").values_list("name", flat=True))
        message = NOT_BELOW.format(team=team.name, deployer=deployer,
                                   options=", ".join(options) or "the teams below it")
    raise DomainError(message, field=field, code="one_tier_down",
                      extra={"deploy_to": instead.pk if instead else None})


def check_deploy_target(actor: User, team: Team, *, field: str = "team") -> None:
    """The spine for a deployment from the top: one hop below the deployer's team. The refusal
    names the team to deploy to instead (the target's ancestor directly below the deployer)."""
    if is_admin(actor):
        return
    mine = deployer_team_ids(actor)
    if team.parent_id not in mine:
        _refuse(team, mine, field=field)


def check_cascade_target(from_team: Team, team: Team, *, field: str = "teams") -> None:
    """A cascade goes to a child team of the team that accepted the deployment."""
    if team.parent_id != from_team.pk:
        _refuse(team, {from_team.pk}, field=field)
