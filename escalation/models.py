"""Escalations (requests for help sent up the tiers) and the admin's routing rules.

An escalation is one *step*: from one team to a higher one. Escalating further closes the step
as ``escalated`` and opens a child step (``parent`` link) from the team that held it, so a chain
reads origin → tier 2 → tier 3 … and every level keeps its own who and when. The state machine
is in ``escalation/workflow.py``.

Timestamps the jobs and scorecards read:
- ``raised_at``, ``due_ack_at``, ``due_resolve_at`` (SLA clock from the target tier's hours);
- ``acknowledged_at`` (set on acknowledge — or on a decision taken straight from ``open``);
- ``resolved_at`` when the step closes: resolved, returned, or escalated further (filter by
  ``state`` to tell them apart; "time to resolve" counts ``resolved`` and ``returned``);
- ``stalled_at``: set by the stalled-escalation job, cleared by any action on the step.

Escalations reaching the top tier are *structured*: besides the reason and the ask they carry
the ``options`` considered and a ``recommendation`` (required by the services when the target
is at the top tier). A ``cross_team`` escalation names the ``other_team`` of the conflict; it
routes to the lowest common ancestor of the two teams (``escalation/routing.py``) and each of
the two teams records its view of the conflict (``ConflictView``, on the chain's first step).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from ideas.models import Idea
from org.models import Team, Tier
from org.selectors import team_descendant_ids

from . import workflow

MAX_SPEND = Decimal("1000000000")
spend_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_SPEND)]


class Escalation(models.Model):
    class Reason(models.TextChoices):
        AUTHORITY = "authority", "Authority (spend or decision above our limit)"
        RESOURCES = "resources", "Resources (people, time, equipment)"
        KNOWLEDGE = "knowledge", "Knowledge (expertise we do not have)"
        CROSS_TEAM = "cross_team", "Cross-team (needs another team)"

    State = workflow.State
    ACTIVE_STATES = workflow.ACTIVE
    DECIDED_STATES = workflow.DECIDED

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="escalations")
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT,
                                  related_name="escalations_raised")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT,
                                related_name="escalations_received")
    parent = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="child",
        help_text="The step this one continues when it was escalated further.")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    ask = models.TextField("what help is needed", max_length=5000)
    requested_spend = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                          validators=spend_validators)
    route_note = models.CharField(max_length=300, blank=True,
                                  help_text="Why it went to this team (the rule that matched).")
    options = models.TextField("options considered", blank=True, max_length=5000,
                               help_text="Required when the escalation reaches the top tier.")
    recommendation = models.TextField(blank=True, max_length=5000,
                                      help_text="Required when the escalation reaches the top "
                                                "tier: what the escalating team recommends.")
    other_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="escalations_named_in",
        help_text="Cross-team escalations: the other team in the conflict.")

    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="escalations_raised")
    raised_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField(blank=True, max_length=5000)
    approved_spend = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                         validators=spend_validators)
    due_ack_at = models.DateTimeField()
    due_resolve_at = models.DateTimeField()
    stalled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["to_team", "state"]),
            models.Index(fields=["from_team", "state"]),
            models.Index(fields=["idea", "raised_at"]),
            models.Index(fields=["state", "due_ack_at"], name="esc_state_due_ack_idx"),
            models.Index(fields=["state", "due_resolve_at"], name="esc_state_due_resolve_idx"),
            models.Index(fields=["resolved_at"], condition=models.Q(resolved_at__isnull=False),
                         name="esc_resolved_at_idx"),
        ]
        constraints = [
            # The one invariant everything else leans on: an idea is escalated once at a time.
            models.UniqueConstraint(
                fields=["idea"], condition=models.Q(state__in=list(workflow.ACTIVE)),
                name="escalation_one_active_per_idea",
                violation_error_message="This item already has an open escalation.",
            ),
            models.CheckConstraint(condition=~models.Q(from_team=models.F("to_team")),
                                   name="escalation_not_to_itself"),
            models.CheckConstraint(condition=~models.Q(other_team=models.F("to_team")),
                                   name="escalation_other_team_not_holder"),
            models.CheckConstraint(
                condition=models.Q(requested_spend__isnull=True)
                | models.Q(requested_spend__gte=0),
                name="escalation_requested_spend_not_negative"),
            models.CheckConstraint(
                condition=models.Q(approved_spend__isnull=True)
                | models.Q(approved_spend__gte=0),
                name="escalation_approved_spend_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(state__in=list(workflow.DECIDED)) | ~models.Q(decision=""),
                name="escalation_decision_has_text"),
            models.CheckConstraint(
                condition=models.Q(state__in=list(workflow.ACTIVE))
                | models.Q(resolved_at__isnull=False),
                name="escalation_closed_has_time"),
        ]

    def __str__(self) -> str:
        return f"Escalation #{self.pk}: idea {self.idea_id} to {self.to_team}"

    @property
    def is_cross_team(self) -> bool:
        return bool(self.other_team_id)

    @property
    def is_structured(self) -> bool:
        return bool(self.options or self.recommendation)

    @property
    def is_active(self) -> bool:
        return self.state in workflow.ACTIVE

    @property
    def reason_label(self) -> str:
        """The reason in one word or two (the choice label without its explanation)."""
        return self.get_reason_display().split(" (")[0]

    @property
    def state_css(self) -> str:
        return {self.State.OPEN: "chip-warn", self.State.ACKNOWLEDGED: "chip-brand",
                self.State.RESOLVED: "chip-ok"}.get(self.state, "")

    @property
    def is_decided(self) -> bool:
        return self.state in workflow.DECIDED

    @property
    def sla_due(self):
        """The next deadline on the clock: acknowledge while open, resolve once acknowledged."""
        if self.state == self.State.OPEN:
            return self.due_ack_at
        if self.state == self.State.ACKNOWLEDGED:
            return self.due_resolve_at
        return None

    def sla(self, now=None) -> dict:
        """SLA state for chips: {"code": ok|soon|overdue|met|missed|closed, "label", "css"}."""
        now = now or timezone.now()
        if self.is_active:
            due = self.sla_due
            what = "acknowledge" if self.state == self.State.OPEN else "resolve"
            if due < now:
                return {"code": "overdue", "css": "chip-bad", "due": due,
                        "label": f"{what} overdue"}
            start = self.raised_at if self.state == self.State.OPEN else (
                self.acknowledged_at or self.raised_at)
            window = max((due - start).total_seconds(), 1)
            if (due - now).total_seconds() < window / 4:
                return {"code": "soon", "css": "chip-warn", "due": due, "label": f"{what} soon"}
            return {"code": "ok", "css": "chip-ok", "due": due, "label": f"{what} in time"}
        if self.state in workflow.DECIDED and self.resolved_at:
            if self.resolved_at <= self.due_resolve_at:
                return {"code": "met", "css": "chip-ok", "due": None, "label": "SLA met"}
            return {"code": "missed", "css": "chip-warn", "due": None, "label": "SLA missed"}
        return {"code": "closed", "css": "", "due": None, "label": "passed on"}

    @property
    def is_overdue(self) -> bool:
        return self.is_active and self.sla_due < timezone.now()


class ConflictView(models.Model):
    """One team's view of a cross-team conflict: the origin team's and the other team's, shown
    side by side to the team holding the escalation. Kept on the chain's first step, so it
    follows the conflict when it is escalated further; one view per team, editable while the
    escalation is active."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE,
                                   related_name="conflict_views")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=5000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "team"],
                                    name="conflict_view_one_per_team"),
            models.CheckConstraint(condition=~models.Q(text=""), name="conflict_view_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.team} on escalation #{self.escalation_id}"


class RoutingRule(models.Model):
    """Where an escalation goes, checked in ``order`` before the default (the parent team).

    - ``category``: items of that SQDCP category go to ``to_team`` (e.g. Safety → Quality);
    - ``spend``: a requested spend above the origin tier's authority limit goes to the lowest
      ancestor whose tier limit covers it (no ``to_team``: the tree decides);
    - ``cross_team``: escalations with the cross-team reason go to ``to_team`` (a support team).

    ``from_team`` (optional) limits a rule to that team and the teams below it. A rule only
    ever sends an escalation *up*: at escalation time a target that is not at a higher tier
    than the escalating team is skipped and the next rule (or the parent) applies.
    """

    class Kind(models.TextChoices):
        CATEGORY = "category", "By category"
        SPEND = "spend", "By spend above the authority limit"
        CROSS_TEAM = "cross_team", "Cross-team to a support team"

    order = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers are checked first.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    category = models.CharField(max_length=10, choices=Idea.Category.choices, blank=True,
                                help_text="For category rules.")
    from_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="Only for escalations from this team and the teams below it (blank: any team).")
    to_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="routing_rules",
        help_text="Target team for category and cross-team rules (spend rules climb the tree).")
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="category") | ~models.Q(category=""),
                name="routing_rule_category_named"),
            models.CheckConstraint(
                condition=models.Q(kind="spend", to_team__isnull=True)
                | (~models.Q(kind="spend") & models.Q(to_team__isnull=False)),
                name="routing_rule_target_by_kind"),
        ]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        scope = f" (from {self.from_team} and below)" if self.from_team_id else ""
        if self.kind == self.Kind.CATEGORY:
            return f"{self.get_category_display() or '?'} → {self.to_team}{scope}"
        if self.kind == self.Kind.CROSS_TEAM:
            return f"Cross-team → {self.to_team}{scope}"
        return f"Spend above the authority limit → lowest tier that covers it{scope}"

    def clean(self) -> None:
        errors = self.validation_errors()
        if errors:
            raise ValidationError(errors)

    def validation_errors(self) -> dict[str, list[str]]:
        """What is wrong with the rule (the admin form shows it): {field: [messages]}."""
        errors: dict[str, list[str]] = {}

        def add(name, message):
            errors.setdefault(name, []).append(message)

        kind = self.kind
        teams = Team.objects.select_related("tier")
        target = teams.filter(pk=self.to_team_id).first() if self.to_team_id else None
        source = teams.filter(pk=self.from_team_id).first() if self.from_team_id else None
        if kind == self.Kind.CATEGORY and not self.category:
            add("category", "Choose the category this rule routes.")
        if kind != self.Kind.CATEGORY and self.category:
            add("category", "Only category rules name a category.")
        if kind == self.Kind.SPEND:
            if target is not None:
                add("to_team", "A spend rule has no fixed target: it climbs to the lowest tier "
                               "whose authority limit covers the spend. Leave the team empty.")
            return errors
        if target is None:
            if kind in (self.Kind.CATEGORY, self.Kind.CROSS_TEAM):
                add("to_team", "Choose the team this rule sends escalations to.")
            return errors
        if not target.active:
            add("to_team", f"{target.name} is inactive: a rule cannot route to it.")
        lowest = Tier.objects.order_by("level").values_list("level", flat=True).first()
        if source is None:
            if lowest is not None and target.tier.level <= lowest:
                add("to_team", f"{target.name} is at the lowest tier: a rule to it would route "
                               "sideways or down the tree for every team.")
            return errors
        if source.pk == target.pk:
            add("to_team", "A rule cannot route a team to itself.")
        elif Team.objects.filter(pk=target.pk,
                                 id__in=team_descendant_ids(source.pk)).exists():
            add("to_team", f"{target.name} sits below {source.name}: a rule cannot route down "
                           "the tree.")
        elif target.tier.level <= source.tier.level:
            add("to_team", f"{target.name} (tier {target.tier.level}) is not above "
                           f"{source.name} (tier {source.tier.level}): escalations go up the "
                           "tiers.")
        return errors


class AnswerFeedback(models.Model):
    """Whether the answer helped: the verdict of the team that raised an escalation on its
    decision (resolved or returned), with an optional note. One per decided step; the team
    may change its mind (the latest verdict counts). ``escalation/feedback.py`` writes it."""

    class Rating(models.TextChoices):
        HELPED = "helped", "Helped"
        PARTLY = "partly", "Partly helped"
        NOT_HELPED = "not_helped", "Didn't help"

    escalation = models.OneToOneField(Escalation, on_delete=models.CASCADE,
                                      related_name="feedback")
    rating = models.CharField(max_length=12, choices=Rating.choices)
    note = models.TextField(blank=True, max_length=2000)
    # The team whose verdict it is (the chain's origin team, or the team that raised the step).
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["rated_at"], name="answer_feedback_rated_at_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__in=["helped", "partly",
                                                                  "not_helped"]),
                                   name="answer_feedback_rating_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} — escalation #{self.escalation_id}"

    @property
    def css(self) -> str:
        return {self.Rating.HELPED: "chip-ok", self.Rating.PARTLY: "chip-warn",
                self.Rating.NOT_HELPED: "chip-bad"}[self.rating]
