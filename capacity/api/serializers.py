"""Improvement-time API serializers: input (validate) apart from output (show)."""

from rest_framework import serializers

from core.api import IdField
from ideas.api.serializers import IdeaTeamSerializer
from ideas.models import Idea
from org.api.serializers import UserBriefSerializer

from ..models import TimeEntry


class IdeaBriefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Idea
        fields = ["id", "title", "url"]

    def get_url(self, obj) -> str:
        return f"/ideas/{obj.pk}/"


class TimeEntrySerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    team = IdeaTeamSerializer(read_only=True)
    idea = IdeaBriefSerializer(read_only=True, allow_null=True,
                               help_text="Null for slack: protected time without an item.")
    category_label = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = TimeEntry
        fields = ["id", "idea", "category", "category_label", "user", "team", "date", "hours",
                  "note", "created_at"]


class TimeEntryInputSerializer(serializers.Serializer):
    idea = IdField(required=False, allow_null=True,
                   help_text="The item worked on; leave it out to log slack (with a category).")
    category = serializers.ChoiceField(
        choices=TimeEntry.Category.choices, required=False, allow_blank=True,
        help_text="Slack only (no item): reflection, experimentation, recovery, training or "
                  "standard_work. Time on an item is category item.")
    # Limits are the service's (clear messages for zero, negative and > 24 hours a day).
    hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    date = serializers.DateField(required=False, help_text="Defaults to today.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    team = IdField(required=False,
                   help_text="The team the time counts for (one of yours); defaults to the "
                             "item's team if you are in it (slack: your lowest-tier team).")

    def validate(self, data):
        idea, category = data.get("idea"), data.get("category") or ""
        if idea is None and category in ("", TimeEntry.Category.ITEM):
            raise serializers.ValidationError(
                {"category": ["Without an item, say what the time went on: reflection, "
                              "experimentation, recovery, training or standard_work."]})
        if idea is not None and category not in ("", TimeEntry.Category.ITEM):
            raise serializers.ValidationError(
                {"category": ["Time on an item has no slack category: leave it out, or leave "
                              "out the item."]})
        return data
