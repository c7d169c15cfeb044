"""A team's protected improvement capacity and the improvement time people log on items.

Both models came from the ideas app and keep its tables (``Meta.db_table``): moving them moved
no data (see migrations/0001_initial.py)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from ideas.models import Idea
from org.models import Team


class TeamCapacity(models.Model):
    """A team's protected improvement capacity: hours a week, or a share of its members' time."""

    class Unit(models.TextChoices):
        HOURS = "hours", "Hours per week"
        PERCENT = "percent", "% of members' time"

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="capacity")
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.HOURS)
    amount = models.DecimalField(
        max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0")),
                                                    MaxValueValidator(Decimal("2000"))],
        help_text="Hours per week, or a percentage (at most 100) of members' working time.")
    member_hours_per_week = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal("37.5"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("80"))],
        help_text="Working hours of one member a week (to turn a percentage into hours).")
    # Weeks before the capacity was set are not held against the team.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # The week (Monday) of the last "improvement time is being sacrificed" nudge: once per streak.
    nudged_week = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "ideas_teamcapacity"
        verbose_name_plural = "team capacities"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(unit="percent") | models.Q(amount__lte=100),
                name="capacity_percent_at_most_100",
                violation_error_message="A protected capacity cannot exceed 100 %.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.amount} {self.get_unit_display()}"


class TimeEntry(models.Model):
    """Improvement time a person logged against an item on a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="time_entries")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="time_entries")
    # The team whose protected capacity the time counts against (the logger's team).
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="time_entries")
    date = models.DateField()
    hours = models.DecimalField(
        max_digits=4, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))])
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ideas_timeentry"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["team", "date"]), models.Index(fields=["user", "date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0) & models.Q(hours__lte=24),
                                   name="time_entry_hours_range"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.hours} h on {self.date}"
