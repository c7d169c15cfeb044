"""What escalation forbids in the idea lifecycle, registered as ideas transition guards in
EscalationConfig.ready(): they run inside ``idea_transition``, so the item page, the board and
the API all obey them."""

from django.urls import reverse

from core.errors import Conflict, DomainError
from ideas.models import Idea
from org.models import Team

from .authority import needs_approval
from .models import Escalation
from .notices import escalation_url
from .selectors import active_escalation_of

CLOSING = (Idea.Status.DONE, Idea.Status.DECLINED, Idea.Status.PARKED)


def open_escalation_guard(*, idea: Idea, to: str, actor=None, **details) -> None:
    """An item cannot be closed (done, declined, parked) while a higher team is working on its
    escalation — nobody is left answering a question that was withdrawn silently. The holding
    team returns it, then it can close."""
    if to not in CLOSING:
        return
    active = active_escalation_of(idea.pk)
    if active is not None:
        raise Conflict(
            f"This item is escalated to {active.to_team.name}; it cannot be closed until they "
            "resolve it or return it. Ask them to return it if you no longer need help.",
            code="escalated", extra={"escalation_url": escalation_url(active)})


def authority_guard(*, idea: Idea, to: str, actor=None, **details) -> None:
    """An item whose required spend is above its team's authority limit cannot start (move to
    in progress) until an escalation approving at least that spend has been resolved."""
    if to != Idea.Status.IN_PROGRESS or idea.required_spend is None:
        return
    team = Team.objects.select_related("tier").get(pk=idea.team_id)
    needed = idea.required_spend
    approved = (Escalation.objects.filter(idea_id=idea.pk, state=Escalation.State.RESOLVED)
                .values_list("approved_spend", flat=True))  # read only above the limit
    if not needs_approval(needed, team.tier, approved):
        return
    limit = team.tier.authority_limit
    best = max((a for a in approved if a is not None), default=None)
    active = active_escalation_of(idea.pk)
    message = (f"This item needs a spend of {needed:,.2f}, above {team.name}'s authority limit "
               f"of {limit:,.2f} (tier {team.tier.level}); it cannot start until an escalation "
               "approving that spend is resolved.")
    if best is not None:
        message += f" The spend approved so far is {best:,.2f}."
    extra = {"required_spend": str(needed), "authority_limit": str(limit)}
    if active is not None:
        message += f" It is escalated to {active.to_team.name}: wait for their decision."
        extra["escalation_url"] = escalation_url(active)
    else:
        message += " Escalate it for approval."
        extra["escalate_url"] = f"{reverse('escalation:new')}?idea={idea.pk}"
    raise DomainError(message, code="authority_limit", extra=extra)
