"""Input and output serializers of the boards, huddles, SQDC and display-link API."""

from rest_framework import serializers

from core.api import IdField, IntegerField
from ideas import workflow
from org.models import Team

from ..models import DONE_WINDOW, REFRESH, WIP, BoardSettings, DisplayLink, Huddle, SqdcDay


class BoardPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    initials = serializers.CharField()


class BoardTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class CardBadgeSerializer(serializers.Serializer):
    label = serializers.CharField()
    title = serializers.CharField(required=False, default="")
    css = serializers.CharField(required=False, default="")


class CardSerializer(serializers.Serializer):
    """A card as the board shows it."""

    id = serializers.IntegerField(source="idea.pk")
    title = serializers.CharField(source="idea.title")
    kind = serializers.CharField(source="idea.kind")
    category = serializers.CharField(source="idea.category")
    status = serializers.CharField(source="idea.status")
    priority = serializers.CharField(source="idea.priority")
    version = serializers.IntegerField(source="idea.version")
    is_private = serializers.BooleanField(source="idea.is_private")
    team = BoardTeamSerializer(source="idea.team")
    owner = BoardPersonSerializer(source="idea.owner", allow_null=True)
    age_days = serializers.IntegerField()
    aging = serializers.BooleanField()
    required_spend = serializers.DecimalField(source="idea.required_spend", max_digits=14,
                                              decimal_places=2, allow_null=True)
    waiting_on_team = BoardTeamSerializer(source="idea.waiting_on_team", allow_null=True)
    decision = serializers.CharField()
    decision_at = serializers.DateTimeField(source="idea.decision_at", allow_null=True)
    badges = CardBadgeSerializer(many=True)
    can_move = serializers.BooleanField()
    allowed_targets = serializers.SerializerMethodField()
    discussed = serializers.BooleanField()

    def get_allowed_targets(self, card) -> list[str]:
        return [status for status, _ in card.targets]


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    drop_status = serializers.CharField(allow_null=True)
    total = serializers.IntegerField(help_text="Cards in the column before filters.")
    wip_limit = serializers.IntegerField(allow_null=True)
    over_limit = serializers.BooleanField()
    cards = CardSerializer(many=True)


class BoardSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = BoardSettings
        fields = ["wip_new", "wip_in_progress", "wip_waiting", "wip_escalated",
                  "done_window_days", "refresh_seconds", "people_enabled", "changed_at"]


def _bounded(bounds, **kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=bounds.low, max_value=bounds.high, required=False,
                                    **kwargs)


class BoardSettingsInputSerializer(serializers.Serializer):
    wip_new = _bounded(WIP, allow_null=True)
    wip_in_progress = _bounded(WIP, allow_null=True)
    wip_waiting = _bounded(WIP, allow_null=True)
    wip_escalated = _bounded(WIP, allow_null=True)
    done_window_days = _bounded(DONE_WINDOW)
    refresh_seconds = _bounded(REFRESH)
    people_enabled = serializers.BooleanField(required=False)


class SqdcLetterSerializer(serializers.Serializer):
    category = serializers.CharField()
    status = serializers.CharField()
    note = serializers.CharField()


class BoardSerializer(serializers.Serializer):
    team = BoardTeamSerializer()
    version = serializers.CharField(help_text="The board version (also the ETag).")
    today = serializers.DateField()
    settings = BoardSettingsSerializer()
    columns = ColumnSerializer(many=True, source="board.columns")
    escalated_to_us = ColumnSerializer(source="board.escalated")
    sqdc = SqdcLetterSerializer(many=True, source="letters")


class BoardListSerializer(serializers.ModelSerializer):
    tier = serializers.IntegerField(source="tier.level")

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "tier"]


class MoveInputSerializer(serializers.Serializer):
    idea = IdField()
    to = serializers.CharField(max_length=20, help_text="The status to move to: " + ", ".join(
        workflow.LABELS) + ".")
    version = IntegerField(min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    learning = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class MoveResultSerializer(serializers.Serializer):
    card = CardSerializer()
    board_version = serializers.CharField()


# ---------------------------------------------------------------- huddles


class HuddleSerializer(serializers.ModelSerializer):
    team = BoardTeamSerializer(read_only=True)
    started_by = BoardPersonSerializer(read_only=True, allow_null=True)
    ended_by = BoardPersonSerializer(read_only=True, allow_null=True)
    attendees = BoardPersonSerializer(many=True, read_only=True)
    guests = serializers.ListField(source="guest_list", child=serializers.CharField(),
                                   read_only=True)
    duration_minutes = serializers.IntegerField(read_only=True, allow_null=True)
    is_open = serializers.BooleanField(read_only=True)
    discussed = serializers.SerializerMethodField()

    class Meta:
        model = Huddle
        fields = ["id", "team", "date", "started_at", "ended_at", "duration_minutes", "is_open",
                  "started_by", "ended_by", "attendees", "guests", "notes", "discussed"]

    def get_discussed(self, huddle) -> list[int]:
        """Ids of the discussed items the caller may see."""
        visible = self.context.get("discussed", {})
        return [idea.pk for idea in visible.get(huddle.pk, [])]


class HuddleStartSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.filter(active=True))


class HuddleUpdateSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    guests = serializers.CharField(required=False, allow_blank=True, max_length=500)


class AttendanceSerializer(serializers.Serializer):
    user = IdField()
    present = serializers.BooleanField(default=True)


class DiscussedSerializer(serializers.Serializer):
    idea = IdField()
    discussed = serializers.BooleanField(default=True)


class HuddleEndSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10000)


# ---------------------------------------------------------------- SQDC

_CATEGORIES = "One of " + ", ".join(SqdcDay.Category.values) + " (people when switched on)."
_STATUSES = "One of " + ", ".join(SqdcDay.Status.values) + "; red needs a note."


class SqdcDaySerializer(serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(read_only=True)
    category = serializers.CharField(read_only=True, help_text=_CATEGORIES)
    status = serializers.CharField(read_only=True, help_text=_STATUSES)
    letter = serializers.CharField(read_only=True)
    set_by = BoardPersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SqdcDay
        fields = ["id", "team", "date", "category", "letter", "status", "note", "set_by",
                  "updated_at"]


class SqdcDayInputSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.filter(active=True))
    date = serializers.DateField()
    category = serializers.CharField(max_length=10, help_text=_CATEGORIES)
    status = serializers.CharField(max_length=6, help_text=_STATUSES)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                 allow_null=True, default=None)


# ---------------------------------------------------------------- display links


class DisplayLinkSerializer(serializers.ModelSerializer):
    team = BoardTeamSerializer(read_only=True)
    state = serializers.SerializerMethodField()
    created_by = BoardPersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DisplayLink
        fields = ["id", "team", "label", "state", "created_by", "created_at", "expires_at",
                  "revoked_at", "last_used_at"]

    def get_state(self, link) -> str:
        return link.state_at(self.context["now"])


class DisplayLinkCreatedSerializer(DisplayLinkSerializer):
    url = serializers.CharField(read_only=True, help_text="Shown only this once.")

    class Meta(DisplayLinkSerializer.Meta):
        fields = [*DisplayLinkSerializer.Meta.fields, "url"]


class DisplayLinkInputSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.filter(active=True))
    label = serializers.CharField(max_length=80)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)

