"""The "My work" panel: today's boards of my teams — letters, huddle, a link to each board."""

from django.utils import timezone

from org.models import Team
from org.selectors import user_team_ids

from .models import Huddle
from .selectors.board import board_settings_of
from .selectors.sessions import huddles_visible_to
from .selectors.sqdc import letters_for, sqdc_for_day


def todays_boards_panel(request) -> dict | None:
    team_ids = list(user_team_ids(request.user))
    if not team_ids:
        return None
    today = timezone.localdate()
    teams = list(Team.objects.filter(pk__in=team_ids, active=True)
                 .select_related("tier", "board_settings").order_by("tier__level", "name"))
    letters = sqdc_for_day(team_ids, today)
    huddles: dict[int, Huddle] = {}
    for huddle in Huddle.objects.filter(team_id__in=team_ids, date=today).order_by("started_at"):
        if huddles.get(huddle.team_id) is None or huddle.is_open:
            huddles[huddle.team_id] = huddle
    rows = [{"team": t, "huddle": huddles.get(t.pk),
             "letters": letters_for(board_settings_of(t), letters.get(t.pk, {}))}
            for t in teams]
    return {"title": "Today's huddle boards", "template": "huddles/_home_panel.html",
            "context": {"rows": rows, "today": today}}


def discussed_in_huddles_panel(request, idea) -> dict | None:
    """On the idea page: the huddles (the user may see) that discussed the item."""
    huddles = list(huddles_visible_to(request.user).filter(discussed=idea)
                   .order_by("-date", "-started_at")[:10])
    if not huddles:
        return None
    return {"title": "Discussed in huddles", "template": "huddles/_idea_panel.html",
            "context": {"huddles": huddles}}
