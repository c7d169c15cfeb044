"""Daily scorecard snapshots and the targets admins set per tier."""

from django.core.exceptions import ValidationError
from django.db import models

from org.models import Tier

from .definitions import BAND, BY_KEY, TARGETABLE, UP


class Snapshot(models.Model):
    """The figures of one scope at the end of one day, for the trailing week, month (30 days)
    and quarter (91 days): ``metrics = {"week": {...}, "month": {...}, "quarter": {...}}``.

    One row per scope and day: taking the snapshot again replaces it (the nightly job and the
    backfill command are idempotent)."""

    class Scope(models.TextChoices):
        TEAM = "team", "Team"
        TIER = "tier", "Tier"
        ORG = "org", "Organisation"

    scope = models.CharField(max_length=4, choices=Scope.choices)
    # The team's id, the tier's level, or 0 for the organisation.
    scope_id = models.PositiveIntegerField(default=0)
    date = models.DateField()
    metrics = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scope", "scope_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "scope_id", "date"],
                                    name="scorecards_snapshot_one_per_scope_day"),
        ]
        indexes = [models.Index(fields=["scope", "date"], name="scorecards_snap_scope_date")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.scope_id} on {self.date}"


METRIC_CHOICES = [(m.key, m.label) for m in TARGETABLE]


class Target(models.Model):
    """A target for one metric: at one tier (its teams and the tier view), or — with no tier —
    for the organisation and every tier without its own. Overrides the shipped default."""

    metric = models.CharField(max_length=40, choices=METRIC_CHOICES)
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="scorecard_targets",
                             help_text="Leave empty for the organisation-wide target.")
    green = models.FloatField(help_text="Green at or beyond this value. Shares are 0–1 "
                                        "(0.8 = 80%).")
    amber = models.FloatField(help_text="Amber at or beyond this value; red beyond it.")
    upper = models.FloatField(
        null=True, blank=True,
        help_text="Healthy-band metrics only (solved at the owning tier): the top of the band. "
                  "Green from the green value up to this one; amber above it.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["metric", "tier__level"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "tier"], name="scorecards_target_per_tier"),
            models.UniqueConstraint(fields=["metric"], condition=models.Q(tier__isnull=True),
                                    name="scorecards_target_org_once",
                                    violation_error_message="This metric already has an "
                                                            "organisation-wide target."),
        ]

    def __str__(self) -> str:
        where = f"tier {self.tier.level}" if self.tier_id else "organisation"
        return f"{self.get_metric_display()} ({where})"

    @property
    def direction(self) -> str | None:
        metric = BY_KEY.get(self.metric)
        return metric.direction if metric else None

    def clean(self) -> None:
        metric = BY_KEY.get(self.metric)
        if metric is None:
            return
        self._clean_band(metric)
        if metric.direction in (UP, BAND) and self.green is not None and self.amber is not None \
                and self.amber > self.green:
            raise ValidationError({"amber": "Higher is better for this metric: the amber "
                                            "threshold must not be above the green one."})
        if metric.direction not in (UP, BAND) and self.green is not None \
                and self.amber is not None and self.amber < self.green:
            raise ValidationError({"amber": "Lower is better for this metric: the amber "
                                            "threshold must not be below the green one."})
        if metric.unit == "share":
            for name in ("green", "amber", "upper"):
                value = getattr(self, name)
                if value is not None and not 0 <= value <= 1:
                    raise ValidationError({name: "A share is between 0 and 1 (0.8 = 80%)."})
        for name in ("green", "amber", "upper"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValidationError({name: "Targets are never negative."})

    def _clean_band(self, metric) -> None:
        """A band has a top at or above its bottom; a one-sided target has no top."""
        if metric.direction != BAND:
            if self.upper is not None:
                raise ValidationError({"upper": "Only a healthy-band metric has an upper "
                                                "bound; leave it empty."})
            return
        if self.upper is None:
            raise ValidationError({"upper": "A healthy band needs its upper bound."})
        if self.green is not None and self.upper < self.green:
            raise ValidationError({"upper": "The top of the band must not be below its "
                                            "bottom (the green value)."})
