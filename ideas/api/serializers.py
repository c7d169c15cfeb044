"""Idea API: separate input serializers (validate) and output serializers (show)."""

from rest_framework import serializers

from core.api import IntegerField
from org.api.serializers import TeamBriefSerializer, UserBriefSerializer
from org.models import Team, User

from .. import workflow
from ..anonymity import is_reporter
from ..models import MAX_HOURS, MAX_MONEY, Attachment, Comment, Idea, LearningMark
from ..permissions import can_edit, can_transition


class IdeaTeamSerializer(TeamBriefSerializer):
    pass  # an item's team: the same fields, its own IdeaTeam component in the schema


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    uploaded_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "kind", "content_type", "size", "width", "height",
                  "uploaded_by", "created_at", "url", "thumbnail_url"]

    def get_url(self, obj) -> str:
        return f"/ideas/{obj.idea_id}/attachments/{obj.pk}/"

    def get_thumbnail_url(self, obj) -> str | None:
        return f"/ideas/{obj.idea_id}/attachments/{obj.pk}/thumb/" if obj.thumbnail else None


class IdeaSerializer(serializers.ModelSerializer):
    team = IdeaTeamSerializer(read_only=True)
    reporter = UserBriefSerializer(read_only=True)
    owner = UserBriefSerializer(read_only=True)
    learning_by = UserBriefSerializer(read_only=True)
    waiting_on_team = IdeaTeamSerializer(read_only=True)
    labels = serializers.SerializerMethodField()
    comment_count = serializers.IntegerField(read_only=True, default=0)
    attachment_count = serializers.IntegerField(read_only=True, default=0)
    url = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    raised_by_me = serializers.SerializerMethodField(
        help_text="You reported this item (named or anonymously); only you see it.")

    class Meta:
        model = Idea
        fields = [
            "id", "url", "kind", "title", "description", "status", "status_reason", "team",
            "reporter", "owner", "category", "priority", "problem_statement", "root_cause",
            "countermeasure", "result", "learning", "learning_by", "learning_expected",
            "learning_happened", "learning_next_time", "learning_marks",
            "estimated_money_per_year", "estimated_hours_per_year", "estimated_benefit",
            "actual_money_per_year", "actual_hours_per_year", "actual_benefit",
            "required_spend", "due_date", "is_private", "labels", "level", "change_kind",
            "waiting_on_team", "decision_note", "decision_at", "created_at", "updated_at",
            "last_activity_at", "status_changed_at", "started_at", "done_at",
            "aging_flagged_at", "version", "comment_count", "attachment_count",
            "allowed_transitions", "can_edit", "is_anonymous", "raised_by_me",
        ]

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_labels(self, obj) -> list[str]:
        return [label.name for label in obj.labels.all()]

    def get_url(self, obj) -> str:
        return f"/ideas/{obj.pk}/"

    def get_allowed_transitions(self, obj) -> list[str]:
        user = self._user()
        if user is None or not can_transition(user, obj):
            return []
        return list(workflow.allowed_targets(obj.status))

    def get_can_edit(self, obj) -> bool:
        user = self._user()
        return bool(user and can_edit(user, obj))

    def get_raised_by_me(self, obj) -> bool:
        user = self._user()
        return bool(user and is_reporter(user, obj))


class IdeaDetailSerializer(IdeaSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)
    watchers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(IdeaSerializer.Meta):
        fields = IdeaSerializer.Meta.fields + ["attachments", "watchers"]


def _money(**kw):
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                                    max_value=MAX_MONEY, required=False, allow_null=True, **kw)


def _hours(**kw):
    return serializers.DecimalField(max_digits=10, decimal_places=1, min_value=0,
                                    max_value=MAX_HOURS, required=False, allow_null=True, **kw)


def _text(max_length=10000):
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length,
                                 trim_whitespace=True)


class IdeaInputSerializer(serializers.Serializer):
    """Create (title, category and team required) and update (everything optional)."""

    kind = serializers.ChoiceField(choices=Idea.Kind.choices, required=False)
    title = serializers.CharField(max_length=200)
    description = _text()
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    category = serializers.ChoiceField(choices=Idea.Category.choices)
    priority = serializers.ChoiceField(choices=Idea.Priority.choices, required=False)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False,
                                               allow_null=True)
    problem_statement = _text()
    root_cause = _text()
    countermeasure = _text()
    result = _text()
    estimated_money_per_year = _money()
    estimated_hours_per_year = _hours()
    estimated_benefit = _text(5000)
    actual_money_per_year = _money()
    actual_hours_per_year = _hours()
    actual_benefit = _text(5000)
    required_spend = _money()
    due_date = serializers.DateField(required=False, allow_null=True)
    is_private = serializers.BooleanField(required=False)
    anonymous = serializers.BooleanField(
        required=False, help_text="Create only: raise the item without your name (when the "
                                  "organisation offers it). 400 when it does not.")
    level = serializers.ChoiceField(choices=Idea.Level.choices, required=False)
    change_kind = serializers.ChoiceField(choices=Idea.ChangeKind.choices, required=False,
                                          allow_blank=True)
    labels = serializers.ListField(child=serializers.CharField(max_length=40), required=False,
                                   max_length=8)
    version = IntegerField(required=False, min_value=1,
                           help_text="The version you edited; a stale one is 409.")

    def validate(self, attrs):
        # A system change says what it changes; a partial edit may rely on the stored one.
        missing = not attrs.get("change_kind") and ("change_kind" in attrs or not self.partial)
        if attrs.get("level") == Idea.Level.SYSTEM and missing:
            raise serializers.ValidationError(
                {"change_kind": ["Say what this system change changes."]})
        return attrs


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Idea.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    learning = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    learning_expected = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    learning_happened = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    learning_next_time = serializers.CharField(required=False, allow_blank=True,
                                               max_length=5000)
    version = IntegerField(required=False, min_value=1)
    result = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    actual_money_per_year = _money()
    actual_hours_per_year = _hours()
    actual_benefit = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class IdeaCommentSerializer(serializers.ModelSerializer):
    author = UserBriefSerializer(read_only=True)
    mentions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "idea", "author", "text", "mentions", "created_at"]


class IdeaCommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=Comment.MAX_LENGTH)


class LearningMarkSerializer(serializers.ModelSerializer):
    team = IdeaTeamSerializer(read_only=True)
    marked_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = LearningMark
        fields = ["id", "idea", "kind", "team", "note", "marked_by", "created_at"]


class LearningMarkInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LearningMark.Kind.choices)
    team = IntegerField(required=False, allow_null=True, min_value=1,
                        help_text="The team on whose behalf (needed when you lead several).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
