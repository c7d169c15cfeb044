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
    idea = IdeaBriefSerializer(read_only=True)

    class Meta:
        model = TimeEntry
        fields = ["id", "idea", "user", "team", "date", "hours", "note", "created_at"]


class TimeEntryInputSerializer(serializers.Serializer):
    idea = IdField()
    # Limits are the service's (clear messages for zero, negative and > 24 hours a day).
    hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    date = serializers.DateField(required=False, help_text="Defaults to today.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    team = IdField(required=False,
                   help_text="The team the time counts for (one of yours); "
                             "defaults to the item's team if you are in it.")
