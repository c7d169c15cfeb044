"""Improvement items (problems and ideas), their timeline, comments, attachments and labels."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.fields import actor_field
from org.models import Team

MAX_MONEY = Decimal("1000000000")  # 1e9 a year: anything above is a typing error, not a saving
MAX_HOURS = Decimal("1000000")
money = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_MONEY)]
hours = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_HOURS)]


# The list's "priority" sort (high first): one expression for the ORDER BY and for the index
# that serves it (Idea.Meta.indexes), so PostgreSQL matches the two.
PRIORITY_ORDER = models.Case(
    models.When(priority="high", then=models.Value(0)),
    models.When(priority="normal", then=models.Value(1)),
    default=models.Value(2),
    output_field=models.IntegerField(),
)


class Label(models.Model):
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Idea(models.Model):
    class Kind(models.TextChoices):
        PROBLEM = "problem", "Problem"
        IDEA = "idea", "Idea"

    class Category(models.TextChoices):
        SAFETY = "safety", "Safety"
        QUALITY = "quality", "Quality"
        DELIVERY = "delivery", "Delivery"
        COST = "cost", "Cost"
        PEOPLE = "people", "People"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DECLINED = "declined", "Declined"
        PARKED = "parked", "Parked"

    class Level(models.TextChoices):
        TEAM = "team", "Team"
        CROSS_TEAM = "cross_team", "Cross-team"
        SYSTEM = "system", "System"

    class ChangeKind(models.TextChoices):
        DEPENDENCIES = "dependencies", "Dependencies"
        ARCHITECTURE = "architecture", "Architecture"
        DEPLOYMENT_SAFETY = "deployment_safety", "Deployment safety"
        DECISION_BOUNDARIES = "decision_boundaries", "Decision boundaries"
        POLICY_DELAY = "policy_delay", "Policy-driven delay"
        FEEDBACK_QUALITY = "feedback_quality", "Feedback quality"
        LEARNING_LOOPS = "learning_loops", "Learning loops"
        OTHER = "other", "Other"

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS)

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROBLEM)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10000)
    # The foreign keys below lead composite indexes (Meta.indexes), so they carry no
    # single-column index of their own: every index on this table is paid for by every write.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="ideas",
                             db_index=False)
    # Users are deactivated, never deleted, so the author of a learning note survives them.
    # Empty on an anonymous item (ideas/anonymity.py): only ``reporter_ref`` leads back, and
    # only for the reporter themself.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="reported_ideas", db_index=False,
    )
    is_anonymous = models.BooleanField(
        "raised anonymously", default=False, editable=False,
        help_text="Raised without the reporter's name: nobody, admins included, sees who.")
    # A one-way keyed hash of the anonymous reporter (never shown, never in the history): lets
    # the reporter find and follow their own item; empty for named items.
    reporter_ref = models.CharField(max_length=64, blank=True, default="", editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_ideas", db_index=False,
    )
    category = models.CharField(max_length=10, choices=Category.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    status_reason = models.TextField(blank=True, max_length=5000)

    # PDSA
    problem_statement = models.TextField(blank=True, max_length=10000)
    root_cause = models.TextField(blank=True, max_length=10000)
    countermeasure = models.TextField(blank=True, max_length=10000)
    result = models.TextField(blank=True, max_length=10000)
    learning = models.TextField("what we learned", blank=True, max_length=10000)
    # Who wrote the learning note (closed the item). Users are deactivated, never deleted, so
    # the learning library keeps its authors after they leave.
    learning_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+")
    # The structured learning note (ideas/learning.py): checkable beyond its length.
    learning_expected = models.TextField("what we expected", blank=True, max_length=5000)
    learning_happened = models.TextField("what happened", blank=True, max_length=5000)
    learning_next_time = models.TextField("what we do next time", blank=True, max_length=5000)
    # How many other teams marked the learning as reused or useful (LearningMark), kept by
    # ideas.services.learning so the learning library sorts by it without counting rows.
    learning_marks = models.PositiveIntegerField(default=0)

    # Impact (per year) and spend
    estimated_money_per_year = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=money)
    estimated_hours_per_year = models.DecimalField(
        max_digits=10, decimal_places=1, null=True, blank=True, validators=hours)
    estimated_benefit = models.TextField(blank=True, max_length=5000)
    actual_money_per_year = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=money)
    actual_hours_per_year = models.DecimalField(
        max_digits=10, decimal_places=1, null=True, blank=True, validators=hours)
    actual_benefit = models.TextField(blank=True, max_length=5000)
    required_spend = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=money,
        help_text="One-off spend needed to do this. Above the team's authority limit it must be "
                  "escalated for approval.")
    due_date = models.DateField(null=True, blank=True)

    is_private = models.BooleanField(
        default=False, help_text="Visible only to the reporter, the owning team, the teams on "
                                 "its escalation chain and admins.")
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="watched_ideas")
    labels = models.ManyToManyField(Label, blank=True, related_name="ideas")

    # System work
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.TEAM)
    change_kind = models.CharField(max_length=24, choices=ChangeKind.choices, blank=True)

    # Escalation: while escalated the idea sits with another team (set by escalation services
    # through ideas.services.idea_set_waiting); the teams on its chain may see it when private.
    waiting_on_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="waiting_ideas",
        db_index=False)
    shared_with_teams = models.ManyToManyField(Team, blank=True, related_name="shared_ideas")
    # The latest escalation decision, shown on the card when the item is back with its team.
    decision_note = models.TextField(blank=True, max_length=10000)
    decision_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_activity_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # Deliberately unindexed: the hourly aging job sets and clears it on up to a tenth of the
    # table, and an update that touches no indexed column is a HOT update (no index writes) on
    # PostgreSQL as long as the page has room — hence the table's fillfactor (migration 0006).
    aging_flagged_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change: a board move based on an older version is refused (409).
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version", "last_activity_at", "updated_at",
                                                 "reporter_ref", "learning_marks"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["reporter_ref"], condition=~models.Q(reporter_ref=""),
                         name="idea_reporter_ref_idx"),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["status", "category"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["reporter", "status"]),
            models.Index(fields=["waiting_on_team"]),
            models.Index(
                fields=["last_activity_at", "id"],
                condition=models.Q(status__in=["new", "in_progress"]),
                name="idea_open_activity_idx",
            ),
            # The private items (a small share), for leaving out the ones a person may not see
            # from rows that point at items (ideas.visibility.hidden_private_ideas).
            models.Index(fields=["id"], include=["team", "reporter"],
                         condition=models.Q(is_private=True), name="idea_private_idx"),
            models.Index(PRIORITY_ORDER, models.F("created_at").desc(), models.F("id").desc(),
                         name="idea_priority_order_idx"),
            # The open problems by the flag-first order the executive home ranked by before
            # the explained importance score (scorecards/selectors/importance.py) replaced it;
            # no query reads it now — drop it with the ranking's own index (issue 16's rest).
            models.Index(PRIORITY_ORDER, models.F("estimated_money_per_year").desc(nulls_last=True),
                         "created_at", "id", name="idea_open_problem_order_idx",
                         condition=models.Q(status__in=["new", "in_progress"], kind="problem")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(required_spend__isnull=True) | models.Q(required_spend__gte=0),
                name="idea_required_spend_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(is_anonymous=False) | models.Q(reporter__isnull=True),
                name="idea_anonymous_has_no_reporter",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_waiting(self) -> bool:
        return self.waiting_on_team_id is not None


class IdeaEvent(models.Model):
    """One line of an idea's timeline: created, edited, moved, commented, escalated, …"""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="events")
    actor = actor_field()
    verb = models.CharField(max_length=40)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["idea", "created_at"])]

    def __str__(self) -> str:
        return f"{self.verb} on {self.idea_id}"


class Comment(models.Model):
    """A comment on an item. ``@username`` mentions notify the people named."""

    MAX_LENGTH = 5000

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    # Empty when the anonymous reporter of the item wrote it: shown as "the reporter".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="idea_comments")
    text = models.TextField(max_length=MAX_LENGTH)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="idea_mentions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["idea", "created_at"])]

    def __str__(self) -> str:
        return f"Comment by {self.author or 'the reporter'} on #{self.idea_id}"


class Attachment(models.Model):
    """A photo or PDF on an item. The type is read from the content, never from the name; the
    stored name is random so a file's address says nothing about the item."""

    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        PDF = "pdf", "PDF"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="attachments")
    # Empty when the anonymous reporter of the item added it.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="idea_attachments")
    file = models.FileField(upload_to="ideas/%Y/%m/", max_length=255)
    thumbnail = models.FileField(upload_to="ideas/thumbs/%Y/%m/", max_length=255, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["idea", "created_at"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


class LearningMark(models.Model):
    """Another team says an item's learning helped: its lead marks it *reused* (we applied it)
    or *useful*, or the Centre of Excellence marks it useful. One mark per item, team and kind;
    never the item's own team (ideas/permissions.py ``can_mark_learning``)."""

    class Kind(models.TextChoices):
        REUSED = "reused", "Reused"
        USEFUL = "useful", "Useful"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="learning_marks_set")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    marked_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "team", "kind"],
                                    name="ideas_learningmark_once_per_team_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.team} on #{self.idea_id}"


class IdeaDayCount(models.Model):
    """How many items were created on a day (UTC), per owning team and public or private;
    ``team_id`` 0 holds the whole organisation's row. Kept by database triggers (migration
    0008) on every insert, delete and change of team, privacy or creation time — whoever
    writes the rows (services, the admin, COPY) — so that counting a year of items reads a few
    hundred rows instead of a million. Read only through ``ideas.counts``."""

    ALL_TEAMS = 0

    team_id = models.IntegerField()
    day = models.DateField()
    private = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team_id", "day", "private"],
                                    name="idea_day_count_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id}: {self.n}"
