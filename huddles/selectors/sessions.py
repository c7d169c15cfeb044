"""Huddle sessions: today's huddle of a board, a team's history, the huddles a user may read,
the items discussed, and huddles held vs scheduled (for scorecards)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from ideas.models import Idea
from ideas.selectors import ideas_visible_to
from org.models import Team
from org.permissions import is_admin
from org.selectors import team_descendant_ids, user_team_ids

from ..models import Huddle

ON_TIME_GRACE = timedelta(minutes=10)


def huddle_today(team: Team, today: date) -> Huddle | None:
    """Today's open huddle, else today's latest ended one (attendees and discussed prefetched)."""
    return (
        Huddle.objects.filter(team=team, date=today)
        .select_related("started_by", "ended_by")
        .prefetch_related("attendees", Prefetch("discussed", queryset=Idea.objects.only("pk")))
        .order_by(F("ended_at").desc(nulls_first=True), "-started_at")  # the open one first
        .first()
    )


def discussed_ids(huddle: Huddle | None) -> set[int] | frozenset:
    """Ids of the items marked discussed in ``huddle`` while it runs (from huddle_today's
    prefetch): the cards show their "discussed" toggles only during a huddle."""
    if huddle is None or not huddle.is_open:
        return frozenset()
    return {i.pk for i in huddle.discussed.all()}


def huddle_of_team(team: Team, pk: int, *, with_people: bool = False) -> Huddle | None:
    """One huddle of the team; ``with_people``: who started, ended and attended it too."""
    qs = Huddle.objects.filter(team=team, pk=pk)
    if with_people:
        qs = qs.select_related("started_by", "ended_by").prefetch_related("attendees")
    return qs.first()


def huddles_of_team(team: Team) -> QuerySet[Huddle]:
    return (
        Huddle.objects.filter(team=team)
        .select_related("started_by", "ended_by")
        .annotate(attendee_count=Count("attendees", distinct=True),
                  discussed_count=Count("discussed", distinct=True))
        .order_by("-date", "-started_at")
    )


def huddles_visible_to(user) -> QuerySet[Huddle]:
    """Huddles of the user's teams and of every team below them; admins see all."""
    qs = Huddle.objects.select_related("team", "started_by", "ended_by")
    if is_admin(user):
        return qs
    team_ids = list(user_team_ids(user))
    if not team_ids:
        return qs.none()
    scope = Q(team_id__in=team_ids)
    for team_id in team_ids:
        scope |= Q(team_id__in=team_descendant_ids(team_id))
    return qs.filter(scope)


def discussed_visible_to(user, huddles: list[Huddle]) -> dict[int, list[Idea]]:
    """{huddle_id: [ideas]} of the items discussed, only those the user may see (one query)."""
    through = Huddle.discussed.through
    rows = list(through.objects.filter(huddle_id__in=[h.pk for h in huddles])
                .values_list("huddle_id", "idea_id"))
    visible = {i.pk: i for i in ideas_visible_to(user).filter(pk__in={r[1] for r in rows})
               .only("pk", "title", "status", "is_private")} if rows else {}
    result: dict[int, list[Idea]] = {h.pk: [] for h in huddles}
    for huddle_id, idea_id in rows:
        if idea_id in visible:
            result[huddle_id].append(visible[idea_id])
    return result


def weekdays_between(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class HuddleStats:
    scheduled: int
    held: int
    on_time: int
    extra: int  # huddles held on days none was scheduled (weekends)

    @property
    def rate(self) -> float | None:
        """Held as a share of scheduled (0..1), or None when nothing was scheduled."""
        return min(1.0, self.held / self.scheduled) if self.scheduled else None


def huddles_held_vs_scheduled(teams, start: date, end: date) -> dict[int, HuddleStats]:
    """For scorecards: per team, huddles scheduled (every weekday from ``start`` to ``end``,
    at the tier's huddle time), held (weekdays with a huddle) and on time (started no later
    than 10 minutes after the tier's huddle time). Two queries for any number of teams.

    ``teams``: Team objects or ids."""
    team_ids = [getattr(t, "pk", t) for t in teams]
    huddle_times = dict(Team.objects.filter(pk__in=team_ids)
                        .values_list("pk", "tier__huddle_time"))
    scheduled = len(weekdays_between(start, end)) if start <= end else 0
    first_start: dict[tuple[int, date], datetime] = {}
    for team_id, day, started in (Huddle.objects.filter(team_id__in=team_ids,
                                                        date__range=(start, end))
                                  .values_list("team_id", "date", "started_at")):
        key = (team_id, day)
        if key not in first_start or started < first_start[key]:
            first_start[key] = started
    stats = {}
    for team_id in team_ids:
        held = on_time = extra = 0
        huddle_time = huddle_times.get(team_id)
        for (tid, day), started in first_start.items():
            if tid != team_id:
                continue
            if day.weekday() >= 5:
                extra += 1
                continue
            held += 1
            if huddle_time is not None:
                planned = timezone.make_aware(datetime.combine(day, huddle_time))
                if started <= planned + ON_TIME_GRACE:
                    on_time += 1
        stats[team_id] = HuddleStats(scheduled=scheduled, held=held, on_time=on_time,
                                     extra=extra)
    return stats
