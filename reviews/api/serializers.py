"""Review API serializers: input (validate) apart from output (show)."""

from rest_framework import serializers

from core.api import IdField
from org.models import Team, Tier
from strategy.api.common import person

from ..models import Review, ReviewFocus


class FocusSerializer(serializers.ModelSerializer):
    idea = serializers.SerializerMethodField()
    systemic_issue = serializers.SerializerMethodField()

    class Meta:
        model = ReviewFocus
        fields = ["id", "idea", "systemic_issue", "note"]

    def get_idea(self, focus) -> dict | None:
        if not focus.idea_id:
            return None
        if not getattr(focus, "visible", True):
            return {"id": None, "title": "A private item"}
        return {"id": focus.idea_id, "title": focus.idea.title, "status": focus.idea.status}

    def get_systemic_issue(self, focus) -> dict | None:
        s = focus.systemic_issue
        return {"id": s.pk, "title": s.title} if s else None


class ReviewSerializer(serializers.ModelSerializer):
    focus_areas = FocusSerializer(many=True, read_only=True)
    held_by = serializers.SerializerMethodField()
    tier_level = serializers.IntegerField(source="tier.level", read_only=True, default=None)

    class Meta:
        model = Review
        fields = ["id", "team", "tier", "tier_level", "held_on", "period_start", "assessment",
                  "notes", "held_by", "focus_areas", "created_at"]

    def get_held_by(self, review) -> dict | None:
        return person(review.held_by)


class ReviewInputSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False,
                                              allow_null=True)
    tier = serializers.SlugRelatedField(slug_field="level", queryset=Tier.objects.all(),
                                        required=False, allow_null=True,
                                        help_text="The tier's level, for a tier review.")
    held_on = serializers.DateField()
    assessment = serializers.CharField(max_length=5000)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    focus_ideas = serializers.ListField(child=IdField(),
                                        required=False, max_length=50)
    focus_issues = serializers.ListField(child=IdField(),
                                         required=False, max_length=50)
    focus_notes = serializers.ListField(child=serializers.CharField(max_length=300),
                                        required=False, max_length=20)
