"""The weekly capacity nudge (run by capacity.tasks): tells the leads when a team sacrifices its
protected improvement time three weeks running — once per streak."""

from datetime import date

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from org.models import Team
from org.notifications import notify
from org.selectors import team_leads

from .models import TeamCapacity
from .selectors import capacity_by_week
from .services import hours_text

STREAK_WEEKS = 3


def _team_url(team: Team) -> str:
    try:
        return reverse("huddles:board", args=[team.slug])
    except NoReverseMatch:  # pragma: no cover - huddles is always installed
        return reverse("capacity:team", args=[team.slug])


def check_improvement_capacity(*, today: date | None = None) -> dict:
    """Weekly: a team that used less than half its protected improvement capacity in each of the
    last three complete weeks is "sacrificing improvement time": its leads and the leads of the
    team above are told — once per streak. ``nudged_week`` holds the last week of the streak
    already told; while the streak goes on it moves along and nobody is told again; after a
    good week a new streak is a new nudge. Safe to run twice (the row is locked and re-checked;
    the notification's event key is the streak's)."""
    today = today or timezone.localdate()
    team_ids = list(TeamCapacity.objects.filter(team__active=True).values_list("team_id",
                                                                               flat=True))
    views = capacity_by_week(team_ids, STREAK_WEEKS, today=today, include_current=False)
    run = {"teams": len(team_ids), "sacrificing": 0, "nudged": 0, "continued": 0}
    for team_id, view in views.items():
        weeks = view.weeks
        if not all(w.sacrificed for w in weeks):
            continue
        run["sacrificing"] += 1
        window_start, last_week = weeks[0].week, weeks[-1].week
        with transaction.atomic():
            cap = TeamCapacity.objects.select_for_update(of=("self",)).select_related(
                "team").get(team_id=team_id)
            if cap.nudged_week and cap.nudged_week >= last_week:
                continue  # this run already happened
            if cap.nudged_week and cap.nudged_week >= window_start:
                # The streak already told about goes on: remember how far, say nothing.
                cap.nudged_week = last_week
                cap.save(update_fields=["nudged_week"])
                run["continued"] += 1
                continue
            cap.nudged_week = last_week
            cap.save(update_fields=["nudged_week"])
            team = cap.team
            leads = set(team_leads(team).values_list("pk", flat=True))
            if team.parent_id:
                leads |= set(team_leads(team.parent_id).values_list("pk", flat=True))
            used = ", ".join(hours_text(w.used) for w in weeks)
            notify(recipients=leads, verb="capacity_sacrificed",
                   text=(f"Improvement time is being sacrificed: {team.name} used less than "
                         f"half of its protected {hours_text(view.protected)} h a week for three weeks "
                         f"running ({used} h)."),
                   event_key=f"capacity-sacrificed:{team.pk}:{window_start.isoformat()}",
                   url=_team_url(team), target=team)
            run["nudged"] += 1
    return run
