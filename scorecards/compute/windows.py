"""The computation, step by step: the teams and the days of each window, then each kind of
figure adds its parts (items, people, evidence, escalations, strategy and rituals, protected
time, reviews), then every scope's figures are read off the parts."""

from datetime import date, datetime

from django.utils import timezone

from ideas.models import Idea

from .escalations import count_escalations
from .figures import figures
from .hold import count_hold_checks, hold_figures
from .items import active_people, count_items, cycle_medians, members_of
from .method import count_learning, count_under_escalation, method_figures
from .other_apps import count_alignment_and_huddles, count_sqdc
from .scopes import Scope, Span, Sums, teams_of
from .system import count_capacity, count_evidence, count_missed_reviews


def compute(start: date, end: date, *, team_ids=None, now: datetime | None = None,
            rollup: bool | None = None) -> dict[Scope, dict]:
    """Every figure of every scope for the days ``start``..``end`` (both included).

    ``team_ids`` limits the work to those teams (a team page); then tiers and the organisation
    are not rolled up unless ``rollup`` says so. Returns {scope: {metric or part: value}}."""
    days = (end - start).days + 1
    return compute_windows(end, {"period": days}, team_ids=team_ids, now=now,
                           rollup=rollup)["period"]


def compute_windows(end: date, windows: dict[str, int], *, team_ids=None,
                    now: datetime | None = None, rollup: bool | None = None
                    ) -> dict[str, dict[Scope, dict]]:
    """The figures of several periods ending on ``end`` — {name: length in days} — in one
    pass: each query carries one filtered aggregate per window. Returns {name: {scope: …}}."""
    now = now or timezone.now()
    span = Span.of(end, windows, now)
    sums = Sums(teams_of(team_ids), windows, rollup=team_ids is None if rollup is None else rollup)
    ideas = (Idea.objects.filter(team_id__in=sums.team_ids) if team_ids is not None
             else Idea.objects.all())

    count_items(sums, span, ideas)
    members = members_of(sums)
    active = active_people(span)
    count_evidence(sums, span, ideas)
    cycle = cycle_medians(sums, span)
    ack, decide = count_escalations(sums, span)
    count_alignment_and_huddles(sums, span)
    count_sqdc(sums, span)
    weekly = count_capacity(sums, span)
    count_missed_reviews(sums, span, tiers=team_ids is None)
    count_under_escalation(sums, span, ideas)
    count_learning(sums, span, ideas)
    count_hold_checks(sums, span)

    return {w: {scope: {**figures(sums.parts[w][scope], members.get(scope, set()), active[w],
                                  windows[w], cycle[w].get(scope), ack[w].get(scope),
                                  decide[w].get(scope)),
                        **method_figures(sums.parts[w][scope]),
                        **hold_figures(sums.parts[w][scope]),
                        "capacity_weeks": weekly[w].get(scope, [])}
                for scope in sums.scopes}
            for w in windows}
