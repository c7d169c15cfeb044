"""Every read of ideas that depends on who asks goes through ideas_visible_to."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from org.permissions import is_admin
from org.selectors import user_team_ids

from .models import Idea


def ideas_visible_to(user) -> QuerySet[Idea]:
    """Public items, plus private ones the user reports, owns by team, or that were escalated
    to one of the user's teams. Admins see everything."""
    qs = Idea.objects.all()
    if is_admin(user):
        return qs
    team_ids = list(user_team_ids(user))
    shared = Idea.shared_with_teams.through.objects.filter(
        idea_id=OuterRef("pk"), team_id__in=team_ids
    )
    return qs.filter(
        Q(is_private=False)
        | Q(reporter_id=user.pk)
        | Q(team_id__in=team_ids)
        | Exists(shared)
    )


def with_card_data(qs: QuerySet[Idea]) -> QuerySet[Idea]:
    """What a list row or board card shows, in a constant number of queries."""
    return qs.select_related("team", "team__tier", "owner", "reporter", "waiting_on_team")


def open_ideas_of_team(team_id: int) -> QuerySet[Idea]:
    return Idea.objects.filter(team_id=team_id, status__in=Idea.OPEN_STATUSES)
