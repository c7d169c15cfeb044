"""Writes of constraints: the boundaries executives set for the organisation or a team's
subtree, under the change-window rule."""

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, DomainError
from org.models import Team, User
from org.notifications import notify
from org.selectors import team_leads

from ..checks import clean_text, known_fields
from ..models import Constraint
from ..windows import check_window, save_change, save_edit
from .base import (
    active_team,
    check_review_by,
    default_review_by,
    full_clean,
    managed_row,
    require_manager,
)

# ---------------------------------------------------------------- constraints

CONSTRAINT_FIELDS = {"statement", "detail", "team", "start", "end", "review_by"}


def _check_constraint(constraint: Constraint) -> None:
    constraint.statement = clean_text(constraint.statement, field="statement", label="The statement")
    if constraint.start is None:
        raise DomainError("Give the day the constraint starts.", field="start")
    if constraint.end and constraint.end < constraint.start:
        raise DomainError("The constraint ends before it starts.", field="end",
                          code="ends_before_start")
    full_clean(constraint, exclude=["team", "set_by"])


@transaction.atomic
def constraint_create(*, actor: User, statement: str, start: date, team: Team | int | None = None,
                      end: date | None = None, detail: str = "", cause: str = "",
                      review_by: date | None = None) -> Constraint:
    """Sets a boundary for the whole organisation (no team) or a team and its subtree.
    Outside a planning window it needs a cause. Without a review-by date it comes up for
    review a quarter ahead (``default_review_by``)."""
    require_manager(actor)
    check_review_by(review_by)
    outside, cause = check_window(cause)
    scope = active_team(team, field="team", what="team") if team is not None else None
    constraint = Constraint(statement=statement, detail=detail or "", team=scope, start=start,
                            end=end, set_by=actor,
                            review_by=review_by or default_review_by(start=start, end=end))
    _check_constraint(constraint)
    save_change(constraint, actor=actor, action="created", outside=outside, cause=cause)
    if scope is not None:
        notify(recipients=team_leads(scope), verb="constraint_set", actor=actor,
               text=f"New constraint for {scope.name}: {constraint.statement}",
               event_key=f"strategy:constraint:{constraint.pk}:set",
               url=reverse("strategy:constraints"), target=constraint)
    return constraint


@transaction.atomic
def constraint_update(*, constraint_id: int, actor: User, cause: str = "",
                      **fields) -> Constraint:
    constraint = managed_row(actor, Constraint, constraint_id, "constraint")
    known_fields(fields, CONSTRAINT_FIELDS)
    if "review_by" in fields and fields["review_by"] != constraint.review_by:
        check_review_by(fields["review_by"], required=True)
    if "team" in fields:
        team = fields["team"]
        if team is not None and getattr(team, "pk", team) != constraint.team_id:
            fields["team"] = active_team(team, field="team", what="team")
        elif team is not None:
            fields["team"] = Team.objects.get(pk=getattr(team, "pk", team))
    save_edit(constraint, fields, foreign_keys=("team",), check=_check_constraint, actor=actor,
              cause=cause)
    return constraint


@transaction.atomic
def constraint_lift(*, constraint_id: int, actor: User, cause: str = "") -> Constraint:
    """Ends a constraint today (it still applied today). Outside a window it needs a cause."""
    constraint = managed_row(actor, Constraint, constraint_id, "constraint")
    today = timezone.localdate()
    if constraint.end is not None and constraint.end < today:
        raise Conflict("This constraint has already ended.")
    if constraint.start > today:
        raise DomainError("This constraint has not started yet: change its dates instead.",
                          field="start")
    outside, cause = check_window(cause)
    constraint.end = today
    save_change(constraint, actor=actor, action="lifted", fields=["end"], outside=outside,
                cause=cause)
    return constraint
