"""Who hears what as an escalation moves: the target team's leads when it arrives (and the
other team's leads when a conflict names them), everyone down the chain when it is
acknowledged or decided, the holding team's leads when a team gives its view of a conflict.
``notify`` sends after commit, at most once per person and event (``event_key``)."""

from django.urls import NoReverseMatch, reverse

from ideas.models import Idea
from org.models import Team, User
from org.notifications import notify
from org.selectors import team_leads

from .models import ConflictView, Escalation
from .selectors import chain_of


def escalation_url(escalation: Escalation) -> str:
    return reverse("escalation:detail", args=[escalation.pk])


def idea_url(idea_id: int) -> str:
    try:
        return reverse("ideas:detail", args=[idea_id])
    except NoReverseMatch:  # pragma: no cover - the ideas pages are always installed
        return f"/ideas/{idea_id}/"


def down_the_chain(idea: Idea, chain: list[Escalation]) -> set[int]:
    """Who hears a decision: the leads of every team that escalated on this chain, the reporter
    and the item's owner."""
    ids = {idea.reporter_id, idea.owner_id}
    for step in chain:
        ids |= set(team_leads(step.from_team_id).values_list("pk", flat=True))
    # a cross-team conflict is decided for both teams: the other team's leads hear it too
    for other_id in {step.other_team_id for step in chain if step.other_team_id}:
        ids |= set(team_leads(other_id).values_list("pk", flat=True))
    return {i for i in ids if i}


def notify_target(escalation: Escalation, idea: Idea, actor: User, *, further: bool) -> None:
    origin = escalation.from_team.name
    text = (f"{origin} escalated further to {escalation.to_team.name}: {idea.title[:120]}"
            if further else f"{origin} escalated to {escalation.to_team.name}: {idea.title[:140]}")
    notify(recipients=team_leads(escalation.to_team_id), actor=actor, verb="escalation",
           text=text, url=escalation_url(escalation), target=escalation,
           event_key=f"escalation:{escalation.pk}:raised")
    if escalation.other_team_id and not further:
        notify(recipients=team_leads(escalation.other_team_id), actor=actor, verb="escalation",
               text=f"{origin} raised a cross-team conflict with {escalation.other_team.name} "
                    f"to {escalation.to_team.name}: {idea.title[:100]} — add your team's view.",
               url=escalation_url(escalation), target=escalation,
               event_key=f"escalation:{escalation.pk}:named")


def notify_down_the_chain(escalation: Escalation, idea: Idea, actor: User, *, text: str,
                          event: str) -> None:
    """Acknowledged, resolved or returned: everyone down the chain hears it (``event`` names
    it in the event key)."""
    notify(recipients=down_the_chain(idea, chain_of(escalation)), actor=actor,
           verb="escalation", text=text, url=idea_url(idea.pk), target=escalation,
           event_key=f"escalation:{escalation.pk}:{event}")


def notify_view(escalation: Escalation, idea: Idea, actor: User, team: Team,
                view: ConflictView) -> None:
    """``team`` gave (or updated) its view of a conflict: the holding team's leads hear it, once
    per version of the view."""
    notify(recipients=team_leads(escalation.to_team_id), actor=actor, verb="escalation",
           text=f"{team.name} gave its view on the conflict about {idea.title[:120]}",
           url=escalation_url(escalation), target=escalation,
           event_key=f"escalation:{escalation.pk}:view:{team.pk}:{view.updated_at:%Y%m%d%H%M%S%f}")
