"""Output of /api/v1/scorecards/executive/ (documented in the OpenAPI schema)."""

from rest_framework import serializers


class ExecutiveFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(help_text="share (0–1), count or hours")
    value = serializers.FloatField(allow_null=True)
    help = serializers.CharField(help_text="What the figure counts, in one line.")
    url = serializers.CharField(help_text="The page listing what is behind the figure.")
    trend = serializers.ListField(
        child=serializers.DictField(), help_text="[{date, value}] from the nightly snapshots, "
                                                 "oldest first.")


class ExecutiveShortfallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    lacks = serializers.ListField(child=serializers.CharField(),
                                  help_text="success criteria, a KPI, an owner team, a why-now")


class ExecutiveCycleSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    changes = serializers.IntegerField()
    churn = serializers.IntegerField(help_text="Changes outside a planning window.")


class ExecutiveIssueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    owner_team = serializers.CharField()
    problems = serializers.IntegerField()
    trend = serializers.CharField(help_text="falling, rising or steady")
    per_month = serializers.ListField(child=serializers.DictField(),
                                      help_text="[{month, count}] linked problems per month.")


class ExecutiveCapacityTierSerializer(serializers.Serializer):
    tier = serializers.IntegerField()
    name = serializers.CharField()
    teams = serializers.IntegerField()
    with_capacity = serializers.IntegerField()
    protected = serializers.FloatField()
    used = serializers.FloatField()
    share = serializers.FloatField(allow_null=True)
    sacrificing = serializers.IntegerField()
    slack = serializers.FloatField(help_text="Hours of the used logged without an item.")
    sacrificed = serializers.FloatField(help_text="Protected hours that went back to delivery.")


class ExecutiveScorecardSerializer(serializers.Serializer):
    period = serializers.DictField()
    figures = ExecutiveFigureSerializer(many=True)
    values = serializers.DictField(child=serializers.FloatField(allow_null=True),
                                   help_text="Every executive figure by key (as in the CSV).")
    clarity = serializers.DictField(help_text="total, clear, with_criteria, with_kpis, "
                                              "with_owner, with_why_now, share")
    shortfalls = ExecutiveShortfallSerializer(many=True)
    stability = serializers.DictField(help_text="changes, churn, priority_churn, "
                                                "constraint_churn, outside_share")
    cycles = ExecutiveCycleSerializer(many=True)
    coverage = serializers.DictField(help_text="teams, covered, share, uncovered (team ids)")
    decisions = serializers.DictField(help_text="received, decided, resolved, returned, open, "
                                                "median_hours_to_decide, share_resolved, "
                                                "share_returned")
    systemic_issues = ExecutiveIssueSerializer(many=True)
    capacity = serializers.DictField(help_text="protected, used (hours), share, teams, "
                                               "with_capacity, sacrificing, slack (hours "
                                               "without an item), sacrificed (hours back to "
                                               "delivery)")
    capacity_tiers = ExecutiveCapacityTierSerializer(many=True)
