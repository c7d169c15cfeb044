"""Output serializers (ModelSerializer) and separate input serializers for escalations."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import IdField
from org.api.serializers import UserBriefSerializer

from ..models import MAX_SPEND, AnswerFeedback, Escalation

SPEND_ERRORS = {
    "min_value": "A spend cannot be negative.",
    "max_value": "That is not a realistic spend (at most 1,000,000,000).",
    "invalid": "Enter an amount of money, e.g. 2500.",
    "max_decimal_places": "Use at most two decimal places.",
    "max_digits": "That is not a realistic spend (at most 1,000,000,000).",
}


def spend_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), max_value=MAX_SPEND,
        required=False, allow_null=True, error_messages=SPEND_ERRORS, **kwargs)


class EscalationTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    tier_level = serializers.IntegerField(source="tier.level")


class EscalationIdeaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    category = serializers.CharField()
    required_spend = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    team = serializers.IntegerField(source="team_id")


class AnswerFeedbackSerializer(serializers.Serializer):
    """Whether the answer helped, as the raising team said (null until it says)."""

    rating = serializers.ChoiceField(choices=AnswerFeedback.Rating.choices)
    note = serializers.CharField()
    team = serializers.IntegerField(source="team_id")
    rated_by = UserBriefSerializer()
    rated_at = serializers.DateTimeField()


class EscalationSerializer(serializers.ModelSerializer):
    idea = EscalationIdeaSerializer(read_only=True)
    from_team = EscalationTeamSerializer(read_only=True)
    to_team = EscalationTeamSerializer(read_only=True)
    other_team = EscalationTeamSerializer(read_only=True, allow_null=True)
    raised_by = UserBriefSerializer(read_only=True)
    acknowledged_by = UserBriefSerializer(read_only=True, allow_null=True)
    resolved_by = UserBriefSerializer(read_only=True, allow_null=True)
    sla = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)
    feedback = serializers.SerializerMethodField()

    class Meta:
        model = Escalation
        fields = [
            "id", "idea", "from_team", "to_team", "other_team", "parent", "reason", "ask",
            "options", "recommendation", "requested_spend", "route_note", "state", "raised_by", "raised_at", "acknowledged_by",
            "acknowledged_at", "resolved_by", "resolved_at", "decision", "approved_spend",
            "due_ack_at", "due_resolve_at", "stalled_at", "sla", "is_overdue", "feedback",
        ]

    @extend_schema_field(AnswerFeedbackSerializer(allow_null=True))
    def get_feedback(self, obj) -> dict | None:
        feedback = getattr(obj, "feedback", None)
        return AnswerFeedbackSerializer(feedback).data if feedback else None

    def get_sla(self, obj) -> dict:
        sla = obj.sla()
        return {"code": sla["code"], "label": sla["label"],
                "due": sla["due"].isoformat() if sla["due"] else None}


class ConflictViewSerializer(serializers.Serializer):
    team = EscalationTeamSerializer()
    text = serializers.CharField(allow_null=True)
    author = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class EscalationDetailSerializer(EscalationSerializer):
    chain = serializers.SerializerMethodField()
    views = serializers.SerializerMethodField()

    class Meta(EscalationSerializer.Meta):
        fields = EscalationSerializer.Meta.fields + ["chain", "views"]

    def get_views(self, obj) -> list[dict]:
        """Cross-team conflicts: the origin team's and the other team's views (null text when a
        team has not given one yet). Empty for other escalations."""
        out = []
        for side in getattr(obj, "views", []):
            view = side["view"]
            out.append({
                "team": EscalationTeamSerializer(side["team"]).data,
                "text": view.text if view else None,
                "author": view.author.name if view else None,
                "updated_at": view.updated_at.isoformat() if view else None,
            })
        return out

    def get_chain(self, obj) -> list[dict]:
        return [
            {"id": s.pk, "from_team": s.from_team.name, "to_team": s.to_team.name,
             "tier_level": s.to_team.tier.level, "state": s.state,
             "raised_by": s.raised_by.name, "raised_at": s.raised_at.isoformat(),
             "acknowledged_by": s.acknowledged_by.name if s.acknowledged_by_id else None,
             "acknowledged_at": s.acknowledged_at.isoformat() if s.acknowledged_at else None,
             "resolved_by": s.resolved_by.name if s.resolved_by_id else None,
             "resolved_at": s.resolved_at.isoformat() if s.resolved_at else None,
             "decision": s.decision}
            for s in getattr(obj, "chain", [obj])
        ]


class EscalateInputSerializer(serializers.Serializer):
    """Raise (or, with ``preview``, only route) an escalation. The ask is required to raise."""

    reason = serializers.ChoiceField(choices=Escalation.Reason.choices, required=False,
                                     allow_blank=True)
    ask = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    requested_spend = spend_field()
    other_team = IdField(
        required=False, allow_null=True,
        help_text="Required with the cross_team reason: the other team in the conflict.")
    options = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                    help_text="Options considered; required at the top tier.")
    recommendation = serializers.CharField(
        required=False, allow_blank=True, max_length=5000,
        help_text="The escalating team's recommendation; required at the top tier.")
    preview = serializers.BooleanField(required=False, default=False)
    expected_to_team = IdField(required=False, allow_null=True)


class ConflictViewInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    team = IdField(required=False, allow_null=True,
                   help_text="Which team's view, when you belong to both.")


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AnswerFeedbackInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=AnswerFeedback.Rating.choices,
                                     help_text="helped, partly or not_helped")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ResolveInputSerializer(DecisionInputSerializer):
    approved_spend = spend_field()


class EscalationRouteSerializer(serializers.Serializer):
    """The shape of a routing preview (documentation for the schema)."""

    preview = serializers.BooleanField()
    route = serializers.DictField()
