"""The standards library: the Centre of Excellence (the team that owns it), standards and their
versions, the changes done items propose, and comments.

The models came from the strategy app and keep its tables (``Meta.db_table``): moving them moved
no data (see migrations/0001_initial.py)."""

from django.conf import settings
from django.db import models

from core.fields import actor_field
from ideas.models import Idea
from org.models import Team

USER = settings.AUTH_USER_MODEL


class CentreOfExcellence(models.Model):
    """Designates the team that owns the standards library (set by admins)."""

    team = models.OneToOneField(Team, on_delete=models.PROTECT, related_name="coe")
    designated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "strategy_centreofexcellence"
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
        db_table = "strategy_standard"
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class StandardVersion(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField(max_length=20000)
    change_note = models.CharField(max_length=500, blank=True)
    # The item whose learning changed the standard (through an accepted proposal).
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="standard_versions")
    created_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "strategy_standardversion"
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
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE,
                             related_name="standard_proposals")
    text = models.TextField(max_length=5000, help_text="What should change in the standard, "
                                                       "and what the item showed.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = actor_field()
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, max_length=2000)
    version = models.OneToOneField(StandardVersion, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="proposal")

    class Meta:
        db_table = "strategy_standardproposal"
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
        db_table = "strategy_standardcomment"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.standard_id}"
