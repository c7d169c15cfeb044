"""Which constraints apply: to a team on a day (its own and those of the teams above it), in
force on a day, and the listing. ``strategy.selectors`` re-exports these."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from org.models import Team
from org.selectors import team_ancestors

from .models import Constraint


def constraints_for_team(team: Team | int, *, on: date | None = None) -> QuerySet[Constraint]:
    """Constraints that apply to a team on a day: organisation-wide ones and those scoped to
    the team or any team above it (a team's constraint covers its subtree). Two queries."""
    on = on or timezone.localdate()
    team_obj = team if isinstance(team, Team) else Team.objects.get(pk=team)
    scope = [team_obj.pk] + [t.pk for t in team_ancestors(team_obj)]
    return (Constraint.objects.filter(Q(team__isnull=True) | Q(team_id__in=scope))
            .filter(constraint_active_q(on))
            .select_related("team", "set_by").order_by("team__tier__level", "-start", "pk"))


def constraint_active_q(on: date | None = None) -> Q:
    on = on or timezone.localdate()
    return Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on))


def constraints_active(*, on: date | None = None) -> QuerySet[Constraint]:
    return Constraint.objects.filter(constraint_active_q(on))


def constraints_listing() -> QuerySet[Constraint]:
    return Constraint.objects.select_related("team", "team__tier", "set_by")
