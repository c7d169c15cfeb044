"""Support, not scrutiny: the team that raised an escalation says whether the answer helped
(helped / partly / didn't), with an optional note, once the step is resolved or returned.

The write (``answer_feedback_give``) locks the item then the escalation like every escalation
service; a "didn't help" tells the escalation's deciders (the lead who answered and the
target team's leads), once per verdict. The reads serve the escalation page and the executive
panel's list of answers returned without help. The figures per tier (share that helped)
are scorecard figures: ``scorecards/compute/escalations.py`` counts them in SQL."""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from ideas.models import Idea
from ideas.services import record_event
from org.models import User
from org.notifications import notify
from org.selectors import team_leads

from .inputs import clean_text
from .models import AnswerFeedback, Escalation
from .notices import escalation_url
from .permissions import can_rate_answer, rating_team
from .selectors import chain_of, escalations_visible_to, with_row_data
from .workflow import State

NOTE_MAX = 2000
Rating = AnswerFeedback.Rating
SAID = {Rating.HELPED: "the answer helped", Rating.PARTLY: "the answer partly helped",
        Rating.NOT_HELPED: "the answer didn't help"}


def _lock(escalation_id) -> tuple[Idea, Escalation]:
    """Locks the item, then the escalation (the order of every escalation service)."""
    idea_id = (Escalation.objects.filter(pk=escalation_id).values_list("idea_id", flat=True)
               .first())
    if idea_id is None:
        raise DomainError("No such escalation.", code="not_found")
    idea = Idea.objects.select_for_update(of=("self",)).get(pk=idea_id)
    escalation = (Escalation.objects.select_for_update(of=("self",))
                  .select_related("from_team", "to_team").get(pk=escalation_id))
    return idea, escalation


@transaction.atomic
def answer_feedback_give(*, escalation_id: int, actor: User, rating: str,
                         note: str = "") -> AnswerFeedback:
    """Records whether the answer helped. Only a decided step (resolved or returned) is rated:
    an open one is a Conflict (409, nothing answered yet), as is a step passed further up
    (its last step holds the answer). A second verdict replaces the first; a new "didn't
    help" notifies the deciders."""
    idea, escalation = _lock(escalation_id)
    if escalation.state == State.ESCALATED:
        raise Conflict("This step was passed further up: say whether the answer helped on the "
                       "step that decided.", extra={"state": escalation.state})
    if not escalation.is_decided:
        raise Conflict("Nothing has been answered yet: say whether it helped once the "
                       "escalation is resolved or returned.", extra={"state": escalation.state})
    root = chain_of(escalation)[0]
    if not can_rate_answer(actor, escalation, root):
        if escalation.resolved_by_id == actor.pk:
            raise Forbidden("You gave this answer: the team that raised the escalation says "
                            "whether it helped.")
        raise Forbidden(f"Only {root.from_team.name} (the team that raised it) says whether "
                        "the answer helped.")
    if rating not in Rating.values:
        raise DomainError("Say whether the answer helped, partly helped or didn't help.",
                          field="rating")
    note = (note or "").strip()
    if note:
        note = clean_text(note, field="note", limit=NOTE_MAX, message="")
    team = rating_team(actor, escalation, root)
    before = AnswerFeedback.objects.filter(escalation=escalation).first()
    now = timezone.now()
    feedback, _ = AnswerFeedback.objects.update_or_create(
        escalation=escalation,
        defaults={"rating": rating, "note": note, "team": team, "rated_by": actor,
                  "rated_at": now})
    said = SAID[rating]
    record_event(idea=idea, actor=actor, verb="answer_rated",
                 text=f"{team.name} said {said}" + (f": {note[:300]}" if note else "."),
                 data={"escalation": escalation.pk, "rating": rating}, touch=False)
    if rating == Rating.NOT_HELPED and (before is None or before.rating != rating
                                        or before.note != note):
        _tell_deciders(escalation, idea, actor, team.name, feedback)
    return feedback


def deciders(escalation: Escalation) -> set[int]:
    """Who answered: the lead who decided, and the leads of the team that held the step."""
    ids = set(team_leads(escalation.to_team_id).values_list("pk", flat=True))
    if escalation.resolved_by_id:
        ids.add(escalation.resolved_by_id)
    return ids


def _tell_deciders(escalation: Escalation, idea: Idea, actor: User, team_name: str,
                   feedback: AnswerFeedback) -> None:
    note = f" — {feedback.note[:120]}" if feedback.note else ""
    notify(recipients=deciders(escalation), actor=actor, verb="escalation",
           text=f"{team_name} says your answer on {idea.title[:100]} didn't help{note}",
           url=escalation_url(escalation), target=escalation,
           event_key=(f"escalation:{escalation.pk}:not-helped:"
                      f"{feedback.rated_at:%Y%m%d%H%M%S%f}"))


# ---------------------------------------------------------------- reads


def feedback_of(escalation: Escalation) -> AnswerFeedback | None:
    """The verdict on one step, with who gave it (one query)."""
    return (AnswerFeedback.objects.filter(escalation=escalation)
            .select_related("team", "rated_by").first())


def returned_without_help(user, *, since: datetime, limit: int = 10) -> QuerySet[Escalation]:
    """Answers returned (sent back with guidance) that the raising team said didn't help,
    rated since ``since``, newest verdict first, among the escalations ``user`` may see."""
    qs = escalations_visible_to(user).filter(
        state=State.RETURNED, feedback__rating=Rating.NOT_HELPED, feedback__rated_at__gte=since)
    return (with_row_data(qs).select_related("feedback", "feedback__team")
            .order_by("-feedback__rated_at", "-id")[:limit])
