"""Experiments API serializers: input (validate) apart from output (show)."""

from rest_framework import serializers

from core.api import IdField
from strategy.api.common import person
from strategy.models import KPI

from ..models import Experiment


class ExperimentSerializer(serializers.ModelSerializer):
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Experiment
        fields = ["id", "idea", "hypothesis", "signal", "kpi", "start", "end", "evidence",
                  "decision", "learning", "decided_by", "decided_at", "created_at"]

    def get_decided_by(self, exp) -> dict | None:
        return person(exp.decided_by)


class ExperimentInputSerializer(serializers.Serializer):
    idea = IdField()
    hypothesis = serializers.CharField(max_length=2000)
    signal = serializers.CharField(max_length=300)
    kpi = serializers.PrimaryKeyRelatedField(queryset=KPI.objects.all(), required=False,
                                             allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True)
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    learning = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class DecideInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Experiment.Decision.choices)
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    learning = serializers.CharField(max_length=5000, required=False, allow_blank=True)
