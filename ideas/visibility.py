"""Who may see which improvement items: the one door every read of ideas goes through."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from org.permissions import is_admin
from org.selectors import user_team_ids

from .anonymity import reported_by
from .models import Idea


def ideas_visible_to(user) -> QuerySet[Idea]:
    """Public items, plus private ones the user reports (named or anonymously), owns by team, or that were escalated
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
        | reported_by(user, prefix)
        | Q(**{f"{prefix}team_id__in": team_ids})
        | Exists(shared)
    )


def hidden_private_ideas(user) -> QuerySet[Idea] | None:
    """The private items ``user`` may not see (None for admins: none). Few — private items are
    a small share and have an index of their own — so rows that point at items (escalations,
    links) are narrowed by leaving these out, without gathering every visible item first."""
    if is_admin(user):
        return None
    team_ids = list(user_team_ids(user))
    shared = Idea.shared_with_teams.through.objects.filter(
        idea_id=OuterRef("pk"), team_id__in=team_ids
    )
    return (
        Idea.objects.filter(is_private=True)
        .exclude(reported_by(user))
        .exclude(team_id__in=team_ids)
        .exclude(Exists(shared))
    )


def filter_visible(qs: QuerySet, user, path: str) -> QuerySet:
    """``qs`` (rows that point at an item through the foreign key ``path``) narrowed to the
    items ``user`` may see: the same rule as ``ideas_visible_to``."""
    hidden = hidden_private_ideas(user)
    return qs if hidden is None else qs.exclude(**{f"{path}_id__in": hidden.values("pk")})
