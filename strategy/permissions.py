"""Who may do what with strategy. Pure predicates; views, API, admin and hooks all use these.

- Everyone who is logged in reads the whole deployment (objectives to KPIs, constraints,
  catchball): seeing why some problems matter more right now is the point.
- Executives (members of a top-tier team) and admins create and edit objectives, goals,
  priorities, KPIs, constraints and deployments, and revise deployments after an answer.
- A KPI's owner team leads (and admins) record its readings.
- A team's leads answer (accept or counter) the deployments to their team.
- Links between ideas and priorities: executives and the priority's owner-team leads manage
  them from the priority page; whoever may edit an idea says which priorities it serves.
"""

from django.http import Http404

from ideas.permissions import can_edit as can_edit_idea
from org.permissions import is_admin, is_executive, is_lead

from .models import KPI, Deployment, Priority


def can_manage_strategy(user) -> bool:
    return is_admin(user) or is_executive(user)


def can_record_reading(user, kpi: KPI) -> bool:
    return is_admin(user) or is_lead(user, kpi.owner_team_id)


def can_answer_deployment(user, deployment: Deployment) -> bool:
    return is_lead(user, deployment.team_id)


def can_revise_deployment(user, deployment: Deployment) -> bool:
    return can_manage_strategy(user)


def can_comment_deployment(user, deployment: Deployment) -> bool:
    return can_manage_strategy(user) or is_lead(user, deployment.team_id)


def can_manage_links(user, priority: Priority) -> bool:
    """Links and unlinks any visible idea from the priority's page."""
    return can_manage_strategy(user) or is_lead(user, priority.owner_team_id)


def can_link_idea(user, priority: Priority, idea) -> bool:
    return can_manage_links(user, priority) or can_edit_idea(user, idea)


def access_priority(user, priority_id, queryset=None) -> Priority:
    """Every logged-in user reads priorities; a missing one is a 404."""
    qs = queryset if queryset is not None else Priority.objects.all()
    try:
        return qs.get(pk=priority_id)
    except (Priority.DoesNotExist, ValueError, TypeError):
        raise Http404("No such priority.")


# ---------------------------------------------------------------- system work
#
# - Experiments: whoever may edit the item (its owner, its team's leads, the reporter while it
#   is new, admins) adds, edits and decides its experiments; everyone who sees the item reads.
# - Reviews: a team's leads hold its review; the leads of any team at a tier hold that tier's
#   review together. Everyone logged in reads review records (the items shown in them are
#   filtered to what the reader may see). Leads set their team's cadence, admins any.
# - Planning windows: admins set them.
# - Standards: the CoE team's members create and edit standards and decide proposals. Nobody
#   else edits — not executives (they say what must be true; the CoE owns how), not admins
#   (they only designate the CoE). Everyone logged in reads and comments. Whoever may edit a
#   done item (or wrote its learning) proposes a change from it.


def can_manage_experiments(user, idea) -> bool:
    return can_edit_idea(user, idea)


def can_hold_team_review(user, team_id: int) -> bool:
    return is_lead(user, team_id)


def can_hold_tier_review(user, tier) -> bool:
    from org.models import Team
    from org.selectors import user_led_team_ids

    led = user_led_team_ids(user)
    tier_id = getattr(tier, "pk", tier)
    return bool(led) and Team.objects.filter(pk__in=led, tier_id=tier_id).exists()


def can_set_cadence(user, team_id: int) -> bool:
    return is_admin(user) or is_lead(user, team_id)


def can_manage_windows(user) -> bool:
    return is_admin(user)


def coe_team_ids() -> set[int]:
    from .models import CentreOfExcellence

    return set(CentreOfExcellence.objects.values_list("team_id", flat=True))


def is_coe(user) -> bool:
    from org.selectors import user_team_ids

    cached = getattr(user, "_tierline_is_coe", None)
    if cached is None:
        cached = bool(getattr(user, "is_authenticated", False) and user.is_active
                      and coe_team_ids() & set(user_team_ids(user)))
        user._tierline_is_coe = cached
    return cached


def can_edit_standards(user) -> bool:
    return is_coe(user)


def can_comment_standard(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_propose_from(user, idea) -> bool:
    return can_edit_idea(user, idea) or idea.learning_by_id == getattr(user, "pk", None)
