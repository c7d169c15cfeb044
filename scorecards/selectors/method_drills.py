"""The items behind the figures of what the method rewards (scorecards/compute/method.py): the
same rules, read "now" for the point-in-time figures as the other drill-downs are."""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from escalation.models import Escalation
from ideas.learning import structured_q
from ideas.models import Idea, LearningMark

METHOD_DRILLS = {
    "learning_structured": "Done in the period with a structured learning note",
    "learning_reused": "Learning another team reused or found useful in the period",
    "over_authority_unescalated": "Over the team's authority limit, never escalated (now)",
    "aging_unescalated": "Aging and never escalated (now)",
    "silent_teams": "Aging work of teams that raised no escalation in the period (now)",
}
# Shown "now" rather than over the period on the items page.
NOW_DRILLS = {"over_authority_unescalated", "aging_unescalated", "silent_teams"}

NOT_CLOSED = (*Idea.OPEN_STATUSES, Idea.Status.PARKED)


def method_items(qs: QuerySet[Idea], drill: str, lo: datetime, hi: datetime) -> QuerySet[Idea]:
    """``qs`` (the visible items of the scope) narrowed to those behind ``drill``."""
    never = ~Exists(Escalation.objects.filter(idea_id=OuterRef("pk")))
    aging = Q(status__in=Idea.OPEN_STATUSES, aging_flagged_at__isnull=False)
    if drill == "learning_structured":
        return (qs.filter(status=Idea.Status.DONE, done_at__gte=lo, done_at__lt=hi)
                .filter(structured_q()).order_by("-done_at", "-id"))
    if drill == "learning_reused":
        marked = LearningMark.objects.filter(idea_id=OuterRef("pk"), created_at__gte=lo,
                                             created_at__lt=hi).exclude(team_id=F("idea__team_id"))
        return qs.filter(Exists(marked)).order_by("-learning_marks", "-done_at", "-id")
    if drill == "over_authority_unescalated":
        return (qs.filter(status__in=NOT_CLOSED,
                          required_spend__gt=F("team__tier__authority_limit"))
                .filter(never).order_by(F("required_spend").desc(), "id"))
    if drill == "aging_unescalated":
        return qs.filter(aging).filter(never).order_by("last_activity_at", "id")
    if drill == "silent_teams":
        raised = Escalation.objects.filter(from_team_id=OuterRef("team_id"), raised_at__gte=lo,
                                           raised_at__lt=hi)
        return (qs.filter(aging, team__active=True).exclude(Exists(raised))
                .order_by("last_activity_at", "id"))
    raise ValueError(drill)
