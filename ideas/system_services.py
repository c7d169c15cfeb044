"""Writes of system work: protected capacity, improvement time, systemic issues and their links,
and the weekly capacity nudge. Same shape as ideas.services: keyword-only, one transaction,
rows locked where people race, domain errors for refusals."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.errors import DomainError, Forbidden
from org.models import Team, User
from org.notifications import notify
from org.selectors import team_leads, user_primary_team, user_team_ids

from .models import Idea, SystemicIssue, SystemicLink, TeamCapacity, TimeEntry
from .permissions import (
    can_create_systemic_issue,
    can_delete_time_entry,
    can_edit_systemic_issue,
    can_link_problem,
    can_log_time,
    can_own_systemic_issue,
    can_set_capacity,
    can_view,
)
from .services import idea_create, record_event

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


# ---------------------------------------------------------------- time entries


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
    team = _logging_team(actor, idea, team)
    User.objects.select_for_update().filter(pk=actor.pk).first()
    logged = (TimeEntry.objects.filter(user=actor, date=day).aggregate(h=Sum("hours"))["h"]
              or Decimal("0"))
    if logged + hours > MAX_HOURS_PER_DAY:
        raise DomainError(
            f"That makes {hours_text(logged + hours)} hours on {day:%d %b %Y}; a day has 24. "
            f"You have already logged {hours_text(logged)}.", field="hours")
    entry = TimeEntry.objects.create(user=actor, idea=idea, team=team, date=day, hours=hours,
                                     note=note)
    record_event(idea=idea, actor=actor, verb="time_logged",
                 text=f"logged {hours_text(hours)} h of improvement time ({team.name}).",
                 data={"hours": str(hours), "date": day.isoformat(), "team": team.pk})
    return entry


@transaction.atomic
def time_entry_delete(*, entry_id: int, actor: User) -> None:
    entry = TimeEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None or not can_view(actor, entry.idea):
        raise DomainError("No such time entry.", code="not_found")
    if not can_delete_time_entry(actor, entry):
        raise Forbidden("Only the person who logged the time or the team's leads remove it.")
    record_event(idea=entry.idea, actor=actor, verb="time_removed",
                 text=f"removed {hours_text(entry.hours)} h logged on {entry.date:%d %b}.",
                 touch=False)
    entry.delete()


# ---------------------------------------------------------------- systemic issues


def _clean_issue_text(title: str, statement: str) -> tuple[str, str]:
    title, statement = " ".join((title or "").split()), (statement or "").strip()
    if not title:
        raise DomainError("Give the systemic issue a short title.", field="title")
    if len(title) > 200:
        raise DomainError("Keep the title under 200 characters.", field="title")
    if not statement:
        raise DomainError("State the issue: what recurs, where, and what it costs.",
                          field="statement")
    if len(statement) > 10000:
        raise DomainError("Keep the statement under 10,000 characters.", field="statement")
    return title, statement


def _check_category(category: str) -> str:
    if category not in Idea.Category.values:
        raise DomainError("Choose a category: safety, quality, delivery, cost or people.",
                          field="category")
    return category


def _check_owner_team(actor: User, owner_team) -> Team:
    team = Team.objects.filter(pk=getattr(owner_team, "pk", owner_team), active=True).first()
    if team is None:
        raise DomainError("Choose an active owner team.", field="owner_team")
    if not can_own_systemic_issue(actor, team):
        raise Forbidden("You can only open a systemic issue for a team you lead.")
    return team


def _lock_issue(issue_id: int) -> SystemicIssue:
    issue = SystemicIssue.objects.select_for_update().filter(pk=issue_id).first()
    if issue is None:
        raise DomainError("No such systemic issue.", code="not_found")
    return issue


@transaction.atomic
def systemic_issue_create(*, actor: User, title: str, statement: str, category: str,
                          owner_team: Team | int, problems: Iterable[int] = ()) -> SystemicIssue:
    """Opens a systemic issue (team leads, executives, admins) and links the given problems."""
    if not can_create_systemic_issue(actor):
        raise Forbidden("Team leads, executives and admins open systemic issues.")
    title, statement = _clean_issue_text(title, statement)
    issue = SystemicIssue.objects.create(
        title=title, statement=statement, category=_check_category(category),
        owner_team=_check_owner_team(actor, owner_team), created_by=actor)
    if problems:
        systemic_link(issue_id=issue.pk, idea_ids=problems, actor=actor)
    return issue


@transaction.atomic
def systemic_issue_update(*, issue_id: int, actor: User, **fields) -> SystemicIssue:
    """Edits the title, statement, category, status or owner team."""
    issue = _lock_issue(issue_id)
    if not can_edit_systemic_issue(actor, issue):
        raise Forbidden("The owner team's leads, executives and admins edit a systemic issue.")
    unknown = set(fields) - {"title", "statement", "category", "status", "owner_team"}
    if unknown:
        raise DomainError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    title, statement = _clean_issue_text(fields.get("title", issue.title),
                                         fields.get("statement", issue.statement))
    issue.title, issue.statement = title, statement
    if "category" in fields:
        issue.category = _check_category(fields["category"])
    if "status" in fields:
        if fields["status"] not in SystemicIssue.Status.values:
            raise DomainError("Choose open, monitoring or resolved.", field="status")
        issue.status = fields["status"]
    if "owner_team" in fields and getattr(fields["owner_team"], "pk", fields["owner_team"]) \
            != issue.owner_team_id:
        issue.owner_team = _check_owner_team(actor, fields["owner_team"])
    issue.save()
    return issue


@transaction.atomic
def systemic_link(*, issue_id: int, idea_ids: Iterable[int], actor: User) -> list[SystemicLink]:
    """Links problems to an issue in one action. Every item must be one the actor may see and
    link (a lead of the owner team, or of the item's team); all or nothing. Linking a private
    item is allowed — the issue shows it as "Private item" to those who may not see it."""
    issue = _lock_issue(issue_id)
    try:
        ids = sorted({int(i) for i in idea_ids})
    except (TypeError, ValueError):
        raise DomainError("Choose the problems to link.", field="ideas")
    if not ids:
        raise DomainError("Choose at least one problem to link.", field="ideas")
    if len(ids) > 100:
        raise DomainError("Link at most 100 problems at a time.", field="ideas")
    ideas = {i.pk: i for i in Idea.objects.filter(pk__in=ids).select_related("team")
             .prefetch_related("shared_with_teams")}
    for idea_id in ids:
        idea = ideas.get(idea_id)
        if idea is None or not can_view(actor, idea):
            raise DomainError(f"No such item: #{idea_id}.", field="ideas", code="not_found")
        if not can_link_problem(actor, issue, idea):
            raise Forbidden(f"You may not link #{idea_id}: the owner team's leads link problems "
                            "from any team, other leads link their own team's.")
    existing = set(SystemicLink.objects.filter(issue=issue, idea_id__in=ids)
                   .values_list("idea_id", flat=True))
    links = SystemicLink.objects.bulk_create(
        [SystemicLink(issue=issue, idea_id=i, linked_by=actor) for i in ids if i not in existing])
    for link in links:
        # The event is on the item itself: only people who see the item read its timeline.
        record_event(idea=ideas[link.idea_id], actor=actor, verb="systemic_linked",
                     text=f"linked to the systemic issue “{issue.title}”.",
                     data={"issue": issue.pk}, touch=False)
    if links:
        SystemicIssue.objects.filter(pk=issue.pk).update(updated_at=timezone.now())
    return links


@transaction.atomic
def systemic_unlink(*, issue_id: int, idea_id: int, actor: User) -> None:
    issue = _lock_issue(issue_id)
    link = SystemicLink.objects.filter(issue=issue, idea_id=idea_id).select_related(
        "idea").first()
    if link is None or not can_view(actor, link.idea):
        raise DomainError("That item is not linked to this issue.", code="not_found")
    if not (can_edit_systemic_issue(actor, issue) or link.linked_by_id == actor.pk):
        raise Forbidden("The owner team's leads (or whoever linked it) unlink a problem.")
    record_event(idea=link.idea, actor=actor, verb="systemic_unlinked",
                 text=f"unlinked from the systemic issue “{issue.title}”.", touch=False)
    link.delete()


@transaction.atomic
def systemic_issue_track(*, issue_id: int, actor: User) -> Idea:
    """The system-level item that carries the work on an issue (and is escalated like any
    item). Created once, in the owner team; a second call returns the same item."""
    issue = _lock_issue(issue_id)
    if issue.tracking_idea_id:
        return issue.tracking_idea
    if not can_edit_systemic_issue(actor, issue):
        raise Forbidden("The owner team's leads, executives and admins start the work on a "
                        "systemic issue.")
    idea = idea_create(
        actor=actor, team=issue.owner_team, title=issue.title[:200],
        category=issue.category or Idea.Category.QUALITY, kind=Idea.Kind.PROBLEM,
        description=issue.statement, level=Idea.Level.SYSTEM)
    issue.tracking_idea = idea
    issue.save(update_fields=["tracking_idea", "updated_at"])
    record_event(idea=idea, actor=actor, verb="systemic_tracking",
                 text=f"tracks the systemic issue “{issue.title}”.", data={"issue": issue.pk})
    return idea


# ---------------------------------------------------------------- capacity nudge

STREAK_WEEKS = 3


def _team_url(team: Team) -> str:
    try:
        return reverse("huddles:board", args=[team.slug])
    except NoReverseMatch:  # pragma: no cover - huddles is always installed
        return reverse("systemic:capacity", args=[team.slug])


def check_improvement_capacity(*, today: date | None = None) -> dict:
    """Weekly: a team that used less than half its protected improvement capacity in each of the
    last three complete weeks is "sacrificing improvement time": its leads and the leads of the
    team above are told — once per streak. ``nudged_week`` holds the last week of the streak
    already told; while the streak goes on it moves along and nobody is told again; after a
    good week a new streak is a new nudge. Safe to run twice (the row is locked and re-checked;
    the notification's event key is the streak's)."""
    from .system_selectors import capacity_by_week

    today = today or timezone.localdate()
    team_ids = list(TeamCapacity.objects.filter(team__active=True).values_list("team_id",
                                                                                flat=True))
    views = capacity_by_week(team_ids, STREAK_WEEKS, today=today, include_current=False)
    run = {"teams": len(team_ids), "sacrificing": 0, "nudged": 0, "continued": 0}
    for team_id, view in views.items():
        weeks = view.weeks
        if not all(w.sacrificed for w in weeks):
            continue
        run["sacrificing"] += 1
        window_start, last_week = weeks[0].week, weeks[-1].week
        with transaction.atomic():
            cap = TeamCapacity.objects.select_for_update(of=("self",)).select_related(
                "team").get(team_id=team_id)
            if cap.nudged_week and cap.nudged_week >= last_week:
                continue  # this run already happened
            if cap.nudged_week and cap.nudged_week >= window_start:
                # The streak already told about goes on: remember how far, say nothing.
                cap.nudged_week = last_week
                cap.save(update_fields=["nudged_week"])
                run["continued"] += 1
                continue
            cap.nudged_week = last_week
            cap.save(update_fields=["nudged_week"])
            team = cap.team
            leads = set(team_leads(team).values_list("pk", flat=True))
            if team.parent_id:
                leads |= set(team_leads(team.parent_id).values_list("pk", flat=True))
            used = ", ".join(hours_text(w.used) for w in weeks)
            notify(recipients=leads, verb="capacity_sacrificed",
                   text=(f"Improvement time is being sacrificed: {team.name} used less than "
                         f"half of its protected {hours_text(view.protected)} h a week for three weeks "
                         f"running ({used} h)."),
                   event_key=f"capacity-sacrificed:{team.pk}:{window_start.isoformat()}",
                   url=_team_url(team), target=team)
            run["nudged"] += 1
    return run
