"""Strategy deployment: objectives → annual goals → improvement priorities → KPIs, the
constraints executives set, and the catchball that deploys priorities to teams.

Ideas link to priorities through ``Priority.ideas`` (the M2M lives here, so ideas never
imports strategy); ``idea.priorities`` is the reverse side.

``PlanningWindow`` and ``StrategyChange`` hold the change-window rule's record: when priorities
and constraints change freely, and every change (outside a window with its cause, counted as
churn). The rule itself is strategy.windows.
"""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.fields import actor_field
from org.models import Team

KPI_DIGITS = dict(max_digits=16, decimal_places=4)
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Objective(models.Model):
    """A breakthrough objective: where the organisation must be in 3–5 years."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    horizon_year = models.PositiveSmallIntegerField(
        "horizon (year)", validators=YEAR_VALIDATORS,
        help_text="The year by which the objective should be achieved (3–5 years out).")
    position = models.PositiveSmallIntegerField(default=0)
    created_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class AnnualGoal(models.Model):
    """What an objective needs this year, with how it will be measured."""

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="goals")
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    title = models.CharField(max_length=200)
    measure = models.CharField(
        max_length=300, blank=True,
        help_text="How we will know, e.g. “scrap rate from 4.0% to 2.5%”.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "objective__position", "objective_id", "id"]
        indexes = [models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"


class Priority(models.Model):
    """An improvement priority: the few things that matter most right now, and why."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    goal = models.ForeignKey(AnnualGoal, on_delete=models.PROTECT, related_name="priorities")
    title = models.CharField(max_length=200)
    why_now = models.TextField(
        "why now", max_length=2000,
        help_text="Why this matters more than other problems at the moment.")
    owner_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="owned_priorities")
    start = models.DateField()
    end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Set when the priority is closed; it then counts as active only up to this day.
    closed_on = models.DateField(null=True, blank=True)
    closing_note = models.TextField(blank=True, max_length=2000)
    # What must be true when the priority is achieved (text; KPI targets are the KPIs below).
    success_criteria = models.TextField(
        "success criteria", blank=True, max_length=3000,
        help_text="What must be true when this priority is achieved. KPI targets are set on "
                  "its KPIs.")
    # Resources allocated; the time window is the priority's own start–end.
    allocated_hours = models.DecimalField(
        "people-hours allocated", max_digits=10, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10_000_000)])
    allocated_budget = models.DecimalField(
        "budget allocated", max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1_000_000_000)])
    review_by = models.DateField(
        "review by", null=True, blank=True,
        help_text="When the owner team reviews whether this priority still holds; its leads "
                  "are nudged once the day has passed.")
    # The review-by date the owners were last nudged about (a new date nudges again).
    review_nudged_for = models.DateField(null=True, blank=True, editable=False)
    ideas = models.ManyToManyField(
        "ideas.Idea", through="PriorityLink", related_name="priorities", blank=True)
    created_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "review_nudged_for"])

    class Meta:
        ordering = ["start", "title", "id"]
        verbose_name_plural = "priorities"
        indexes = [models.Index(fields=["status", "start", "end"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                   name="strategy_priority_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_end(self) -> date:
        return min(self.end, self.closed_on) if self.closed_on else self.end

    def is_open_for_linking(self, today: date) -> bool:
        """Ideas may be linked while the priority is active and not yet over."""
        return self.status == self.Status.ACTIVE and self.end >= today

    def is_active_on(self, day: date) -> bool:
        return self.start <= day <= self.effective_end


class PriorityLink(models.Model):
    """An idea serving a priority: who linked it and when."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="links")
    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="priority_links")
    linked_by = actor_field()
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "idea"], name="strategy_link_unique"),
        ]
        indexes = [models.Index(fields=["idea", "priority"])]

    def __str__(self) -> str:
        return f"{self.idea_id} → {self.priority_id}"


class KPI(models.Model):
    """How a priority's progress is measured, from a baseline towards a target."""

    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="kpis")
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. %, hours, £, defects")
    baseline = models.DecimalField(**KPI_DIGITS)
    target = models.DecimalField(**KPI_DIGITS)
    direction = models.CharField(max_length=4, choices=Direction.choices)
    owner_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="owned_kpis")
    review_frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority_id", "name", "id"]
        verbose_name = "KPI"

    def __str__(self) -> str:
        return self.name


class KPIReading(models.Model):
    """One measured value of a KPI on a date. One reading per KPI and day."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="readings")
    date = models.DateField()
    value = models.DecimalField(**KPI_DIGITS)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kpi_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "date"], name="strategy_reading_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.date}: {self.value}"


class Constraint(models.Model):
    """An executive boundary, e.g. “reduce overhead 12% without increasing headcount”,
    for the whole organisation (no team) or for a team and everything below it."""

    statement = models.CharField(max_length=300)
    detail = models.TextField(blank=True, max_length=5000)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="constraints",
        help_text="Leave empty for the whole organisation; a team includes all teams below it.")
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Empty: until lifted.")
    review_by = models.DateField(
        "review by", null=True, blank=True,
        help_text="When whoever set it reviews whether the boundary still holds; they are "
                  "nudged once the day has passed.")
    review_nudged_for = models.DateField(null=True, blank=True, editable=False)
    set_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "review_nudged_for"])

    class Meta:
        ordering = ["-start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="strategy_constraint_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.statement

    def is_active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class Deployment(models.Model):
    """A priority deployed to a team by catchball: proposed, then accepted or countered.
    A countered (or accepted) deployment may be revised, which proposes it again.

    Deployments form a tree from the priority (the spine, strategy.spine): a deployment from
    the top has no ``parent``; the leads of a team that accepted one cascade it to their own
    child teams with their own ask, each cascade a deployment whose ``parent`` is the one it
    came from — one hop in the team tree at a time, catchball at every hop."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        COUNTERED = "countered", "Countered"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="deployments")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="deployments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
        help_text="The accepted deployment this one was cascaded from (empty: from the top).")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    ask = models.TextField(
        blank=True, max_length=2000,
        help_text="What the team is asked to contribute to the priority.")
    round = models.PositiveSmallIntegerField(default=1)
    proposed_by = actor_field()
    proposed_at = models.DateTimeField()
    answered_by = actor_field()
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority_id", "team__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "team"], name="strategy_deploy_once"),
        ]
        indexes = [models.Index(fields=["team", "state"])]

    def __str__(self) -> str:
        return f"{self.priority} → {self.team}"


class DeploymentComment(models.Model):
    """One throw of the catchball: a proposal, an answer, a revision or a plain comment."""

    class Kind(models.TextChoices):
        PROPOSE = "propose", "Proposed"
        ACCEPT = "accept", "Accepted"
        COUNTER = "counter", "Countered"
        REVISE = "revise", "Revised"
        COMMENT = "comment", "Commented"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="comments")
    author = actor_field()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(blank=True, max_length=2000)
    round = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.deployment_id}"


# ---------------------------------------------------------------- change windows


class PlanningWindow(models.Model):
    """Days on which priorities and constraints change freely (e.g. the first two weeks of a
    quarter). Outside every window a change needs a recorded cause and counts as churn."""

    name = models.CharField(max_length=80, help_text="e.g. “Q3 planning”")
    start = models.DateField()
    end = models.DateField()
    created_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                   name="strategy_window_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start} – {self.end})"


class StrategyChange(models.Model):
    """One change to a priority or a constraint: who, when, what, and — outside a planning
    window — the cause. Outside-window changes are the *churn* the executive scorecard shows."""

    class Subject(models.TextChoices):
        PRIORITY = "priority", "Priority"
        CONSTRAINT = "constraint", "Constraint"

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"
        LIFTED = "lifted", "Lifted"
        # Success criteria stated where there were none, or a review-by date set: it makes
        # the direction clearer without changing it, so it is never churn.
        CLARIFIED = "clarified", "Clarified"

    subject = models.CharField(max_length=10, choices=Subject.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    priority = models.ForeignKey(Priority, null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="changes")
    constraint = models.ForeignKey(Constraint, null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="changes")
    fields = models.JSONField(default=list, blank=True)
    outside_window = models.BooleanField(default=False)
    cause = models.TextField(blank=True, max_length=2000)
    actor = actor_field()
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["outside_window", "at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.subject} at {self.at:%Y-%m-%d}"
