"""Reads about people and the hierarchy. Tree walks are one recursive SQL query each."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from .models import Membership, Notification, Team, Tier, User

_ANCESTORS_SQL = """
WITH RECURSIVE up(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM org_team WHERE id = %s
    UNION ALL
    SELECT t.id, t.parent_id, up.depth + 1 FROM org_team t JOIN up ON t.id = up.parent_id
    WHERE up.depth < 50
)
SELECT id FROM up WHERE id <> %s
"""

_SUBTREE_SQL = """
WITH RECURSIVE down(id, depth) AS (
    SELECT id, 0 FROM org_team WHERE id = %s
    UNION ALL
    SELECT t.id, down.depth + 1 FROM org_team t JOIN down ON t.parent_id = down.id
    WHERE down.depth < 50
)
SELECT id FROM down WHERE depth >= %s
"""


def team_ancestors(team: Team) -> QuerySet[Team]:
    """The team's parent, grandparent … up to the root, nearest first (one query)."""
    return (
        Team.objects.filter(id__in=RawSQL(_ANCESTORS_SQL, (team.pk, team.pk)))
        .select_related("tier")
        .order_by("tier__level")
    )


def team_descendant_ids(team_id: int, *, include_self: bool = False) -> RawSQL:
    """A subquery of the ids below a team (and the team itself if asked), for ``__in`` filters."""
    return RawSQL(_SUBTREE_SQL, (team_id, 0 if include_self else 1))


def team_descendants(team: Team, *, include_self: bool = False) -> QuerySet[Team]:
    """Every team below this one, at any depth (one query)."""
    return (
        Team.objects.filter(id__in=team_descendant_ids(team.pk, include_self=include_self))
        .select_related("tier", "parent")
        .order_by("-tier__level", "name")
    )


def user_team_ids(user: User) -> frozenset[int]:
    """Ids of the active teams the user belongs to; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_tierline_team_ids", None)
    if cached is None:
        rows = Membership.objects.filter(user=user, team__active=True).values_list(
            "team_id", "role"
        )
        rows = list(rows)
        user._tierline_team_ids = frozenset(t for t, _ in rows)
        user._tierline_led_team_ids = frozenset(t for t, r in rows if r == Membership.Role.LEAD)
        cached = user._tierline_team_ids
    return cached


def user_led_team_ids(user: User) -> frozenset[int]:
    user_team_ids(user)
    return getattr(user, "_tierline_led_team_ids", frozenset())


def user_teams(user: User) -> QuerySet[Team]:
    return (
        Team.objects.filter(memberships__user=user, active=True)
        .select_related("tier", "parent", "parent__tier")
        .order_by("-tier__level", "name")
        .distinct()
    )


def user_led_teams(user: User) -> QuerySet[Team]:
    return user_teams(user).filter(
        memberships__user=user, memberships__role=Membership.Role.LEAD
    )


def user_primary_team(user: User) -> Team | None:
    """The team new items default to: the user's lowest-tier team."""
    return (
        Team.objects.filter(memberships__user=user, active=True)
        .select_related("tier")
        .order_by("tier__level", "name")
        .first()
    )


def top_tier() -> Tier | None:
    return Tier.objects.order_by("-level").first()


def root_team() -> Team | None:
    return Team.objects.filter(parent__isnull=True).select_related("tier").first()


def team_leads(team: Team | int) -> QuerySet[User]:
    team_id = team.pk if isinstance(team, Team) else team
    return User.objects.filter(
        memberships__team_id=team_id, memberships__role=Membership.Role.LEAD, is_active=True
    )


def teams_with_people() -> QuerySet[Team]:
    """Teams with tier, parent and memberships (users) prefetched: a constant number of queries."""
    return Team.objects.select_related("tier", "parent").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("user").order_by("-role", "user__username"),
        )
    )


def unread_notification_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: User) -> QuerySet[Notification]:
    # The e-mail body (digests only) is never shown in the list.
    return (Notification.objects.filter(recipient=user).defer("email_body")
            .order_by("-created_at", "-id"))

def lead_ids_by_team(team_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
    """Active leads of each team (all teams when ``team_ids`` is None), in one query."""
    qs = Membership.objects.filter(role=Membership.Role.LEAD, user__is_active=True)
    if team_ids is not None:
        qs = qs.filter(team_id__in=list(team_ids))
    leads: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in qs.order_by("user_id").values_list("team_id", "user_id"):
        leads[team_id].append(user_id)
    return leads
