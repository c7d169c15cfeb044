"""System work and the executive layer, on the strategy side:

- ``Experiment``: a hypothesis an item tests, the signal (and optional KPI) to watch, the
  evidence and the decision (adopt, adapt, abandon).
- ``ReviewCadence`` / ``Review`` / ``ReviewFocus``: the periodic improvement review of a team
  (or of a tier's leads together), the focus areas it picks for the next cycle.
- ``PlanningWindow`` / ``StrategyChange``: when priorities and constraints change freely, and
  the record of every change (outside a window it carries a cause and counts as churn).
- ``CentreOfExcellence`` / ``Standard`` / ``StandardVersion`` / ``StandardProposal`` /
  ``StandardComment``: the standards library owned by the CoE team.

Imported by ``strategy.models``; import these names from there.
"""

from datetime import date

from django.conf import settings
from django.db import models

from org.models import Team, Tier

__all__ = [
    "Experiment", "ReviewCadence", "Review", "ReviewFocus", "PlanningWindow", "StrategyChange",
    "CentreOfExcellence", "Standard", "StandardVersion", "StandardProposal", "StandardComment",
]

USER = settings.AUTH_USER_MODEL


# ---------------------------------------------------------------- experiments


class Experiment(models.Model):
    """“We believe … will … measured by …”: one experiment an item runs."""

    class Decision(models.TextChoices):
        ADOPT = "adopt", "Adopt"
        ADAPT = "adapt", "Adapt"
        ABANDON = "abandon", "Abandon"

    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="experiments")
    hypothesis = models.TextField(
        max_length=2000,
        help_text="We believe … will … measured by …")
    signal = models.CharField(
        max_length=300, help_text="What you will watch to know whether it works.")
    kpi = models.ForeignKey("strategy.KPI", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="experiments")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, max_length=5000,
                                help_text="What was observed: numbers, not impressions.")
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    learning = models.TextField(blank=True, max_length=5000)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["idea", "decision"]),
                   models.Index(fields=["decided_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="strategy_experiment_end_after_start"),
            models.CheckConstraint(
                condition=models.Q(decision="") | ~models.Q(evidence=""),
                name="strategy_experiment_decided_with_evidence"),
        ]

    def __str__(self) -> str:
        return self.hypothesis[:80]

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)


# ---------------------------------------------------------------- reviews


class ReviewCadence(models.Model):
    """How often a team (or a tier's leads together) reviews its improvement work."""

    class Every(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Fortnightly"
        MONTHLY = "monthly", "Monthly"

    team = models.OneToOneField(Team, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="review_cadence")
    tier = models.OneToOneField(Tier, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="review_cadence")
    every = models.CharField(max_length=12, choices=Every.choices, default=Every.MONTHLY)
    # Slots before the cadence was set are not held against the team.
    since = models.DateField(default=date.today)
    set_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(team__isnull=False, tier__isnull=True)
                           | models.Q(team__isnull=True, tier__isnull=False)),
                name="strategy_cadence_team_xor_tier"),
        ]

    def __str__(self) -> str:
        return f"{self.team or self.tier}: {self.get_every_display()}"


class Review(models.Model):
    """One improvement review held: the period it covers, the assessment of the prior cycle's
    changes and (through ReviewFocus) the focus areas for the next cycle."""

    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="reviews")
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="reviews")
    held_on = models.DateField()
    # The review covers (period_start, held_on]: the day after the previous review.
    period_start = models.DateField()
    assessment = models.TextField(
        max_length=5000,
        help_text="How did the changes of the prior cycle work out? What held, what did not?")
    notes = models.TextField(blank=True, max_length=5000)
    held_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["team", "held_on"]),
                   models.Index(fields=["tier", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(team__isnull=False, tier__isnull=True)
                           | models.Q(team__isnull=True, tier__isnull=False)),
                name="strategy_review_team_xor_tier"),
            models.UniqueConstraint(fields=["team", "held_on"], name="strategy_review_team_day"),
            models.UniqueConstraint(fields=["tier", "held_on"], name="strategy_review_tier_day"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.scope_name} on {self.held_on}"

    @property
    def scope_name(self) -> str:
        return self.team.name if self.team_id else f"tier {self.tier.level} leads"


class ReviewFocus(models.Model):
    """A focus area picked for the next cycle: an item, a systemic issue, or a plain note."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="focus_areas")
    idea = models.ForeignKey("ideas.Idea", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="review_focus")
    systemic_issue = models.ForeignKey("ideas.SystemicIssue", null=True, blank=True,
                                       on_delete=models.CASCADE, related_name="review_focus")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Focus of review {self.review_id}"


# ---------------------------------------------------------------- change windows


class PlanningWindow(models.Model):
    """Days on which priorities and constraints change freely (e.g. the first two weeks of a
    quarter). Outside every window a change needs a recorded cause and counts as churn."""

    name = models.CharField(max_length=80, help_text="e.g. “Q3 planning”")
    start = models.DateField()
    end = models.DateField()
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
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

    subject = models.CharField(max_length=10, choices=Subject.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    priority = models.ForeignKey("strategy.Priority", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="changes")
    constraint = models.ForeignKey("strategy.Constraint", null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="changes")
    fields = models.JSONField(default=list, blank=True)
    outside_window = models.BooleanField(default=False)
    cause = models.TextField(blank=True, max_length=2000)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["outside_window", "at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.subject} at {self.at:%Y-%m-%d}"


# ---------------------------------------------------------------- standards


class CentreOfExcellence(models.Model):
    """Designates the team that owns the standards library (set by admins)."""

    team = models.OneToOneField(Team, on_delete=models.PROTECT, related_name="coe")
    designated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "centre of excellence"
        verbose_name_plural = "centre of excellence"

    def __str__(self) -> str:
        return f"CoE: {self.team}"


class Standard(models.Model):
    """A standard work document. Its text lives in versions; the newest is the standard."""

    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    owner_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="standards")
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="owned_standards")
    review_date = models.DateField(help_text="When the CoE next checks the standard still "
                                             "holds.")
    current_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class StandardVersion(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField(max_length=20000)
    change_note = models.CharField(max_length=500, blank=True)
    # The item whose learning changed the standard (through an accepted proposal).
    idea = models.ForeignKey("ideas.Idea", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="standard_versions")
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["standard", "number"],
                                               name="strategy_standard_version_once")]

    def __str__(self) -> str:
        return f"{self.standard_id} v{self.number}"


class StandardProposal(models.Model):
    """A change to a standard proposed from a done item; the CoE accepts (a new version) or
    declines it with a reason."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="proposals")
    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE,
                             related_name="standard_proposals")
    text = models.TextField(max_length=5000, help_text="What should change in the standard, "
                                                       "and what the item showed.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, max_length=2000)
    version = models.OneToOneField(StandardVersion, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="proposal")

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["state", "proposed_at"])]

    def __str__(self) -> str:
        return f"Proposal {self.pk} to {self.standard_id}"


class StandardComment(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.standard_id}"
