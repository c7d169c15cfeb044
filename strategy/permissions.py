"""Who may do what with strategy. Pure predicates; views, API, admin and hooks all use these.

- Everyone who is logged in reads the whole deployment (objectives to KPIs, constraints,
  catchball): seeing why some problems matter more right now is the point.
- Executives (members of a top-tier team) and admins create and edit objectives, goals,
  priorities, KPIs, constraints and deployments, and revise deployments after an answer.
- A KPI's owner team leads (and admins) record its readings.
- A team's leads answer (accept or counter) the deployments to their team, and cascade one
  they accepted to their own child teams (admins may too).
- Whoever proposed a hop revises and withdraws it: executives (and admins) a deployment from
  the top, the leads of the team that cascaded it (and admins) a cascade. Executives do not
  revise a manager's ask to the manager's teams.
- Links between ideas and priorities: executives and the priority's owner-team leads manage
  them from the priority page; whoever may edit an idea says which priorities it serves.
- Planning windows: admins set them; everyone logged in reads them.
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


def can_cascade_deployment(user, deployment: Deployment) -> bool:
    return is_admin(user) or is_lead(user, deployment.team_id)


def _from_team_id(deployment: Deployment) -> int | None:
    """The team that proposed a cascade (None for a deployment from the top). Select or
    prefetch ``parent`` where many deployments are checked."""
    return deployment.parent.team_id if deployment.parent_id else None


def can_revise_deployment(user, deployment: Deployment) -> bool:
    from_team = _from_team_id(deployment)
    if from_team is None:
        return can_manage_strategy(user)
    return is_admin(user) or is_lead(user, from_team)


def can_comment_deployment(user, deployment: Deployment) -> bool:
    return (can_revise_deployment(user, deployment) or can_manage_strategy(user)
            or is_lead(user, deployment.team_id))


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


# ---------------------------------------------------------------- planning windows


def can_manage_windows(user) -> bool:
    """Admins set the planning windows (the change-window rule starts with the first one)."""
    return is_admin(user)
