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
    """Improvement time a person logged on a day: against an item, or — slack — without one,
    in a category (reflection, experimentation, recovery, training, standard work upkeep).
    Both count toward the team's protected capacity honoured."""

    class Category(models.TextChoices):
        ITEM = "item", "Work on an item"
        REFLECTION = "reflection", "Reflection / retrospective"
        EXPERIMENTATION = "experimentation", "Experimentation"
        RECOVERY = "recovery", "Recovery"
        TRAINING = "training", "Training / capability building"
        STANDARD_WORK = "standard_work", "Standard work upkeep"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="time_entries")
    # Empty for slack: protected time spent without an item (``category`` says on what).
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="time_entries",
                             null=True, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.ITEM)
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
            # Work on an item names the item; slack names a category and no item.
            models.CheckConstraint(
                condition=(models.Q(idea__isnull=False, category="item")
                           | (models.Q(idea__isnull=True) & ~models.Q(category="item"))),
                name="time_entry_item_or_slack_category",
                violation_error_message="Time on an item has no slack category; time without "
                                        "an item needs one."),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.hours} h on {self.date}"

    @property
    def is_slack(self) -> bool:
        return self.idea_id is None

    @classmethod
    def slack_categories(cls) -> list[tuple[str, str]]:
        """The categories of protected time without an item (for forms and the mix)."""
        return [(v, label) for v, label in cls.Category.choices if v != cls.Category.ITEM]
