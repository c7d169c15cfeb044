"""Input and output of the scorecard API (separate serializers, as everywhere)."""

from rest_framework import serializers

from core.periods import KINDS


class ScorecardPeriodInputSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=KINDS, required=False, default="month")
    # ``from`` is a keyword: the field is named in the query string through ``source``.
    to = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField(required=False, allow_null=True,
                                                    default=None)


class ScorecardTargetSerializer(serializers.Serializer):
    direction = serializers.CharField(allow_null=True, help_text="up or down: which way is "
                                                                 "better; band: healthy "
                                                                 "between green and upper; "
                                                                 "null: no target")
    green = serializers.FloatField(allow_null=True)
    amber = serializers.FloatField(allow_null=True)
    upper = serializers.FloatField(allow_null=True, help_text="The top of a healthy band "
                                                              "(band metrics only).")


class ScorecardMetricSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    group = serializers.CharField(help_text="flow (flow and learning), escalation (escalation "
                                            "as design), activity, or more")
    value = serializers.FloatField(allow_null=True)
    status = serializers.CharField(help_text="ok (green), warn (amber), bad (red) or none")
    target = ScorecardTargetSerializer()
    items_url = serializers.CharField(allow_null=True,
                                      help_text="The page listing the items behind the figure.")


class ScorecardTrendPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.FloatField(allow_null=True)


class ScorecardRowSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="tier or team")
    id = serializers.IntegerField(help_text="The tier's level or the team's id.")
    name = serializers.CharField()
    values = serializers.DictField(child=serializers.FloatField(allow_null=True))
    status = serializers.DictField(child=serializers.CharField())


class ScorecardScopeSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="org, tier or team")
    id = serializers.IntegerField()
    name = serializers.CharField()
    tier = serializers.IntegerField(allow_null=True)


class ScorecardGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    metrics = serializers.ListField(child=serializers.CharField(),
                                    help_text="The metric keys of the group, in reading order.")


class ScorecardSerializer(serializers.Serializer):
    scope = ScorecardScopeSerializer()
    period = serializers.DictField()
    source = serializers.CharField(help_text="snapshot: read from the nightly snapshot; "
                                             "live: computed on request.")
    metrics = ScorecardMetricSerializer(many=True, help_text="In reading order: flow and "
                                                             "learning first, activity after.")
    groups = ScorecardGroupSerializer(many=True)
    values = serializers.DictField(help_text="Every figure of the scope, with the parts "
                                             "behind the rates (members, scheduled huddles…).")
    rows = ScorecardRowSerializer(many=True, help_text="Tiers (organisation) or teams (tier, team).")
    trend = serializers.DictField(child=ScorecardTrendPointSerializer(many=True),
                                  help_text="Per metric, the figure of the same window on each "
                                            "snapshot day (at most 60 points).")
