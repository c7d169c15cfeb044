"""What the strategy services share: who may change the strategy, and checks of teams, numbers
and model fields."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError, Forbidden
from org.models import Team, User

from ..checks import lock_row
from ..models import Priority
from ..permissions import can_manage_strategy

# Readings and KPI values fit DecimalField(max_digits=16, decimal_places=4).
KPI_VALUE_LIMIT = Decimal("1000000000000")

NOT_EXECUTIVE = ("Only executives (members of a top-tier team) and administrators can change "
                 "the strategy.")


def require_manager(actor: User) -> None:
    if not can_manage_strategy(actor):
        raise Forbidden(NOT_EXECUTIVE)


def managed_row(actor: User, model, pk, what: str):
    """An executive's change to one row: refuses anyone else, then locks the row
    (``lock_row``)."""
    require_manager(actor)
    return lock_row(model, pk, what)


def full_clean(obj, *, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False,
                       validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from exc


def active_team(team: Team | int | None, *, field: str, what: str) -> Team:
    team_id = getattr(team, "pk", team)
    found = Team.objects.filter(pk=team_id).first() if team_id is not None else None
    if found is None:
        raise DomainError(f"Choose the {what}.", field=field)
    if not found.active:
        raise DomainError(f"{found.name} is inactive: choose an active team as the {what}.",
                          field=field, code="inactive_team")
    return found


def clean_number(value, *, field: str, label: str) -> Decimal:
    """A finite decimal within what a KPI stores; a clear message for anything else."""
    if isinstance(value, float):
        value = str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(f"{label} must be a number.", field=field, code="not_a_number")
    if not number.is_finite():
        raise DomainError(f"{label} must be a number.", field=field, code="not_a_number")
    if abs(number) >= KPI_VALUE_LIMIT:
        raise DomainError(f"{label} is too large.", field=field)
    return number.quantize(Decimal("0.0001"))


# Unless told otherwise, priorities and constraints come up for review a quarter ahead.
REVIEW_DAYS = 90


def default_review_by(*, start: date | None, end: date | None = None) -> date:
    """A quarter from today (or from the start, when later), never after the end."""
    begin = max(filter(None, [start, timezone.localdate()]))
    day = begin + timedelta(days=REVIEW_DAYS)
    return min(day, end) if end else day


def check_review_by(day: date | None, *, required: bool = False) -> None:
    """A review-by date is set for today or later (a date already past would nudge at once);
    an edit keeps one (``required``)."""
    if day is None and required:
        raise DomainError("Keep a review-by date: when will its owners look at it again?",
                          field="review_by", code="review_by_required")
    if day is not None and day < timezone.localdate():
        raise DomainError("The review-by date has passed: choose today or a later day.",
                          field="review_by", code="review_by_past")


def priority_url(priority: Priority | int) -> str:
    return reverse("strategy:priority", args=[getattr(priority, "pk", priority)])
