"""Huddle boards: per-team board settings, wall-screen display links, SQDC letter days and
huddle sessions."""

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.fields import actor_field
from ideas.models import Idea
from org.models import Team


@dataclass(frozen=True)
class Bounds:
    """The range a number setting of a board may take (the forms, the API, the service and
    the database all hold it)."""

    low: int
    high: int


WIP = Bounds(1, 999)
DONE_WINDOW = Bounds(1, 90)  # days
REFRESH = Bounds(2, 3600)  # seconds


def _wip_field(label: str):
    return models.PositiveSmallIntegerField(
        f"WIP limit · {label}", null=True, blank=True,
        validators=[MinValueValidator(WIP.low), MaxValueValidator(WIP.high)],
        help_text="Leave empty for no limit. Exceeding it shows a warning; it never blocks.",
    )


class BoardSettings(models.Model):
    """How a team's board looks and behaves. Set by the team's leads (People letter: admins).

    ``changed_at`` moves whenever something shown on the board that is not an idea changes
    (SQDC letters, huddles, these settings): together with an aggregate over the team's ideas it
    gives the cheap board version the wall screen polls."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="board_settings")
    wip_new = _wip_field("New")
    wip_in_progress = _wip_field("In progress")
    wip_waiting = _wip_field("Waiting")
    wip_escalated = _wip_field("Escalated to us")
    done_window_days = models.PositiveSmallIntegerField(
        "done column shows the last … days", default=14,
        validators=[MinValueValidator(DONE_WINDOW.low), MaxValueValidator(DONE_WINDOW.high)],
    )
    refresh_seconds = models.PositiveSmallIntegerField(
        "wall screen refresh (seconds)", default=30,
        validators=[MinValueValidator(REFRESH.low), MaxValueValidator(REFRESH.high)],
    )
    people_enabled = models.BooleanField(
        "show the People letter", default=False,
        help_text="Adds P (people) to the SQDC letters. Set by an administrator.",
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    updated_by = actor_field()

    class Meta:
        verbose_name = "board settings"
        verbose_name_plural = "board settings"
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__isnull": True})
                    | Q(**{f"{f}__gte": WIP.low, f"{f}__lte": WIP.high}),
                    name=f"huddles_board_{f}_range",
                )
                for f in ("wip_new", "wip_in_progress", "wip_waiting", "wip_escalated")
            ],
            models.CheckConstraint(
                condition=Q(done_window_days__gte=DONE_WINDOW.low,
                            done_window_days__lte=DONE_WINDOW.high),
                name="huddles_board_done_window_range",
            ),
            models.CheckConstraint(
                condition=Q(refresh_seconds__gte=REFRESH.low,
                            refresh_seconds__lte=REFRESH.high),
                name="huddles_board_refresh_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Board settings of {self.team}"

    def wip_limit(self, column: str) -> int | None:
        return {
            "new": self.wip_new, "in_progress": self.wip_in_progress,
            "waiting": self.wip_waiting, "escalated": self.wip_escalated,
        }.get(column)


class DisplayLink(models.Model):
    """A read-only link to one team's wall screen for a TV that nobody logs in on.

    Only the SHA-256 of the random token is stored; the link itself is shown once, when it is
    made. Revoked or expired links are refused at the screen's next refresh."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="display_links")
    label = models.CharField(max_length=80, help_text="Where the screen hangs, e.g. 'Hall TV'.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = actor_field()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.team})"

    def is_active_at(self, now) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def state_at(self, now) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


class SqdcDay(models.Model):
    """One letter of the SQDC board for one team and day: green, amber, red or not set."""

    Category = Idea.Category  # the letters are the categories items are filed under

    class Status(models.TextChoices):
        GREEN = "green", "Green"
        AMBER = "amber", "Amber"
        RED = "red", "Red"
        UNSET = "unset", "Not set"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="sqdc_days")
    date = models.DateField()
    category = models.CharField(max_length=10, choices=Category.choices)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.UNSET)
    note = models.TextField(blank=True, max_length=2000)
    set_by = actor_field()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "date", "category"]
        verbose_name = "SQDC day"
        constraints = [
            models.UniqueConstraint(fields=["team", "date", "category"],
                                    name="huddles_sqdc_one_per_team_day_category"),
            models.CheckConstraint(condition=~Q(status="red") | ~Q(note=""),
                                   name="huddles_sqdc_red_needs_note"),
        ]
        indexes = [models.Index(fields=["date", "status"])]

    def __str__(self) -> str:
        return f"{self.team} {self.date} {self.category}: {self.status}"

    @property
    def letter(self) -> str:
        return self.category[0].upper()


class Huddle(models.Model):
    """One stand-up of one team on one day: who came, notes, which items were discussed."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="huddles")
    date = models.DateField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ended_by = actor_field()
    notes = models.TextField(blank=True, max_length=10000)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="huddles_attended")
    guests = models.CharField(
        max_length=500, blank=True, help_text="People from outside the team, comma-separated.")
    discussed = models.ManyToManyField(Idea, blank=True, related_name="huddles")

    class Meta:
        ordering = ["-date", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "date"], condition=Q(ended_at__isnull=True),
                name="huddles_one_open_huddle_per_team_day",
                violation_error_message="This team already has an open huddle today.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="huddles_huddle_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["team", "date"])]

    def __str__(self) -> str:
        return f"Huddle of {self.team} on {self.date}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def duration_minutes(self) -> int | None:
        if self.ended_at is None:
            return None
        return max(0, round((self.ended_at - self.started_at).total_seconds() / 60))

    @property
    def guest_list(self) -> list[str]:
        return [g.strip() for g in self.guests.split(",") if g.strip()]
