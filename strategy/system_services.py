"""Writes of system work on the strategy side: experiments, reviews and their cadence, planning
windows and the change-window rule, the spine rule, and the standards library.

Same shape as strategy.services: keyword-only, one transaction, rows locked where people race,
Forbidden → 403, DomainError → 400, Conflict → 409, never a half-saved change.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from ideas.models import Idea
from ideas.permissions import access_idea
from ideas.selectors import visible_idea_ids
from ideas.services import record_event
from org.models import Team, Tier, User
from org.notifications import notify
from org.permissions import is_admin, is_executive, is_member
from org.selectors import team_ancestors, team_leads, top_tier, user_team_ids

from .models import (
    KPI,
    CentreOfExcellence,
    Constraint,
    Experiment,
    PlanningWindow,
    Priority,
    Review,
    ReviewCadence,
    ReviewFocus,
    Standard,
    StandardComment,
    StandardProposal,
    StandardVersion,
    StrategyChange,
)
from .permissions import (
    can_edit_standards,
    can_hold_team_review,
    can_hold_tier_review,
    can_manage_experiments,
    can_manage_windows,
    can_propose_from,
    can_set_cadence,
    coe_team_ids,
)


def _today() -> date:
    return timezone.localdate()


def _text(value, *, field: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{label} is required.", field=field)
    if len(value) > limit:
        raise DomainError(f"Keep {label[0].lower() + label[1:]} under {limit:,} characters.",
                          field=field)
    return value


def _lock(model, pk, what: str):
    try:
        return model.objects.select_for_update().get(pk=getattr(pk, "pk", pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise DomainError(f"No such {what}.", code="not_found")


# ---------------------------------------------------------------- change windows

CAUSE_REQUIRED = ("Priorities and constraints change freely only inside a planning window. "
                  "Outside one, record the cause of this change: it is kept in the history, "
                  "the teams concerned are told, and it counts as churn.")


def window_on(day: date | None = None) -> PlanningWindow | None:
    day = day or _today()
    return PlanningWindow.objects.filter(start__lte=day, end__gte=day).order_by("start").first()


def change_needs_cause(day: date | None = None) -> bool:
    """Outside every planning window — once admins have set at least one. Until the first
    window exists the organisation has not adopted the rule and every change is free."""
    day = day or _today()
    windows = PlanningWindow.objects.all()
    return windows.exists() and not windows.filter(start__lte=day, end__gte=day).exists()


def check_window(cause: str | None) -> tuple[bool, str]:
    """(outside a window, the cleaned cause). Refuses an outside-window change without a cause."""
    cause = (cause or "").strip()
    if len(cause) > 2000:
        raise DomainError("Keep the cause under 2,000 characters.", field="cause")
    outside = change_needs_cause()
    if outside and not cause:
        upcoming = (PlanningWindow.objects.filter(start__gt=_today()).order_by("start").first())
        extra = f" The next window opens on {upcoming.start:%-d %b %Y}." if upcoming else ""
        raise DomainError(CAUSE_REQUIRED + extra, field="cause", code="cause_required")
    return outside, cause


def _teams_concerned(priority: Priority | None, constraint: Constraint | None) -> set[int]:
    if priority is not None:
        return {priority.owner_team_id} | set(
            priority.deployments.values_list("team_id", flat=True))
    if constraint is not None and constraint.team_id:
        return {constraint.team_id}
    # An organisation-wide constraint concerns the managers' tier (one below the top).
    tier = top_tier()
    if tier is None:
        return set()
    return set(Team.objects.filter(active=True, tier__level=tier.level - 1)
               .values_list("pk", flat=True))


def record_change(*, actor: User, action: str, fields: Iterable[str] = (),
                  priority: Priority | None = None, constraint: Constraint | None = None,
                  outside: bool = False, cause: str = "") -> StrategyChange:
    """Keeps one change in the history; an outside-window change notifies the leads of the
    owner team and the teams the priority is deployed to (or the constrained team)."""
    change = StrategyChange.objects.create(
        subject=StrategyChange.Subject.PRIORITY if priority else StrategyChange.Subject.CONSTRAINT,
        action=action, priority=priority, constraint=constraint, fields=sorted(fields),
        outside_window=outside, cause=cause, actor=actor, at=timezone.now())
    if outside:
        recipients = set()
        for team_id in _teams_concerned(priority, constraint):
            recipients |= set(team_leads(team_id).values_list("pk", flat=True))
        recipients.discard(getattr(actor, "pk", None))
        what = f"priority “{priority.title}”" if priority else \
            f"constraint “{constraint.statement}”"
        url = (reverse("strategy:priority", args=[priority.pk]) if priority
               else reverse("strategy:constraints"))
        notify(recipients=list(recipients), verb="strategy_changed_outside_window", actor=actor,
               text=f"The {what} was {change.get_action_display().lower()} outside a planning "
                    f"window. Cause: {cause}",
               event_key=f"strategy:change:{change.pk}", url=url,
               target=priority or constraint)
    return change


@transaction.atomic
def window_create(*, actor: User, name: str, start: date, end: date) -> PlanningWindow:
    if not can_manage_windows(actor):
        raise Forbidden("Only administrators set planning windows.")
    window = PlanningWindow(name=_text(name, field="name", label="A name", limit=80),
                            start=start, end=end, created_by=actor)
    _check_window(window)
    window.save()
    return window


def _check_window(window: PlanningWindow) -> None:
    if window.start is None or window.end is None:
        raise DomainError("Give the first and the last day of the window.", field="start")
    if window.end < window.start:
        raise DomainError("The window ends before it starts.", field="end",
                          code="ends_before_start")
    if (window.end - window.start).days > 92:
        raise DomainError("A planning window is a short period (at most a quarter): otherwise "
                          "every change is “free” and churn means nothing.", field="end")
    overlap = (PlanningWindow.objects.filter(start__lte=window.end, end__gte=window.start)
               .exclude(pk=window.pk).first())
    if overlap:
        raise DomainError(f"It overlaps “{overlap.name}” ({overlap.start} – {overlap.end}).",
                          field="start", code="overlap")


@transaction.atomic
def window_update(*, window_id: int, actor: User, **fields) -> PlanningWindow:
    if not can_manage_windows(actor):
        raise Forbidden("Only administrators set planning windows.")
    window = _lock(PlanningWindow, window_id, "planning window")
    unknown = set(fields) - {"name", "start", "end"}
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    for key, value in fields.items():
        setattr(window, key, value)
    window.name = _text(window.name, field="name", label="A name", limit=80)
    _check_window(window)
    window.save()
    return window


@transaction.atomic
def window_delete(*, window_id: int, actor: User) -> None:
    if not can_manage_windows(actor):
        raise Forbidden("Only administrators set planning windows.")
    window = _lock(PlanningWindow, window_id, "planning window")
    if window.start <= _today():
        raise Conflict("A window that has started is part of the record; it cannot be removed.")
    window.delete()


# ---------------------------------------------------------------- the spine

SPINE_REFUSAL = (
    "Work reaches front-line teams through their managers: as an executive you cannot create "
    "or assign an item in {team} ({tier_name}), more than one tier below you. Deploy a "
    "priority to {manager} instead; its leads turn it into work for their teams.")


def spine_guard(*, team: Team, actor: User, owner: User | None = None, **_details) -> None:
    """ideas create guard. An executive (member of a top-tier team) may create or assign items
    in teams at most one tier below the top; deeper teams are reached through a deployment to
    their manager-tier ancestor (there is no per-item exception: deploying *is* the path).
    Exempt: someone who is also a member of the target team or of one of its ancestors below
    the top tier (they act there in that role), and people who are not executives (admins
    included)."""
    if actor is None or not is_executive(actor):
        return
    top = top_tier()
    if top is None or team.tier.level >= top.level - 1:
        return
    chain = [team] + list(team_ancestors(team))
    mine = user_team_ids(actor)
    if any(t.pk in mine for t in chain if t.tier.level < top.level):
        return
    manager = next((t for t in chain if t.tier.level == top.level - 1), None)
    raise Forbidden(SPINE_REFUSAL.format(
        team=team.name, tier_name=f"tier {team.tier.level}",
        manager=manager.name if manager else "the managers' team above it"),
        code="spine")


# ---------------------------------------------------------------- experiments

EXPERIMENT_FIELDS = {"hypothesis", "signal", "kpi", "start", "end", "evidence", "learning"}


def _kpi(value) -> KPI | None:
    if value in (None, ""):
        return None
    kpi = KPI.objects.filter(pk=getattr(value, "pk", value)).first()
    if kpi is None:
        raise DomainError("Choose a KPI from the strategy, or none.", field="kpi")
    return kpi


def _check_experiment(exp: Experiment) -> None:
    exp.hypothesis = _text(exp.hypothesis, field="hypothesis", label="The hypothesis",
                           limit=2000)
    exp.signal = _text(exp.signal, field="signal", label="The signal to watch", limit=300)
    exp.evidence = _text(exp.evidence, field="evidence", label="The evidence", limit=5000,
                         required=False)
    exp.learning = _text(exp.learning, field="learning", label="The learning", limit=5000,
                         required=False)
    if exp.start is None:
        raise DomainError("Give the day the experiment starts.", field="start")
    if exp.end is not None and exp.end < exp.start:
        raise DomainError("The experiment ends before it starts: choose an end on or after "
                          "the start.", field="end", code="ends_before_start")
    if exp.decision and not exp.evidence:
        raise DomainError("A decided experiment keeps its evidence.", field="evidence",
                          code="evidence_required")


def _experiment_for(actor: User, experiment_id) -> Experiment:
    exp = (Experiment.objects.select_for_update().filter(pk=getattr(experiment_id, "pk",
                                                                   experiment_id)).first())
    if exp is None:
        raise DomainError("No such experiment.", code="not_found")
    idea = access_idea(actor, exp.idea_id)
    if not can_manage_experiments(actor, idea):
        raise Forbidden("Only the item's owner, its team's leads (and its reporter while it is "
                        "new) manage its experiments.")
    exp.idea = idea
    return exp


@transaction.atomic
def experiment_create(*, idea_id: int, actor: User, hypothesis: str, signal: str, start: date,
                      end: date | None = None, kpi: KPI | int | None = None) -> Experiment:
    """Adds an experiment to an item: what we believe, what we watch, for how long."""
    idea = access_idea(actor, idea_id)
    if not can_manage_experiments(actor, idea):
        raise Forbidden("Only the item's owner, its team's leads (and its reporter while it is "
                        "new) add experiments to it.")
    exp = Experiment(idea=idea, hypothesis=hypothesis, signal=signal, start=start, end=end,
                     kpi=_kpi(kpi), created_by=actor)
    _check_experiment(exp)
    exp.save()
    record_event(idea=idea, actor=actor, verb="experiment_added",
                 text=f"Experiment: {exp.hypothesis[:200]}", data={"experiment": exp.pk})
    return exp


@transaction.atomic
def experiment_update(*, experiment_id: int, actor: User, **fields) -> Experiment:
    """Edits an experiment (e.g. records the evidence as it comes in). Locks the row."""
    exp = _experiment_for(actor, experiment_id)
    unknown = set(fields) - EXPERIMENT_FIELDS
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    if "kpi" in fields:
        fields["kpi"] = _kpi(fields["kpi"])
    for key, value in fields.items():
        setattr(exp, key, value if value is not None or key in ("end", "kpi") else "")
    _check_experiment(exp)
    exp.save()
    record_event(idea=exp.idea, actor=actor, verb="experiment_edited",
                 text="Experiment updated" + (": evidence recorded." if fields.get("evidence")
                                              else "."),
                 data={"experiment": exp.pk, "fields": sorted(fields)}, touch=False)
    return exp


@transaction.atomic
def experiment_decide(*, experiment_id: int, actor: User, decision: str,
                      evidence: str | None = None, learning: str = "") -> Experiment:
    """Adopt, adapt or abandon — on evidence. An abandoned experiment says what was learned:
    it counts as learning, not failure. Deciding again changes the decision (kept in the
    item's timeline)."""
    exp = _experiment_for(actor, experiment_id)
    if decision not in Experiment.Decision.values:
        raise DomainError("Choose adopt, adapt or abandon.", field="decision")
    if evidence is not None:
        exp.evidence = evidence
    exp.evidence = (exp.evidence or "").strip()
    if not exp.evidence:
        raise DomainError("Record the evidence first: what did you observe? An experiment is "
                          "decided on evidence, not impressions.", field="evidence",
                          code="evidence_required")
    exp.learning = (learning or exp.learning or "").strip()
    if decision == Experiment.Decision.ABANDON and not exp.learning:
        raise DomainError("Say what the experiment taught you: an abandoned experiment is "
                          "learning, not failure.", field="learning")
    exp.decision = decision
    exp.decided_by = actor
    exp.decided_at = timezone.now()
    _check_experiment(exp)
    exp.save()
    record_event(idea=exp.idea, actor=actor, verb="experiment_decided",
                 text=f"Experiment decided: {exp.get_decision_display().lower()}. "
                      f"Evidence: {exp.evidence[:300]}",
                 data={"experiment": exp.pk, "decision": decision})
    return exp


def done_needs_evidence(*, idea: Idea, to: str, actor: User, **_details) -> None:
    """ideas transition guard: an item with an experiment lacking evidence cannot be closed as
    done — the close asks for the evidence."""
    if to != Idea.Status.DONE:
        return
    missing = list(Experiment.objects.filter(idea_id=idea.pk, evidence="")
                   .values_list("hypothesis", flat=True)[:3])
    if missing:
        names = "; ".join(f"“{h[:80]}”" for h in missing)
        raise DomainError(
            f"Record the evidence of its experiment{'s' if len(missing) > 1 else ''} before "
            f"closing this item as done: {names}. Done without evidence is theatre.",
            field="evidence", code="experiment_without_evidence")


# ---------------------------------------------------------------- reviews

CADENCE_DAYS = {ReviewCadence.Every.WEEKLY: 7, ReviewCadence.Every.FORTNIGHTLY: 14,
                ReviewCadence.Every.MONTHLY: 30}


@transaction.atomic
def cadence_set(*, actor: User, every: str, team: Team | int | None = None,
                tier: Tier | int | None = None) -> ReviewCadence:
    """Sets how often a team (its leads or admins) or a tier (admins) reviews."""
    if every not in ReviewCadence.Every.values:
        raise DomainError("Choose weekly, fortnightly or monthly.", field="every")
    if (team is None) == (tier is None):
        raise DomainError("Set the cadence of a team or of a tier.", field="team")
    if team is not None:
        team_obj = Team.objects.filter(pk=getattr(team, "pk", team)).first()
        if team_obj is None:
            raise DomainError("No such team.", field="team")
        if not can_set_cadence(actor, team_obj.pk):
            raise Forbidden("Only the team's leads set its review cadence.")
        cadence, _ = ReviewCadence.objects.select_for_update().get_or_create(
            team=team_obj, defaults={"every": every, "set_by": actor, "since": _today()})
    else:
        tier_obj = Tier.objects.filter(pk=getattr(tier, "pk", tier)).first()
        if tier_obj is None:
            raise DomainError("No such tier.", field="tier")
        if not (is_admin(actor) or can_hold_tier_review(actor, tier_obj)):
            raise Forbidden("Only the tier's leads set its review cadence.")
        cadence, _ = ReviewCadence.objects.select_for_update().get_or_create(
            tier=tier_obj, defaults={"every": every, "set_by": actor, "since": _today()})
    if cadence.every != every:
        cadence.every = every
        cadence.set_by = actor
        cadence.save()
    return cadence


def previous_review_day(*, team_id: int | None = None, tier_id: int | None = None,
                        before: date) -> date | None:
    qs = Review.objects.filter(held_on__lt=before)
    qs = qs.filter(team_id=team_id) if team_id else qs.filter(tier_id=tier_id)
    return qs.order_by("-held_on").values_list("held_on", flat=True).first()


def review_period_start(*, team_id: int | None = None, tier_id: int | None = None,
                        held_on: date) -> date:
    """The first day a review covers: the day after the previous review, or — for the first
    one — one cadence back (a month when no cadence is set)."""
    last = previous_review_day(team_id=team_id, tier_id=tier_id, before=held_on)
    if last:
        return last + timedelta(days=1)
    cadence = ReviewCadence.objects.filter(
        **({"team_id": team_id} if team_id else {"tier_id": tier_id})).first()
    days = CADENCE_DAYS[cadence.every] if cadence else 30
    return held_on - timedelta(days=days - 1)


@transaction.atomic
def review_create(*, actor: User, held_on: date, assessment: str,
                  team: Team | int | None = None, tier: Tier | int | None = None,
                  focus_ideas: Iterable[int] = (), focus_issues: Iterable[int] = (),
                  focus_notes: Iterable[str] = (), notes: str = "") -> Review:
    """Records a review held by a team's leads (or by a tier's leads together): the assessment
    of the prior cycle's changes and at least one focus area for the next cycle."""
    if (team is None) == (tier is None):
        raise DomainError("A review is held by a team or by a tier's leads.", field="team")
    team_obj = tier_obj = None
    if team is not None:
        team_obj = Team.objects.select_related("tier").filter(
            pk=getattr(team, "pk", team)).first()
        if team_obj is None:
            raise DomainError("No such team.", field="team")
        if not can_hold_team_review(actor, team_obj.pk):
            raise Forbidden(f"Only the leads of {team_obj.name} hold its review.")
        # Serialise two leads recording the same review.
        Team.objects.select_for_update().filter(pk=team_obj.pk).first()
    else:
        tier_obj = Tier.objects.filter(pk=getattr(tier, "pk", tier)).first()
        if tier_obj is None:
            raise DomainError("No such tier.", field="tier")
        if not can_hold_tier_review(actor, tier_obj):
            raise Forbidden(f"Only leads of teams at tier {tier_obj.level} hold that tier's "
                            f"review.")
        Tier.objects.select_for_update().filter(pk=tier_obj.pk).first()
    if held_on is None:
        raise DomainError("Give the day the review was held.", field="held_on")
    if held_on > _today():
        raise DomainError("A review cannot be recorded for a future date: hold it, then "
                          "record it.", field="held_on", code="future_date")
    scope = {"team_id": team_obj.pk} if team_obj else {"tier_id": tier_obj.pk}
    if Review.objects.filter(held_on=held_on, **scope).exists():
        raise Conflict(f"A review on {held_on:%-d %b %Y} is already recorded.",
                       extra={"field": "held_on"})
    assessment = _text(assessment, field="assessment", label="The assessment", limit=5000)
    notes = _text(notes, field="notes", label="The notes", limit=5000, required=False)
    idea_ids = sorted({int(i) for i in focus_ideas})
    issue_ids = sorted({int(i) for i in focus_issues})
    notes_list = [n.strip()[:300] for n in focus_notes if n and n.strip()]
    if not (idea_ids or issue_ids or notes_list):
        raise DomainError("Pick at least one focus area for the next cycle: an item, a "
                          "systemic issue, or a short note.", field="focus")
    visible = visible_idea_ids(actor, idea_ids)
    if len(visible) != len(idea_ids):
        raise DomainError("One of the chosen items does not exist or you cannot see it.",
                          field="focus_ideas")
    from ideas.system_selectors import systemic_issues_visible_to

    issues = set(systemic_issues_visible_to(actor).filter(pk__in=issue_ids)
                 .values_list("pk", flat=True))
    if len(issues) != len(issue_ids):
        raise DomainError("One of the chosen systemic issues does not exist.",
                          field="focus_issues")
    try:
        with transaction.atomic():
            review = Review.objects.create(
                team=team_obj, tier=tier_obj, held_on=held_on, assessment=assessment,
                notes=notes, held_by=actor,
                period_start=review_period_start(held_on=held_on, **scope))
    except IntegrityError:
        raise Conflict(f"A review on {held_on:%-d %b %Y} is already recorded.")
    ReviewFocus.objects.bulk_create(
        [ReviewFocus(review=review, idea_id=i) for i in idea_ids]
        + [ReviewFocus(review=review, systemic_issue_id=i) for i in issue_ids]
        + [ReviewFocus(review=review, note=n) for n in notes_list])
    if team_obj is not None:
        members = set(team_obj.memberships.values_list("user_id", flat=True)) - {actor.pk}
        notify(recipients=list(members), verb="review_held", actor=actor,
               text=f"{team_obj.name} held its improvement review: "
                    f"{len(idea_ids) + len(issue_ids) + len(notes_list)} focus area(s) for the "
                    f"next cycle.",
               event_key=f"strategy:review:{review.pk}",
               url=reverse("system:review", args=[review.pk]), target=review)
    return review


# ---------------------------------------------------------------- standards

NOT_COE = ("Only the Centre of Excellence edits standards: executives say what must be true, "
           "the CoE owns how the work is done.")


def _require_coe(actor: User) -> None:
    if not can_edit_standards(actor):
        raise Forbidden(NOT_COE)


def _standard_url(standard_id: int) -> str:
    return reverse("system:standard", args=[standard_id])


def _coe_leads(team_id: int) -> list[int]:
    return list(team_leads(team_id).values_list("pk", flat=True))


@transaction.atomic
def coe_designate(*, actor: User, team: Team | int) -> CentreOfExcellence:
    """Admins designate the team that owns the standards library."""
    if not is_admin(actor):
        raise Forbidden("Only administrators designate the Centre of Excellence.")
    team_obj = Team.objects.filter(pk=getattr(team, "pk", team), active=True).first()
    if team_obj is None:
        raise DomainError("Choose an active team.", field="team")
    coe, _ = CentreOfExcellence.objects.get_or_create(team=team_obj)
    return coe


def _coe_team_for(actor: User) -> Team:
    ids = sorted(coe_team_ids() & set(user_team_ids(actor)))
    return Team.objects.get(pk=ids[0])


def _check_standard(standard: Standard) -> None:
    standard.title = _text(standard.title, field="title", label="A title", limit=200)
    standard.summary = _text(standard.summary, field="summary", label="The summary", limit=500,
                             required=False)
    if standard.review_date is None:
        raise DomainError("Give the date the standard is next reviewed.", field="review_date")
    if standard.owner_id and not is_member(standard.owner, standard.owner_team_id):
        raise DomainError("The owner is someone in the Centre of Excellence.", field="owner")


@transaction.atomic
def standard_create(*, actor: User, title: str, body: str, review_date: date,
                    summary: str = "", owner: User | None = None,
                    change_note: str = "First version.") -> Standard:
    _require_coe(actor)
    standard = Standard(title=title, summary=summary, review_date=review_date,
                        owner_team=_coe_team_for(actor), owner=owner or actor)
    _check_standard(standard)
    body = _text(body, field="body", label="The standard's text", limit=20000)
    standard.save()
    StandardVersion.objects.create(standard=standard, number=1, body=body, created_by=actor,
                                   change_note=(change_note or "")[:500])
    return standard


@transaction.atomic
def standard_update(*, standard_id: int, actor: User, **fields) -> Standard:
    """Edits the standard's card (title, summary, owner, review date); the text changes only by
    a new version."""
    _require_coe(actor)
    standard = _lock(Standard, standard_id, "standard")
    unknown = set(fields) - {"title", "summary", "review_date", "owner"}
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    for key, value in fields.items():
        setattr(standard, key, value)
    _check_standard(standard)
    standard.save()
    return standard


def _new_version(standard: Standard, *, actor: User, body: str, change_note: str,
                 idea: Idea | None = None) -> StandardVersion:
    body = _text(body, field="body", label="The standard's text", limit=20000)
    change_note = _text(change_note, field="change_note", label="What changed", limit=500)
    standard.current_version += 1
    standard.save(update_fields=["current_version", "updated_at"])
    return StandardVersion.objects.create(standard=standard, number=standard.current_version,
                                          body=body, change_note=change_note, idea=idea,
                                          created_by=actor)


@transaction.atomic
def standard_revise(*, standard_id: int, actor: User, body: str,
                    change_note: str) -> StandardVersion:
    """A new version of the standard's text. Locks the standard: versions never collide."""
    _require_coe(actor)
    standard = _lock(Standard, standard_id, "standard")
    return _new_version(standard, actor=actor, body=body, change_note=change_note)


@transaction.atomic
def proposal_create(*, standard_id: int, idea_id: int, actor: User,
                    text: str) -> StandardProposal:
    """A done item proposes a change to a standard; the CoE's leads are told."""
    standard = Standard.objects.filter(pk=standard_id).first()
    if standard is None:
        raise DomainError("No such standard.", field="standard", code="not_found")
    idea = access_idea(actor, idea_id)
    if idea.status != Idea.Status.DONE:
        raise DomainError("Only a done item — with what it taught — can propose a change to a "
                          "standard.", field="idea", code="not_done")
    if not can_propose_from(actor, idea):
        raise Forbidden("Only the item's owner, its team's leads or whoever closed it propose "
                        "changes from it.")
    if StandardProposal.objects.filter(standard=standard, idea=idea,
                                       state=StandardProposal.State.PENDING).exists():
        raise Conflict("This item already has a pending proposal for this standard.")
    proposal = StandardProposal.objects.create(
        standard=standard, idea=idea, proposed_by=actor,
        text=_text(text, field="text", label="The proposed change", limit=5000))
    notify(recipients=_coe_leads(standard.owner_team_id), verb="standard_proposal",
           actor=actor, text=f"A change to “{standard.title}” was proposed.",
           event_key=f"strategy:proposal:{proposal.pk}", url=_standard_url(standard.pk),
           target=proposal)
    return proposal


def _pending(proposal_id: int, actor: User) -> StandardProposal:
    _require_coe(actor)
    proposal = (StandardProposal.objects.select_for_update()
                .select_related("standard").filter(pk=proposal_id).first())
    if proposal is None:
        raise DomainError("No such proposal.", code="not_found")
    if proposal.state != StandardProposal.State.PENDING:
        raise Conflict(f"This proposal was already {proposal.get_state_display().lower()}.")
    return proposal


@transaction.atomic
def proposal_accept(*, proposal_id: int, actor: User, body: str,
                    change_note: str = "") -> StandardProposal:
    """The CoE accepts: the standard gets a new version that names the item behind it."""
    proposal = _pending(proposal_id, actor)
    standard = Standard.objects.select_for_update().get(pk=proposal.standard_id)
    version = _new_version(standard, actor=actor, body=body,
                           change_note=change_note or f"From item #{proposal.idea_id}.",
                           idea=proposal.idea)
    proposal.version = version
    return _decide(proposal, actor=actor, state=StandardProposal.State.ACCEPTED,
                   text=f"Your change to “{standard.title}” was accepted: "
                        f"version {version.number}.")


@transaction.atomic
def proposal_decline(*, proposal_id: int, actor: User, reason: str) -> StandardProposal:
    proposal = _pending(proposal_id, actor)
    proposal.reason = _text(reason, field="reason", label="A reason", limit=2000)
    return _decide(proposal, actor=actor, state=StandardProposal.State.DECLINED,
                   text=f"Your change to “{proposal.standard.title}” was declined: "
                        f"{proposal.reason}")


def _decide(proposal: StandardProposal, *, actor: User, state: str,
            text: str) -> StandardProposal:
    """Records the CoE's decision on a pending proposal and tells the proposer
    (``standard_proposal_accepted`` / ``standard_proposal_declined``)."""
    proposal.state = state
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save()
    notify(recipients=[proposal.proposed_by_id], verb=f"standard_proposal_{state}", actor=actor,
           text=text, event_key=f"strategy:proposal:{proposal.pk}:{state}",
           url=_standard_url(proposal.standard_id), target=proposal)
    return proposal


@transaction.atomic
def standard_comment(*, standard_id: int, actor: User, text: str) -> StandardComment:
    """Anyone logged in — executives included — comments on a standard."""
    standard = Standard.objects.filter(pk=standard_id).first()
    if standard is None:
        raise DomainError("No such standard.", code="not_found")
    return StandardComment.objects.create(
        standard=standard, author=actor,
        text=_text(text, field="text", label="A comment", limit=2000))

