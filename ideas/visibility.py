"""Who may see which improvement items: the one door every read of ideas goes through."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from org.permissions import is_admin
from org.selectors import user_team_ids

from .models import Idea


def ideas_visible_to(user) -> QuerySet[Idea]:
    """Public items, plus private ones the user reports, owns by team, or that were escalated
    to one of the user's teams. Admins see everything."""
    q = idea_visible_q(user)
    return Idea.objects.all() if q is None else Idea.objects.filter(q)


def idea_visible_q(user, path: str = "") -> Q | None:
    """The same rule as a condition on an item reached through ``path`` (e.g. ``"idea"`` from
    an escalation): a row-by-row check on the joined item, where ``idea__in=ideas_visible_to()``
    would make PostgreSQL gather every visible item first. None for admins (no condition)."""
    if is_admin(user):
        return None
    prefix = f"{path}__" if path else ""
    team_ids = list(user_team_ids(user))
    shared = Idea.shared_with_teams.through.objects.filter(
        idea_id=OuterRef(f"{path}_id" if path else "pk"), team_id__in=team_ids
    )
    return (
        Q(**{f"{prefix}is_private": False})
        | Q(**{f"{prefix}reporter_id": user.pk})
        | Q(**{f"{prefix}team_id__in": team_ids})
        | Exists(shared)
    )


def filter_visible(qs: QuerySet, user, path: str) -> QuerySet:
    """``qs`` (rows that point at an item through ``path``) narrowed to the items ``user`` may
    see."""
    q = idea_visible_q(user, path)
    return qs if q is None else qs.filter(q)
