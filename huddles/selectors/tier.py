"""The tier view: a team's child boards in numbers, for the teams above."""

from datetime import date

from django.db.models import Q

from ideas import workflow
from ideas.selectors import ideas_visible_to
from org.models import Team, User

from ..models import Huddle, SqdcDay
from .board import OPEN, board_settings_of, done_window_start
from .sqdc import letters_for, sqdc_for_day

COUNTED = ("new", "in_progress", "waiting", "done", "aging")


def tier_overview(team: Team, *, viewer: User, today: date) -> list[dict]:
    """Each child team's counts per board column (only items the viewer may see), its red
    letters today and its huddle status today. A constant number of queries."""
    children = list(team.children.filter(active=True).select_related("tier", "board_settings")
                    .order_by("name"))
    if not children:
        return []
    ids = [c.pk for c in children]
    windows = {c.pk: done_window_start(board_settings_of(c), today) for c in children}
    rows = list(
        ideas_visible_to(viewer).filter(team_id__in=ids)
        .filter(Q(status__in=OPEN) | Q(status=workflow.DONE, done_at__gte=min(windows.values())))
        .values_list("team_id", "status", "waiting_on_team_id", "done_at", "aging_flagged_at")
    )
    counts = {i: dict.fromkeys(COUNTED, 0) for i in ids}
    for team_id, status, waiting_on, done_at, flagged in rows:
        c = counts[team_id]
        if status == workflow.DONE:
            if done_at and done_at >= windows[team_id]:
                c["done"] += 1
            continue
        c["waiting" if waiting_on else status] += 1
        if flagged:
            c["aging"] += 1
    letters = sqdc_for_day(ids, today)
    huddles = {}
    for h in Huddle.objects.filter(team_id__in=ids, date=today).order_by("started_at"):
        huddles[h.team_id] = h
    result = []
    for child in children:
        settings = board_settings_of(child)
        day_letters = letters_for(settings, letters.get(child.pk, {}))
        result.append({
            "team": child, "counts": counts[child.pk], "letters": day_letters,
            "reds": [x for x in day_letters if x.status == SqdcDay.Status.RED],
            "huddle": huddles.get(child.pk), "settings": settings,
            "over": [key for key in ("new", "in_progress", "waiting")
                     if settings.wip_limit(key) is not None
                     and counts[child.pk][key] > settings.wip_limit(key)],
        })
    return result
