"""CSV import of teams and of users with memberships (django-import-export).

Both imports run in one transaction: a file with any bad row is reported row by row and
nothing is saved.
"""

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from core.errors import DomainError

from .models import Membership, Team, Tier, User
from .services import _validate_placement


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural key; an unknown value is a row error, not a crash."""

    def __init__(self, model, field, label):
        super().__init__(model, field=field)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"No {self.label} {value!r}.")


class TeamResource(resources.ModelResource):
    tier = fields.Field(
        attribute="tier", column_name="tier_level",
        widget=LookupWidget(Tier, "level", "tier with level"),
    )
    parent = fields.Field(
        attribute="parent", column_name="parent_slug",
        widget=LookupWidget(Team, "slug", "team with slug"),
    )

    class Meta:
        model = Team
        fields = ("name", "slug", "tier", "parent", "description", "active")
        import_id_fields = ("slug",)
        skip_unchanged = True
        clean_model_instances = True

    def before_save_instance(self, instance, row, **kwargs):
        if not (instance.name or "").strip():
            raise ValidationError({"name": "A team needs a name."})
        if instance.tier_id is None:
            raise ValidationError({"tier": f"Unknown tier level {row.get('tier_level')!r}."})
        try:
            _validate_placement(team=instance, tier=instance.tier, parent=instance.parent)
        except DomainError as exc:
            raise ValidationError({exc.field or "parent": exc.message}) from exc


class UserResource(resources.ModelResource):
    teams = fields.Field(column_name="teams", attribute=None, readonly=False)

    class Meta:
        model = User
        fields = ("username", "email", "display_name", "first_name", "last_name", "teams")
        import_id_fields = ("username",)
        clean_model_instances = True

    def dehydrate_teams(self, user: User) -> str:
        return "; ".join(
            f"{m.team.slug}:{m.role}" for m in user.memberships.select_related("team")
        )

    def init_instance(self, row=None):
        user = super().init_instance(row)
        user.set_unusable_password()  # imported people set their password by e-mail reset
        return user

    @staticmethod
    def _parse_teams(raw: str) -> list[tuple[Team, str]]:
        """``line-1:lead; maintenance`` → [(Team line-1, lead), (Team maintenance, member)]."""
        wanted = []
        for part in filter(None, (p.strip() for p in (raw or "").split(";"))):
            slug, _, role = part.partition(":")
            role = (role or Membership.Role.MEMBER).strip().lower()
            if role not in Membership.Role.values:
                raise ValidationError({"teams": f"Unknown role {role!r} for {slug}: use member or lead."})
            team = Team.objects.filter(slug=slug.strip(), active=True).first()
            if team is None:
                raise ValidationError({"teams": f"No active team with slug {slug.strip()!r}."})
            wanted.append((team, role))
        return wanted

    def before_save_instance(self, instance, row, **kwargs):
        if instance.email and User.objects.filter(email__iexact=instance.email).exclude(
            pk=instance.pk
        ).exists():
            raise ValidationError({"email": f"{instance.email} is already used by another user."})
        self._parse_teams(row.get("teams", ""))

    def after_save_instance(self, instance, row, **kwargs):
        for team, role in self._parse_teams(row.get("teams", "")):
            Membership.objects.update_or_create(user=instance, team=team, defaults={"role": role})
