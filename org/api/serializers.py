from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from ..models import Membership, Notification, Team, Tier, User


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tier
        fields = [
            "id", "level", "name", "huddle_time", "authority_limit", "aging_threshold_days",
            "sla_ack_hours", "sla_resolve_hours",
        ]
        read_only_fields = ["id"]


class TierInputSerializer(serializers.Serializer):
    level = serializers.IntegerField(required=False, min_value=1, max_value=20)
    name = serializers.CharField(max_length=80)
    huddle_time = serializers.TimeField()
    authority_limit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                                               max_value=1_000_000_000)
    aging_threshold_days = serializers.IntegerField(min_value=1, max_value=365)
    sla_ack_hours = serializers.IntegerField(min_value=1, max_value=24 * 90)
    sla_resolve_hours = serializers.IntegerField(min_value=1, max_value=24 * 365)


class UserBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "initials"]


# A team where another resource names it (no docstring: it would become the schema's
# description of every component built on it).
class TeamBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "slug"]


class MemberSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "role"]


class TeamSerializer(serializers.ModelSerializer):
    tier = TierSerializer(read_only=True)
    parent = serializers.PrimaryKeyRelatedField(read_only=True)
    members = MemberSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "description", "active", "tier", "parent", "members"]


class TeamInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=120, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    tier = serializers.PrimaryKeyRelatedField(queryset=Tier.objects.all())
    parent = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), allow_null=True)
    active = serializers.BooleanField(required=False)


class TeamMembershipSerializer(serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    tier_level = serializers.IntegerField(source="team.tier.level", read_only=True)

    class Meta:
        model = Membership
        fields = ["team", "team_name", "tier_level", "role"]


class UserSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    memberships = TeamMembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "display_name", "email", "is_staff", "is_active",
                  "memberships"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # E-mail addresses are shown to admins and to the person themselves only.
        request = self.context.get("request")
        viewer = getattr(request, "user", None)
        if not viewer or not (viewer.is_staff or viewer.pk == instance.pk):
            data["email"] = ""
        return data


class UserInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    display_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    password = serializers.CharField(required=False, write_only=True, min_length=8)
    is_staff = serializers.BooleanField(required=False, default=False)


class NotificationSerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField()
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "verb", "text", "url", "target_type", "target_id", "created_at",
                  "read_at", "is_read"]

    def get_target_type(self, obj) -> str | None:
        if not obj.target_type_id:
            return None
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_id(obj.target_type_id)  # cached by Django
        return f"{ct.app_label}.{ct.model}"


class TokenInputSerializer(AuthTokenSerializer):
    """POST /api/v1/auth/token/: a login no longer than the login page takes (a longer one can
    match nobody, and would not fit where failed logins are counted)."""

    username = serializers.CharField(label="Username or e-mail", max_length=254, write_only=True)
    password = serializers.CharField(label="Password", max_length=4096, trim_whitespace=False,
                                     style={"input_type": "password"}, write_only=True)
