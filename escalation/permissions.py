"""Who may raise and act on escalations. Pure predicates; views, API and services use them.

| who                              | raise | acknowledge | resolve / return / escalate further |
|----------------------------------|-------|-------------|-------------------------------------|
| member of the idea's team        | yes   | –           | –                                   |
| member of the target team        | –     | yes         | –                                   |
| lead of the target team          | –     | yes         | yes                                 |
| admin                            | yes   | –           | –                                   |
| anyone else (incl. origin team)  | –     | –           | –                                   |

Once a step is resolved or returned, the team that raised it says whether the answer helped
(``can_rate_answer``): members of the chain's origin team or of the team that raised the step,
never the person who gave the answer.

Nobody acts on a step they raised themselves (a lead who is also a member of the team above
— the linking pin — cannot acknowledge or answer their own request).

Cross-team conflicts: members of the two teams (the chain's origin team and the named other
team) give their team's view while the escalation is active; the other team sees the item
because the escalation shares it with them.

Escalating *further* is a decision of the team that holds the escalation (its leads), never of
the origin team. Seeing an escalation follows seeing its idea (``ideas_visible_to``): the teams
on the chain may see a private item.
"""

from django.http import Http404

from ideas.models import Idea
from org.permissions import is_admin, is_executive, is_lead, is_member
from org.selectors import user_team_ids

from . import workflow
from .models import Escalation
from .selectors import escalations_visible_to


def can_raise(user, idea: Idea) -> bool:
    """Members of the item's team (and admins) escalate its problems."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_admin(user) or is_member(user, idea.team_id)


def _answers_own_request(user, escalation: Escalation) -> bool:
    """A lead who sits in the team above (the linking pin) never answers their own request."""
    return escalation.raised_by_id == user.pk


def can_acknowledge(user, escalation: Escalation) -> bool:
    return (getattr(user, "is_authenticated", False)
            and is_member(user, escalation.to_team_id)
            and not _answers_own_request(user, escalation))


def can_decide(user, escalation: Escalation) -> bool:
    """Resolve, return or escalate further: the target team's leads."""
    return (getattr(user, "is_authenticated", False) and is_lead(user, escalation.to_team_id)
            and not _answers_own_request(user, escalation))


def can_act(user, escalation: Escalation, action: str) -> bool:
    if action == workflow.ACKNOWLEDGE:
        return can_acknowledge(user, escalation)
    return can_decide(user, escalation)


def available_actions(user, escalation: Escalation) -> list[str]:
    """The actions this user may take on this step now (for buttons)."""
    return [a for a in workflow.allowed_actions(escalation.state)
            if can_act(user, escalation, a)]


def view_sides(user, root: Escalation, escalation: Escalation | None = None) -> list:
    """The teams of a cross-team conflict this user may speak for (origin first). ``root`` is
    the chain's first step (its ``from_team`` is the origin team); ``escalation`` the current
    step (its ``other_team``), defaulting to ``root``."""
    current = escalation or root
    if not getattr(user, "is_authenticated", False) or not current.other_team_id:
        return []
    mine = user_team_ids(user)
    return [t for t in (root.from_team, current.other_team) if t.pk in mine]


def rating_team(user, escalation: Escalation, root: Escalation):
    """The team on whose behalf ``user`` says whether the answer helped, or None: the chain's
    origin team (whose problem it was) first, else the team that raised this step."""
    mine = user_team_ids(user)
    for team in (root.from_team, escalation.from_team):
        if team.pk in mine:
            return team
    return None


def can_rate_answer(user, escalation: Escalation, root: Escalation) -> bool:
    """Whether the answer helped is said by the team that raised the escalation — a member of
    the chain's origin team or of the team that raised the decided step — once it is resolved
    or returned. Nobody rates an answer they gave themselves (the linking pin)."""
    return (getattr(user, "is_authenticated", False) and escalation.is_decided
            and escalation.resolved_by_id != user.pk
            and rating_team(user, escalation, root) is not None)


def may_see_overview(user) -> bool:
    return is_admin(user) or is_executive(user)


def access_escalation(user, pk, queryset=None) -> Escalation:
    """The escalation if the user may see its idea; 404 otherwise (nothing leaks)."""
    qs = queryset if queryset is not None else escalations_visible_to(user)
    try:
        return qs.get(pk=pk)
    except (Escalation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such escalation.")
