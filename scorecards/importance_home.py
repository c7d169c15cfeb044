"""The managers' "My work" panel: the most important open problems in the teams they lead and
every team below them, by the same explained score as the executive panel
(``selectors/importance.py``)."""

from django.db.models import Q
from django.urls import reverse

from ideas.selectors import ideas_visible_to
from org.models import Team
from org.permissions import is_executive
from org.selectors import team_descendant_ids, user_led_team_ids

from .selectors.importance import importance_rows

SHOWN = 8
MANAGER_FROM_TIER = 2  # supervisors and managers lead teams from tier 2 up


def managers_panel(request) -> dict | None:
    user = request.user
    if is_executive(user) or not user_led_team_ids(user):
        return None
    teams = list(Team.objects.filter(pk__in=list(user_led_team_ids(user)), active=True,
                                     tier__level__gte=MANAGER_FROM_TIER).order_by("name"))
    if not teams:
        return None
    area = Q()
    for team in teams:
        area |= Q(team_id__in=team_descendant_ids(team.pk, include_self=True))
    rows = importance_rows(ideas_visible_to(user).filter(area), limit=SHOWN)
    return {
        "title": "Most important open problems in my area",
        "template": "scorecards/_managers_important.html",
        "context": {"important": rows, "teams": teams,
                    "links": [(t.name, reverse("scorecards:items") + f"?scope=team:{t.slug}"
                               "&metric=important") for t in teams]},
    }
