"""An experiment an item runs: the hypothesis, the signal (and optional KPI) to watch, the
evidence and the decision (adopt, adapt, abandon) — evidence, not theatre.

The model came from the strategy app and keeps its table (``Meta.db_table``): moving it moved no
data (see migrations/0001_initial.py)."""

from django.db import models

from core.fields import actor_field
from ideas.models import Idea
from strategy.models import KPI


class Experiment(models.Model):
    """“We believe … will … measured by …”: one experiment an item runs."""

    class Decision(models.TextChoices):
        ADOPT = "adopt", "Adopt"
        ADAPT = "adapt", "Adapt"
        ABANDON = "abandon", "Abandon"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="experiments")
    hypothesis = models.TextField(
        max_length=2000,
        help_text="We believe … will … measured by …")
    signal = models.CharField(
        max_length=300, help_text="What you will watch to know whether it works.")
    kpi = models.ForeignKey(KPI, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="experiments")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, max_length=5000,
                                help_text="What was observed: numbers, not impressions.")
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    learning = models.TextField(blank=True, max_length=5000)
    decided_by = actor_field()
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "strategy_experiment"
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
