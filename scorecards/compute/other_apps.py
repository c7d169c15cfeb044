"""Strategy alignment, huddles held and SQDC letters, through their apps' own reads."""

from django.db.models import Count, Q

from huddles.models import SqdcDay
from huddles.selectors import huddles_held_vs_scheduled
from strategy.selectors import alignment_by_team

from .scopes import Span, Sums


def count_alignment_and_huddles(sums: Sums, span: Span) -> None:
    """Items aligned with a priority, and huddles scheduled and held, per window (two reads
    per window)."""
    for w, start in span.starts.items():
        for team_id, figures in alignment_by_team(start=start, end=span.end,
                                                  team_ids=sums.team_ids).items():
            sums.add(w, team_id, alignment_total=figures["total"],
                     alignment_aligned=figures["aligned"])
        for team_id, stats in huddles_held_vs_scheduled(sorted(sums.teams.active), start,
                                                        span.end).items():
            sums.add(w, team_id, huddles_scheduled=stats.scheduled,
                     huddles_held_count=stats.held)


def count_sqdc(sums: Sums, span: Span) -> None:
    """SQDC days set and green, per window (one query)."""
    aggregates = {}
    for w, start in span.starts.items():
        in_window = Q(date__gte=start)
        aggregates[f"sqdc_set__{w}"] = Count("pk", filter=in_window
                                             & ~Q(status=SqdcDay.Status.UNSET))
        aggregates[f"sqdc_greens__{w}"] = Count("pk", filter=in_window
                                                & Q(status=SqdcDay.Status.GREEN))
    for row in (SqdcDay.objects.filter(team_id__in=sums.team_ids, date__gte=span.first_day,
                                       date__lte=span.end)
                .order_by().values("team_id").annotate(**aggregates)):
        sums.split(row, "team_id")
