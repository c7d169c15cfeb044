"""Marking an item's learning as reused or useful (LearningMark), and taking the mark back.

The item's ``learning_marks`` counter moves with the marks, in the same transaction, so the
learning library sorts by it without counting rows. A mark is a timeline line that does not
make the (done) item active again."""

from django.db import transaction
from django.db.models import F

from core.errors import DomainError, Forbidden
from org.models import Team, User
from org.notifications import notify

from ..models import Idea, LearningMark
from ..permissions import can_mark_learning, learning_mark_teams
from .items import item_url, lock_idea, record_event

NOTE_MAX = 300


def _team_for(actor: User, idea: Idea, kind: str, team_id: int | None) -> int:
    teams = learning_mark_teams(actor, idea, kind)
    if not teams:
        raise Forbidden("Leads of other teams mark learning as reused or useful; the Centre of "
                        "Excellence marks it useful. Never the item's own team, and only the "
                        "learning of a done item.")
    if team_id is None:
        if len(teams) > 1:
            raise DomainError("Say on behalf of which team you mark it.", field="team")
        return next(iter(teams))
    if team_id not in teams:
        raise DomainError("You may not mark learning on behalf of that team.", field="team")
    return team_id


@transaction.atomic
def learning_mark(*, idea_id: int, kind: str, actor: User, team_id: int | None = None,
                  note: str = "") -> LearningMark:
    """Marks the learning as ``kind`` (reused or useful) for a team. Locks the item so the
    counter and the marks agree; marking twice returns the existing mark."""
    if kind not in LearningMark.Kind.values:
        raise DomainError("Mark learning as reused or useful.", field="kind")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"Keep the note to {NOTE_MAX} characters.", field="note")
    idea = lock_idea(idea_id)
    team_id = _team_for(actor, idea, kind, team_id)
    mark, created = LearningMark.objects.get_or_create(
        idea=idea, team_id=team_id, kind=kind, defaults={"marked_by": actor, "note": note})
    if not created:
        return mark
    Idea.objects.filter(pk=idea.pk).update(learning_marks=F("learning_marks") + 1)
    team = Team.objects.get(pk=team_id)
    label = mark.get_kind_display().lower()
    record_event(idea=idea, actor=actor, verb="learning_marked", touch=False,
                 text=f"{team.name} marked the learning as {label}."
                      + (f" {note}" if note else ""),
                 data={"kind": kind, "team": team_id})
    recipients = [u for u in (idea.learning_by, idea.owner) if u is not None]
    if recipients:
        notify(recipients=recipients, actor=actor, verb="learning_marked",
               text=f"{team.name} marked your learning as {label}: {idea.title[:120]}",
               url=item_url(idea), target=idea,
               event_key=f"idea:{idea.pk}:learning:{team_id}:{kind}")
    return mark


@transaction.atomic
def learning_unmark(*, idea_id: int, kind: str, actor: User, team_id: int | None = None) -> None:
    """Takes a team's mark back (whoever may mark for the team may unmark); nothing to take
    back is not an error."""
    idea = lock_idea(idea_id)
    if kind not in LearningMark.Kind.values:
        raise DomainError("Mark learning as reused or useful.", field="kind")
    if team_id is not None and not can_mark_learning(actor, idea, kind, team_id):
        raise Forbidden("You may not take back that team's mark.")
    team_id = _team_for(actor, idea, kind, team_id)
    deleted, _ = LearningMark.objects.filter(idea=idea, team_id=team_id, kind=kind).delete()
    if deleted:
        Idea.objects.filter(pk=idea.pk, learning_marks__gt=0).update(
            learning_marks=F("learning_marks") - 1)
        record_event(idea=idea, actor=actor, verb="learning_unmarked", touch=False,
                     text=f"A {kind} mark on the learning was taken back.",
                     data={"kind": kind, "team": team_id})
