""""Did it hold?" checks: one per item and time it was done, asked a configurable number of
days later (``OrganisationSettings.hold_check_days``)."""

from django.conf import settings
from django.db import models

from core.fields import actor_field
from ideas.models import Idea
from systemic.models import SystemicIssue


class HoldCheck(models.Model):
    class Answer(models.TextChoices):
        HELD = "held", "Held"
        PARTLY = "partly", "Partly held"
        SLIPPED = "slipped", "Slipped"

    class Outcome(models.TextChoices):
        NONE = "", "Nothing to do"
        REOPENED = "reopened", "Item reopened"
        SYSTEMIC_PROPOSED = "systemic_proposed", "Systemic issue proposed"
        SYSTEMIC_OPENED = "systemic_opened", "Systemic issue opened"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="hold_checks")
    # The moment the item was done that this check follows (an item done, reopened and done
    # again is asked again).
    done_at = models.DateTimeField()
    due_on = models.DateField()
    asked_at = models.DateTimeField()
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    # The linked KPIs' readings before the change and the latest since, as they were when the
    # check was answered: [{kpi, unit, before, before_date, since, since_date}].
    kpi_readings = models.JSONField(default=list, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    systemic_issue = models.ForeignKey(SystemicIssue, null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    confirmed_by = actor_field()

    class Meta:
        ordering = ["-asked_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["idea", "done_at"],
                                               name="holdcheck_once_per_done")]
        indexes = [
            models.Index(fields=["answered_at", "answer"], name="holdcheck_answered_idx"),
            models.Index(fields=["asked_at"], name="holdcheck_pending_idx",
                         condition=models.Q(answer="")),
        ]

    def __str__(self) -> str:
        return f"Did #{self.idea_id} hold? ({self.answer or 'pending'})"

    @property
    def pending(self) -> bool:
        return not self.answer
