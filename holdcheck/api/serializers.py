"""Input and output of the "did it hold?" API (separate serializers, as everywhere)."""

from rest_framework import serializers

from ..models import HoldCheck
from ..services import NOTE_MAX


class HoldCheckInputSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=HoldCheck.Answer.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX,
                                 default="")


class HoldCheckSerializer(serializers.ModelSerializer):
    pending = serializers.BooleanField(read_only=True)
    answered_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = HoldCheck
        fields = ["id", "idea", "done_at", "due_on", "asked_at", "pending", "answer", "note",
                  "kpi_readings", "answered_by", "answered_at", "outcome", "systemic_issue"]
        read_only_fields = fields
