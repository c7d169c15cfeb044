"""Every write to strategy: one service per action, keyword-only, in one transaction.

Views, the API, the admin, the idea-form hook and the demo data all call these; they check who
acts (Forbidden → 403), the rules (DomainError → 400, Conflict → 409) and never half-save. One
module per seam: priorities (objectives, goals, priorities and the items serving them), kpis,
constraints, catchball; the change-window rule is strategy.windows."""

from .base import NOT_EXECUTIVE, priority_url
from .catchball import (
    deployment_accept,
    deployment_cascade,
    deployment_comment,
    deployment_counter,
    deployment_create,
    deployment_revise,
    deployment_withdraw,
    deployments_create,
)
from .constraints import constraint_create, constraint_lift, constraint_update
from .kpis import kpi_create, kpi_reading_delete, kpi_reading_record, kpi_update
from .priorities import (
    goal_create,
    goal_update,
    idea_set_priorities,
    objective_create,
    objective_update,
    priority_close,
    priority_create,
    priority_link_idea,
    priority_reopen,
    priority_unlink_idea,
    priority_update,
)

__all__ = [
    "NOT_EXECUTIVE", "priority_url",
    "objective_create", "objective_update", "goal_create", "goal_update",
    "priority_create", "priority_update", "priority_close", "priority_reopen",
    "priority_link_idea", "priority_unlink_idea", "idea_set_priorities",
    "kpi_create", "kpi_update", "kpi_reading_record", "kpi_reading_delete",
    "constraint_create", "constraint_update", "constraint_lift",
    "deployment_create", "deployments_create", "deployment_accept", "deployment_counter",
    "deployment_revise", "deployment_comment", "deployment_withdraw", "deployment_cascade",
]
