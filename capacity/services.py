"""Writes of improvement capacity and time: a team's protected capacity, the improvement
time people log on items, and the protected time they log without one (slack). Keyword-only, one transaction, rows locked where people race, domain
errors for refusals."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core.errors import DomainError, Forbidden
from ideas.models import Idea
from ideas.permissions import can_view
from ideas.services import record_event
from org.models import Team, User
from org.selectors import user_primary_team, user_team_ids

from .models import TeamCapacity, TimeEntry
from .permissions import (
    can_delete_time_entry,
    can_log_slack,
    can_log_time,
    can_set_capacity,
    can_view_entry,
)

MAX_HOURS_PER_DAY = Decimal("24")
MAX_PERCENT = Decimal("100")
MAX_WEEKLY_HOURS = Decimal("2000")
BACKDATE_DAYS = 90


def hours_text(value) -> str:
    """4.50 → "4.5", 10.0 → "10": hours as people write them."""
    return f"{Decimal(value).normalize():f}"


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(f"{label} must be a number.", field=field)
    if not number.is_finite():
        raise DomainError(f"{label} must be a number.", field=field)
    return number


# ---------------------------------------------------------------- capacity


@transaction.atomic
def capacity_set(*, team: Team, actor: User, unit: str, amount,
                 member_hours_per_week=None) -> TeamCapacity:
    """Sets a team's protected improvement capacity: hours a week, or a percentage (at most
    100 %) of its members' working time. A team's leads (and admins) set it."""
    if not can_set_capacity(actor, team):
        raise Forbidden("Only the team's leads set its protected improvement capacity.")
    if unit not in TeamCapacity.Unit.values:
        raise DomainError("Choose hours per week or a percentage of members' time.",
                          field="unit")
    amount = _decimal(amount, "amount", "The protected capacity")
    if amount < 0:
        raise DomainError("A protected capacity cannot be negative.", field="amount")
    if unit == TeamCapacity.Unit.PERCENT and amount > MAX_PERCENT:
        raise DomainError("A protected capacity cannot exceed 100 %.", field="amount")
    if unit == TeamCapacity.Unit.HOURS and amount > MAX_WEEKLY_HOURS:
        raise DomainError(f"At most {MAX_WEEKLY_HOURS} hours a week.", field="amount")
    if amount != amount.quantize(Decimal("0.1")):
        raise DomainError("Use at most one decimal place.", field="amount")
    capacity = TeamCapacity.objects.select_for_update().filter(team=team).first()
    if capacity is None:
        capacity = TeamCapacity(team=team)
    capacity.unit, capacity.amount, capacity.updated_by = unit, amount, actor
    if member_hours_per_week not in (None, ""):
        hours = _decimal(member_hours_per_week, "member_hours_per_week", "Working hours")
        if not Decimal("1") <= hours <= Decimal("80"):
            raise DomainError("A member's working week is between 1 and 80 hours.",
                              field="member_hours_per_week")
        capacity.member_hours_per_week = hours
    capacity.save()
    return capacity


# ---------------------------------------------------------------- improvement time


def _logging_team(actor: User, idea: Idea, team: Team | int | None) -> Team:
    """The team whose capacity the time counts against: the one named (the logger must belong
    to it), else the item's team if the logger is in it, else the logger's lowest-tier team."""
    ids = user_team_ids(actor)
    if team is not None:
        team_id = team.pk if isinstance(team, Team) else int(team)
        if team_id not in ids:
            raise DomainError("You can only log time for a team you belong to.", field="team")
        return Team.objects.get(pk=team_id)
    if idea.team_id in ids:
        return idea.team
    first = user_primary_team(actor)
    if first is None:
        raise DomainError("Join a team before logging improvement time.", field="team")
    return first


def _clean_entry(*, hours, day: date | None, note: str) -> tuple[Decimal, date, str]:
    """The hours, day and note of any improvement-time entry, or a DomainError naming the
    field: a quarter of an hour to 24 hours, no future day, at most 90 days back."""
    hours = _decimal(hours, "hours", "Hours")
    if hours <= 0:
        raise DomainError("Log a positive number of hours (at least a quarter of an hour).",
                          field="hours")
    if hours > MAX_HOURS_PER_DAY:
        raise DomainError("A day has 24 hours: log at most 24.", field="hours")
    if hours != hours.quantize(Decimal("0.01")) or hours < Decimal("0.25"):
        raise DomainError("Log at least a quarter of an hour, in hours with up to two decimals.",
                          field="hours")
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise DomainError("Time cannot be logged for a day that has not happened yet.",
                          field="date")
    if day < today - timedelta(days=BACKDATE_DAYS):
        raise DomainError(f"Time can be logged for the last {BACKDATE_DAYS} days only.",
                          field="date")
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError("Keep the note under 300 characters.", field="note")
    return hours, day, note


def _check_day_total(actor: User, day: date, hours: Decimal) -> None:
    """At most 24 hours a day a person, items and slack together. Locks the person's row so
    two quick entries cannot both slip under the limit."""
    User.objects.select_for_update().filter(pk=actor.pk).first()
    logged = (TimeEntry.objects.filter(user=actor, date=day).aggregate(h=Sum("hours"))["h"]
              or Decimal("0"))
    if logged + hours > MAX_HOURS_PER_DAY:
        raise DomainError(
            f"That makes {hours_text(logged + hours)} hours on {day:%d %b %Y}; a day has 24. "
            f"You have already logged {hours_text(logged)}.", field="hours")


@transaction.atomic
def time_entry_create(*, idea_id: int, actor: User, hours, day: date | None = None,
                      note: str = "", team: Team | int | None = None) -> TimeEntry:
    """Logs improvement time on an item. Refuses zero or negative hours and more than 24 hours
    a day for one person (across all their entries that day): the person's row is locked so two
    quick entries cannot both slip under the limit."""
    idea = Idea.objects.select_related("team").filter(pk=idea_id).first()
    if idea is None or not can_view(actor, idea):
        raise DomainError("No such item.", code="not_found")
    if not can_log_time(actor, idea):
        raise Forbidden("Join a team before logging improvement time.")
    hours, day, note = _clean_entry(hours=hours, day=day, note=note)
    team = _logging_team(actor, idea, team)
    _check_day_total(actor, day, hours)
    entry = TimeEntry.objects.create(user=actor, idea=idea, team=team, date=day, hours=hours,
                                     note=note)
    record_event(idea=idea, actor=actor, verb="time_logged",
                 text=f"logged {hours_text(hours)} h of improvement time ({team.name}).",
                 data={"hours": str(hours), "date": day.isoformat(), "team": team.pk})
    return entry


def _slack_team(actor: User, team: Team | int | None) -> Team:
    """The team slack counts for: the one named (the logger must belong to it), else the
    logger's lowest-tier team."""
    if team in (None, ""):
        first = user_primary_team(actor)
        if first is None:
            raise DomainError("Join a team before logging improvement time.", field="team")
        return first
    team_id = team.pk if isinstance(team, Team) else int(team)
    found = Team.objects.filter(pk=team_id).first()
    if found is None or not can_log_slack(actor, found):
        raise DomainError("You can only log time for a team you belong to.", field="team")
    return found


@transaction.atomic
def slack_entry_create(*, actor: User, category: str, hours, day: date | None = None,
                       note: str = "", team: Team | int | None = None) -> TimeEntry:
    """Logs protected improvement time spent without an item — reflection or a retrospective,
    experimentation, recovery, training or capability building, standard work upkeep. It
    counts toward the team's protected capacity honoured like time on an item (the same
    limits: a quarter of an hour to 24 hours a day a person, no future day)."""
    if category not in dict(TimeEntry.slack_categories()):
        raise DomainError("Choose what the time went on: reflection, experimentation, "
                          "recovery, training or standard work upkeep.", field="category")
    hours, day, note = _clean_entry(hours=hours, day=day, note=note)
    team = _slack_team(actor, team)
    _check_day_total(actor, day, hours)
    return TimeEntry.objects.create(user=actor, idea=None, category=category, team=team,
                                    date=day, hours=hours, note=note)


@transaction.atomic
def time_entry_delete(*, entry_id: int, actor: User) -> None:
    entry = (TimeEntry.objects.select_for_update(of=("self",)).select_related("idea", "team")
             .filter(pk=entry_id).first())
    if entry is None or not can_view_entry(actor, entry):
        raise DomainError("No such time entry.", code="not_found")
    if not can_delete_time_entry(actor, entry):
        raise Forbidden("Only the person who logged the time or the team's leads remove it.")
    if entry.idea is None:  # slack has no item timeline
        entry.delete()
        return
    record_event(idea=entry.idea, actor=actor, verb="time_removed",
                 text=f"removed {hours_text(entry.hours)} h logged on {entry.date:%d %b}.",
                 touch=False)
    entry.delete()
