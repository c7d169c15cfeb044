"""Display links: the read-only wall-screen links of a team, and those a user may manage."""

from django.db.models import QuerySet

from org.permissions import is_admin
from org.selectors import user_led_team_ids

from ..models import DisplayLink


def display_links_of(team) -> QuerySet[DisplayLink]:
    return DisplayLink.objects.filter(team=team).select_related("created_by", "revoked_by")


def display_links_visible_to(user) -> QuerySet[DisplayLink]:
    """The links of the teams the user leads (all of them for admins)."""
    qs = DisplayLink.objects.select_related("team", "created_by", "revoked_by")
    if is_admin(user):
        return qs
    return qs.filter(team_id__in=list(user_led_team_ids(user)))
