"""Output serializers (ModelSerializer, read-only) and input serializers (plain) for strategy.
Writes go through strategy.services; these only shape and validate."""

from decimal import Decimal

from rest_framework import serializers

from core.api import IdField
from ideas.models import Idea
from org.api.serializers import TeamBriefSerializer
from org.models import Team

from .. import models
from ..clarity import clarity_gaps
from ..kpi import kpi_notes, kpi_warnings

NUMBER = dict(max_digits=16, decimal_places=4)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# ---------------------------------------------------------------- objectives and goals


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.AnnualGoal
        fields = ["id", "objective", "year", "title", "measure"]


class ObjectiveSerializer(serializers.ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = models.Objective
        fields = ["id", "title", "description", "horizon_year", "position", "goals"]


class ObjectiveInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    horizon_year = serializers.IntegerField(min_value=2000, max_value=2100)
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class GoalInputSerializer(serializers.Serializer):
    objective = serializers.PrimaryKeyRelatedField(queryset=models.Objective.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200)
    measure = serializers.CharField(max_length=300, required=False, allow_blank=True)


# ---------------------------------------------------------------- priorities


class KPIBriefSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = models.KPI
        fields = ["id", "name", "unit", "target", "direction", "status"]

    def get_status(self, kpi) -> str:
        status = getattr(kpi, "status", None)
        return status.code if status else "no_data"


class DeploymentBriefSerializer(serializers.ModelSerializer):
    team = TeamBriefSerializer(read_only=True)

    class Meta:
        model = models.Deployment
        fields = ["id", "team", "parent", "state", "round"]


class PrioritySerializer(serializers.ModelSerializer):
    owner_team = TeamBriefSerializer(read_only=True)
    goal_title = serializers.CharField(source="goal.title", read_only=True)
    objective = serializers.IntegerField(source="goal.objective_id", read_only=True)
    kpis = KPIBriefSerializer(many=True, read_only=True)
    deployments = DeploymentBriefSerializer(many=True, read_only=True)
    figures = serializers.SerializerMethodField()
    alignment = serializers.SerializerMethodField()
    resources = serializers.SerializerMethodField()
    clarity = serializers.SerializerMethodField()

    class Meta:
        model = models.Priority
        fields = ["id", "goal", "goal_title", "objective", "title", "why_now", "owner_team",
                  "start", "end", "status", "closed_on", "closing_note", "success_criteria",
                  "review_by", "clarity", "allocated_hours", "allocated_budget", "resources",
                  "kpis", "deployments", "figures", "alignment"]

    def get_clarity(self, priority) -> dict:
        """Whether it can be deployed: ``missing`` maps what it lacks to what to do."""
        gaps = clarity_gaps(priority)
        return {"clear": not gaps, "missing": gaps}

    def get_resources(self, priority) -> dict | None:
        r = self.context.get("resources", {}).get(priority.pk)
        if r is None:
            return None
        return {"allocated_hours": r["allocated_hours"] and str(r["allocated_hours"]),
                "used_hours": str(r["used_hours"]),
                "allocated_budget": r["allocated_budget"] and str(r["allocated_budget"]),
                "used_budget": str(r["used_budget"]),
                "hours_share": r["hours_share"], "budget_share": r["budget_share"]}

    def get_figures(self, priority) -> dict:
        f = self.context["figures"][priority.pk]
        return {"linked": f["linked"], "done": f["done"], "by_state": f["by_state"],
                "actual_money_per_year": str(f["actual_money_per_year"]),
                "actual_hours_per_year": str(f["actual_hours_per_year"])}

    def get_alignment(self, priority) -> dict:
        return self.context["alignment"][priority.pk]


class PriorityInputSerializer(serializers.Serializer):
    goal = serializers.PrimaryKeyRelatedField(queryset=models.AnnualGoal.objects.all())
    title = serializers.CharField(max_length=200)
    why_now = serializers.CharField(max_length=2000)
    owner_team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    start = serializers.DateField()
    end = serializers.DateField()
    success_criteria = serializers.CharField(max_length=3000, required=False, allow_blank=True)
    allocated_hours = serializers.DecimalField(max_digits=10, decimal_places=1, min_value=0,
                                               required=False, allow_null=True)
    allocated_budget = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                                                required=False, allow_null=True)
    review_by = serializers.DateField(
        required=False, allow_null=True,
        help_text="When the owner team reviews it (default: a quarter ahead).")
    cause = serializers.CharField(
        max_length=2000, required=False, allow_blank=True,
        help_text="Required outside a planning window: why the change cannot wait.")


class CloseInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    cause = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CauseInputSerializer(serializers.Serializer):
    cause = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PriorityLinkInputSerializer(serializers.Serializer):
    idea = IdField()


class DeployInputSerializer(serializers.Serializer):
    teams = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), many=True,
                                               allow_empty=False)
    ask = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class LinkedIdeaSerializer(serializers.ModelSerializer):
    team = TeamBriefSerializer(read_only=True)

    class Meta:
        model = Idea
        fields = ["id", "title", "status", "category", "team", "actual_money_per_year",
                  "actual_hours_per_year", "created_at"]


# ---------------------------------------------------------------- KPIs


class ReadingSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = models.KPIReading
        fields = ["id", "kpi", "date", "value", "note", "recorded_by", "created_at"]

    def get_recorded_by(self, reading) -> dict | None:
        user = reading.recorded_by
        return {"id": user.pk, "name": user.name} if user else None


class KPISerializer(serializers.ModelSerializer):
    owner_team = TeamBriefSerializer(read_only=True)
    latest = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()

    class Meta:
        model = models.KPI
        fields = ["id", "priority", "name", "unit", "baseline", "target", "direction",
                  "owner_team", "review_frequency", "latest", "status", "warnings", "notes"]

    def get_latest(self, kpi) -> dict | None:
        latest = getattr(kpi, "latest", None)
        return {"date": latest.date, "value": str(latest.value)} if latest else None

    def get_status(self, kpi) -> dict:
        s = kpi.status
        return {"code": s.code, "label": s.label, "target_met": s.target_met,
                "planned": str(s.planned.quantize(Decimal("0.0001")))
                if s.planned is not None else None}

    def get_warnings(self, kpi) -> list[str]:
        return kpi_warnings(direction=kpi.direction, baseline=kpi.baseline, target=kpi.target)

    def get_notes(self, kpi) -> list[str]:
        return kpi_notes(direction=kpi.direction, baseline=kpi.baseline, target=kpi.target)


class KPIInputSerializer(serializers.Serializer):
    priority = serializers.PrimaryKeyRelatedField(queryset=models.Priority.objects.all())
    name = serializers.CharField(max_length=120)
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True)
    baseline = serializers.DecimalField(**NUMBER)
    target = serializers.DecimalField(**NUMBER)
    direction = serializers.ChoiceField(choices=models.KPI.Direction.choices)
    owner_team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    review_frequency = serializers.ChoiceField(choices=models.KPI.Frequency.choices, required=False)


class ReadingInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.DecimalField(**NUMBER)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


# ---------------------------------------------------------------- constraints


class ConstraintSerializer(serializers.ModelSerializer):
    team = TeamBriefSerializer(read_only=True)
    set_by = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField()

    class Meta:
        model = models.Constraint
        fields = ["id", "statement", "detail", "team", "start", "end", "review_by", "set_by",
                  "active", "created_at"]

    def get_set_by(self, constraint) -> dict | None:
        user = constraint.set_by
        return {"id": user.pk, "name": user.name} if user else None

    def get_active(self, constraint) -> bool:
        return constraint.is_active_on(self.context["today"])


class ConstraintInputSerializer(serializers.Serializer):
    statement = serializers.CharField(max_length=300)
    detail = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), allow_null=True,
                                              required=False)
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True, required=False)
    review_by = serializers.DateField(
        required=False, allow_null=True,
        help_text="When whoever set it reviews it (default: a quarter ahead).")
    cause = serializers.CharField(
        max_length=2000, required=False, allow_blank=True,
        help_text="Required outside a planning window: why the change cannot wait.")


# ---------------------------------------------------------------- deployments


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = models.DeploymentComment
        fields = ["id", "kind", "text", "round", "author", "created_at"]

    def get_author(self, comment) -> dict | None:
        user = comment.author
        return {"id": user.pk, "name": user.name} if user else None


class DeploymentSerializer(serializers.ModelSerializer):
    team = TeamBriefSerializer(read_only=True)
    priority_title = serializers.CharField(source="priority.title", read_only=True)
    proposed_by = serializers.SerializerMethodField()
    answered_by = serializers.SerializerMethodField()
    comments = CommentSerializer(many=True, read_only=True)

    class Meta:
        model = models.Deployment
        fields = ["id", "priority", "priority_title", "team", "parent", "state", "ask", "round",
                  "proposed_by", "proposed_at", "answered_by", "answered_at", "comments"]

    def get_proposed_by(self, d) -> dict | None:
        return {"id": d.proposed_by.pk, "name": d.proposed_by.name} if d.proposed_by else None

    def get_answered_by(self, d) -> dict | None:
        return {"id": d.answered_by.pk, "name": d.answered_by.name} if d.answered_by else None


class DeploymentInputSerializer(serializers.Serializer):
    priority = serializers.PrimaryKeyRelatedField(queryset=models.Priority.objects.all())
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    ask = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CascadeInputSerializer(serializers.Serializer):
    teams = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), many=True, allow_empty=False,
        help_text="Child teams of the team that accepted the deployment.")
    ask = serializers.CharField(max_length=2000,
                                help_text="What you ask of these teams (required).")


class AnswerInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReviseInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000)
    ask = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class IdeaPriorityOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    why_now = serializers.CharField()
    status = serializers.CharField()
    linked_at = serializers.DateTimeField()


class IdeaPrioritiesInputSerializer(serializers.Serializer):
    priorities = serializers.ListField(child=IdField(),
                                       allow_empty=True, max_length=50)
