"""Standards API serializers: input (validate) apart from output (show)."""

from rest_framework import serializers

from core.api import IdField
from strategy.api.common import person

from ..models import Standard, StandardComment, StandardProposal, StandardVersion


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StandardVersion
        fields = ["id", "number", "body", "change_note", "idea", "created_at"]


class StandardSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    owner_team = serializers.IntegerField(source="owner_team_id", read_only=True)
    pending = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Standard
        fields = ["id", "title", "summary", "owner_team", "owner", "review_date",
                  "current_version", "pending", "updated_at"]

    def get_owner(self, standard) -> dict | None:
        return person(standard.owner)


class StandardDetailSerializer(StandardSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(StandardSerializer.Meta):
        fields = StandardSerializer.Meta.fields + ["versions"]

    def get_versions(self, standard) -> list[dict]:
        out = []
        for v in standard.versions.all():
            data = VersionSerializer(v).data
            if v.idea_id and not getattr(v, "idea_visible", False):
                data["idea"] = None
            out.append(data)
        return out


class StandardInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    review_date = serializers.DateField()
    body = serializers.CharField(max_length=20000)


class StandardCardInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    review_date = serializers.DateField(required=False)


class StandardReviseInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    change_note = serializers.CharField(max_length=500)


class ProposalSerializer(serializers.ModelSerializer):
    idea = serializers.SerializerMethodField()
    proposed_by = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="version.number", read_only=True, default=None)

    class Meta:
        model = StandardProposal
        fields = ["id", "standard", "idea", "text", "state", "proposed_by", "proposed_at",
                  "decided_at", "reason", "version"]

    def get_idea(self, proposal) -> dict | None:
        if proposal.idea_id not in self.context.get("visible_ideas", set()):
            return {"id": None, "title": "A private item"}
        return {"id": proposal.idea_id, "title": proposal.idea.title}

    def get_proposed_by(self, proposal) -> dict | None:
        return person(proposal.proposed_by)


class ProposalInputSerializer(serializers.Serializer):
    idea = IdField()
    text = serializers.CharField(max_length=5000)


class AcceptInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    change_note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CommentOutSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = StandardComment
        fields = ["id", "text", "author", "created_at"]

    def get_author(self, c) -> dict | None:
        return person(c.author)


class CommentInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
