"""Improvement reviews: how often a team (or a tier's leads together) reviews its improvement
work, the reviews held, and the focus areas each picks for the next cycle.

The models came from the strategy app and keep its tables (``Meta.db_table``): moving them moved
no data (see migrations/0001_initial.py)."""

from datetime import date

from django.conf import settings
from django.db import models

from core.fields import actor_field
from ideas.models import Idea
from org.models import Team, Tier
from systemic.models import SystemicIssue

USER = settings.AUTH_USER_MODEL


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
    set_by = actor_field()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "strategy_reviewcadence"
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
        db_table = "strategy_review"
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
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="review_focus")
    systemic_issue = models.ForeignKey(SystemicIssue, null=True, blank=True,
                                       on_delete=models.CASCADE, related_name="review_focus")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "strategy_reviewfocus"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Focus of review {self.review_id}"
