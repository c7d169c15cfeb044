"""Systemic issues and the problems linked to them.

Both models (and the issue's history) came from the ideas app and keep its tables
(``Meta.db_table``, ``HistoricalRecords(table_name=…)``): moving them moved no data (see
migrations/0001_initial.py)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ideas.models import Idea
from org.models import Team


class SystemicIssue(models.Model):
    """Problems that recur across teams or over time, grouped so the constraint behind them is
    worked on where it lives — and its persistence can be watched fall."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MONITORING = "monitoring", "Monitoring"
        RESOLVED = "resolved", "Resolved"

    title = models.CharField(max_length=200)
    statement = models.TextField(max_length=10000)
    category = models.CharField(max_length=10, choices=Idea.Category.choices, blank=True)
    owner_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="systemic_issues")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    problems = models.ManyToManyField(Idea, through="SystemicLink", related_name="systemic_issues",
                                      blank=True)
    # The system-level item that carries the work (and can be escalated like any idea).
    tracking_idea = models.OneToOneField(Idea, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="tracked_systemic_issue")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(table_name="ideas_historicalsystemicissue")

    class Meta:
        db_table = "ideas_systemicissue"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SystemicLink(models.Model):
    issue = models.ForeignKey(SystemicIssue, on_delete=models.CASCADE, related_name="links")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="systemic_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ideas_systemiclink"
        constraints = [models.UniqueConstraint(fields=["issue", "idea"],
                                               name="systemic_link_once")]

    def __str__(self) -> str:
        return f"{self.idea_id} in {self.issue_id}"
