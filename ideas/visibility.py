"""Who may see which improvement items: the one door every read of ideas goes through."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from org.permissions import is_admin
from org.selectors import user_team_ids

from .anonymity import reported_by
from .models import Idea


def ideas_visible_to(user) -> QuerySet[Idea]:
    """Public items, plus private ones the user reports (named or anonymously), owns by team,
    or that were escalated to one of the user's teams. Admins see everything."""
    qs = Idea.objects.all()
    if is_admin(user):
        return qs
    team_ids = list(user_team_ids(user))
    shared = Idea.shared_with_teams.through.objects.filter(
        idea_id=OuterRef("pk"), team_id__in=team_ids
    )
    return qs.filter(
        Q(is_private=False)
        | reported_by(user)
        | Q(team_id__in=team_ids)
        | Exists(shared)
    )
