"""Systemic-issue API serializers: input (validate) apart from output (show)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import IdField
from ideas.api.serializers import IdeaTeamSerializer
from ideas.models import Idea
from org.api.serializers import UserBriefSerializer
from org.models import Team

from ..models import SystemicIssue


class TrendPointSerializer(serializers.Serializer):
    month = serializers.DateField()
    count = serializers.IntegerField()


class TrackingEscalationSerializer(serializers.Serializer):
    """The latest escalation step of an issue's tracking item (the open one while escalated)."""

    id = serializers.IntegerField()
    state = serializers.CharField(help_text="open, acknowledged, resolved, returned or escalated")
    state_label = serializers.CharField()
    active = serializers.BooleanField(help_text="true while the escalation is open or "
                                                "acknowledged")
    to_team = IdeaTeamSerializer()
    raised_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return f"/escalations/{obj['id']}/"


class SystemicIssueSerializer(serializers.ModelSerializer):
    owner_team = IdeaTeamSerializer(read_only=True)
    created_by = UserBriefSerializer(read_only=True)
    problem_count = serializers.IntegerField(read_only=True)
    team_count = serializers.IntegerField(read_only=True, help_text=(
        "Teams among the linked problems you may see."))
    trend = serializers.CharField(read_only=True, help_text="falling, rising or steady")
    series = TrendPointSerializer(many=True, read_only=True,
                                  help_text="Linked problems per month, last 12 months.")
    tracking_idea = serializers.SerializerMethodField(help_text=(
        "Id of the system-level item that carries the work (null when there is none or it is "
        "a private item you may not see)."))
    tracking_escalation = serializers.SerializerMethodField(help_text=(
        "The tracking item's latest escalation step (null when never escalated or hidden)."))
    url = serializers.SerializerMethodField()

    class Meta:
        model = SystemicIssue
        fields = ["id", "url", "title", "statement", "category", "status", "owner_team",
                  "created_by", "created_at", "updated_at", "tracking_idea",
                  "tracking_escalation", "problem_count", "team_count", "trend", "series"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return f"/systemic-issues/{obj.pk}/"

    # The view sets ``tracking_visible`` and ``tracking_escalation`` on each issue (see
    # ``with_tracking`` in api/views.py): constant queries for a page of issues.
    def get_tracking_idea(self, obj) -> int | None:
        return obj.tracking_idea_id if getattr(obj, "tracking_visible", False) else None

    @extend_schema_field(TrackingEscalationSerializer(allow_null=True))
    def get_tracking_escalation(self, obj) -> dict | None:
        state = getattr(obj, "tracking_escalation", None)
        if state is None or not getattr(obj, "tracking_visible", False):
            return None
        return TrackingEscalationSerializer(state).data


class LinkedProblemSerializer(serializers.Serializer):
    """A linked problem; for an item you may not see only ``private: true`` and when it was
    linked — no id, title or team."""

    id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    team = IdeaTeamSerializer(allow_null=True)
    status = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)
    linked_at = serializers.DateTimeField()
    private = serializers.BooleanField()

    def to_representation(self, p):
        if p.hidden:
            return {"id": None, "title": "Private item", "team": None, "status": None,
                    "created_at": None, "linked_at": p.link.linked_at, "private": True}
        idea = p.idea
        return {"id": idea.pk, "title": idea.title,
                "team": IdeaTeamSerializer(idea.team).data, "status": idea.status,
                "created_at": idea.created_at, "linked_at": p.link.linked_at,
                "private": idea.is_private}


class SystemicIssueDetailSerializer(SystemicIssueSerializer):
    problems = serializers.SerializerMethodField()

    class Meta(SystemicIssueSerializer.Meta):
        fields = SystemicIssueSerializer.Meta.fields + ["problems"]

    def get_problems(self, obj) -> list[dict]:
        return LinkedProblemSerializer(getattr(obj, "problem_rows", []), many=True).data


class SystemicIssueInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    statement = serializers.CharField(max_length=10000)
    category = serializers.ChoiceField(choices=Idea.Category.choices)
    owner_team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.filter(active=True))
    status = serializers.ChoiceField(choices=SystemicIssue.Status.choices, required=False)
    problems = serializers.ListField(child=IdField(),
                                     required=False, max_length=100,
                                     help_text="Item ids to link (create only).")


class LinkInputSerializer(serializers.Serializer):
    ideas = serializers.ListField(child=IdField(), min_length=1,
                                  max_length=100)


class UnlinkInputSerializer(serializers.Serializer):
    idea = IdField()


class SuggestionSerializer(serializers.ModelSerializer):
    team = IdeaTeamSerializer(read_only=True)
    similarity = serializers.FloatField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Idea
        fields = ["id", "url", "title", "team", "category", "status", "created_at",
                  "is_private", "similarity"]

    def get_url(self, obj) -> str:
        return f"/ideas/{obj.pk}/"


class SuggestionsSerializer(serializers.Serializer):
    teams = serializers.IntegerField(help_text="Teams among the similar problems.")
    recurring = serializers.BooleanField(help_text="Similar problems recur in one team within "
                                                   "90 days.")
    systemic = serializers.BooleanField(help_text="Two or more teams, or recurring.")
    items = SuggestionSerializer(many=True)


class SuggestQuerySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Idea.Category.choices, required=False,
                                       allow_blank=True)
