"""Who may hold and schedule improvement reviews. Pure predicates; the services, views and API
all use these.

A team's leads hold its review; the leads of any team at a tier hold that tier's review
together. Everyone logged in reads review records (the items shown in them are filtered to what
the reader may see). Leads set their team's cadence, admins any."""

from org.models import Team
from org.permissions import is_admin, is_lead
from org.selectors import user_led_team_ids


def can_hold_team_review(user, team_id: int) -> bool:
    return is_lead(user, team_id)


def can_hold_tier_review(user, tier) -> bool:
    led = user_led_team_ids(user)
    tier_id = getattr(tier, "pk", tier)
    return bool(led) and Team.objects.filter(pk__in=led, tier_id=tier_id).exists()


def can_set_cadence(user, team_id: int) -> bool:
    return is_admin(user) or is_lead(user, team_id)
