"""Every write to people and the hierarchy, and the one `notify` service all apps use.

Hierarchy rules (documented in the README):
- tier levels are unique and contiguous 1..N; only the top tier may be removed;
- exactly one root team (no parent), and it sits at the top tier;
- a team's parent sits at any *higher* tier (support teams may report two tiers up), is active,
  and is never the team itself or one of its descendants (no cycles);
- a team with active child teams or open work cannot be deactivated.
"""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify

from core.errors import DomainError

from .models import Membership, Team, Tier, User
from .registry import open_work_reasons
from .selectors import team_descendant_ids, top_tier

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- tiers


@transaction.atomic
def tier_create(
    *,
    name: str,
    huddle_time,
    authority_limit: Decimal = Decimal("0"),
    aging_threshold_days: int = 14,
    sla_ack_hours: int = 24,
    sla_resolve_hours: int = 120,
    level: int | None = None,
    actor: User | None = None,
) -> Tier:
    """Adds the next tier up. Levels stay contiguous: the new level must be N + 1."""
    # Lock the table's top row so two admins cannot both add level N + 1.
    list(Tier.objects.select_for_update().order_by("-level")[:1])
    next_level = (Tier.objects.aggregate(m=Max("level"))["m"] or 0) + 1
    if level is not None and level != next_level:
        raise DomainError(
            f"Tier levels must be contiguous: the next tier is level {next_level}, not {level}.",
            field="level",
        )
    tier = Tier(
        level=next_level,
        name=name.strip(),
        huddle_time=huddle_time,
        authority_limit=authority_limit,
        aging_threshold_days=aging_threshold_days,
        sla_ack_hours=sla_ack_hours,
        sla_resolve_hours=sla_resolve_hours,
    )
    _full_clean(tier)
    tier.save()
    return tier


@transaction.atomic
def tier_update(*, tier: Tier, actor: User | None = None, **fields) -> Tier:
    """Changes a tier's settings. The level itself is fixed once created."""
    if "level" in fields and fields["level"] != tier.level:
        raise DomainError("A tier's level cannot be changed; add or remove tiers instead.",
                          field="level")
    fields.pop("level", None)
    tier = Tier.objects.select_for_update().get(pk=tier.pk)
    for key, value in fields.items():
        setattr(tier, key, value)
    _full_clean(tier)
    tier.save()
    return tier


@transaction.atomic
def tier_delete(*, tier: Tier, actor: User | None = None) -> None:
    top = top_tier()
    if top is None or tier.pk != top.pk:
        raise DomainError("Only the top tier can be removed: tier levels must stay contiguous.")
    if tier.teams.exists():
        raise DomainError(f"{tier} still has teams; move or delete them first.")
    tier.delete()


# ---------------------------------------------------------------- teams


def _validate_placement(*, team: Team | None, tier: Tier, parent: Team | None) -> None:
    top = top_tier()
    if parent is not None:
        parent = Team.objects.select_related("tier").get(pk=parent.pk)  # its current state
    if parent is None:
        if top is None or tier.level != top.level:
            raise DomainError(
                "Only the root team has no parent, and it must sit at the top tier.",
                field="parent",
            )
        roots = Team.objects.filter(parent__isnull=True)
        if team is not None and team.pk:
            roots = roots.exclude(pk=team.pk)
        if roots.exists():
            raise DomainError(
                f"There is already a root team ({roots.first()}); choose a parent team.",
                field="parent",
            )
        return
    if team is not None and team.pk and parent.pk == team.pk:
        raise DomainError("A team cannot be its own parent.", field="parent")
    if not parent.active:
        raise DomainError(f"{parent} is inactive and cannot be a parent team.", field="parent")
    if parent.tier.level <= tier.level:
        raise DomainError(
            f"A team's parent must sit at a higher tier: {parent} is at tier "
            f"{parent.tier.level}, this team at tier {tier.level}.",
            field="parent",
        )
    if team is not None and team.pk:
        if Team.objects.filter(pk=parent.pk, id__in=team_descendant_ids(team.pk)).exists():
            raise DomainError(f"{parent} sits below this team: that would make a cycle.",
                              field="parent")
        lowest_child = team.children.filter(active=True).order_by("-tier__level").first()
        if lowest_child and lowest_child.tier.level >= tier.level:
            raise DomainError(
                f"{lowest_child} (tier {lowest_child.tier.level}) reports to this team, "
                f"so it must stay above tier {lowest_child.tier.level}.",
                field="tier",
            )


def _unique_slug(name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:100] or "team"
    slug, n = base, 2
    while Team.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def team_create(
    *,
    name: str,
    tier: Tier,
    parent: Team | None,
    slug: str = "",
    description: str = "",
    actor: User | None = None,
) -> Team:
    name = (name or "").strip()
    if not name:
        raise DomainError("A team needs a name.", field="name")
    # Serialise structural changes: two admins cannot both create a root.
    list(Tier.objects.select_for_update().filter(pk=tier.pk))
    _validate_placement(team=None, tier=tier, parent=parent)
    team = Team(
        name=name,
        slug=slug or _unique_slug(name),
        tier=tier,
        parent=parent,
        description=description,
    )
    _full_clean(team, exclude=["parent", "tier"])
    team.save()
    return team


@transaction.atomic
def team_update(*, team: Team, actor: User | None = None, **fields) -> Team:
    team = Team.objects.select_for_update().select_related("tier").get(pk=team.pk)
    tier = fields.get("tier", team.tier)
    parent = fields.get("parent", team.parent)
    if "tier" in fields or "parent" in fields:
        _validate_placement(team=team, tier=tier, parent=parent)
    if fields.get("active") is False and team.active:
        _check_can_deactivate(team)
    for key, value in fields.items():
        setattr(team, key, value)
    if "name" in fields:
        team.name = (team.name or "").strip()
        if not team.name:
            raise DomainError("A team needs a name.", field="name")
    _full_clean(team, exclude=["parent", "tier"])
    team.save()
    return team


def _check_can_deactivate(team: Team) -> None:
    children = list(team.children.filter(active=True).values_list("name", flat=True)[:5])
    if children:
        raise DomainError(
            f"{team} cannot be deactivated: active teams report to it ({', '.join(children)}). "
            "Move or deactivate them first."
        )
    if team.parent_id is None:
        raise DomainError("The root team cannot be deactivated.")
    reasons = open_work_reasons(team)
    if reasons:
        raise DomainError(f"{team} cannot be deactivated: {'; '.join(reasons)}.")


@transaction.atomic
def team_deactivate(*, team: Team, actor: User | None = None) -> Team:
    """Refused while the team has active child teams or open work (checks from later apps)."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    if not team.active:
        return team
    _check_can_deactivate(team)
    team.active = False
    team.save(update_fields=["active"])
    return team


@transaction.atomic
def team_activate(*, team: Team, actor: User | None = None) -> Team:
    team = Team.objects.select_for_update().get(pk=team.pk)
    if team.parent_id and not Team.objects.filter(pk=team.parent_id, active=True).exists():
        raise DomainError(f"Activate the parent team {team.parent} first.")
    team.active = True
    team.save(update_fields=["active"])
    return team


# ---------------------------------------------------------------- people


@transaction.atomic
def membership_set(
    *, team: Team, user: User, role: str = Membership.Role.MEMBER, actor: User | None = None
) -> Membership:
    if role not in Membership.Role.values:
        raise DomainError(f"Unknown role {role!r}: use member or lead.", field="role")
    if not team.active:
        raise DomainError(f"{team} is inactive.", field="team")
    membership, _ = Membership.objects.update_or_create(
        user=user, team=team, defaults={"role": role}
    )
    return membership


@transaction.atomic
def membership_remove(*, team: Team, user: User, actor: User | None = None) -> None:
    Membership.objects.filter(user=user, team=team).delete()


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str = "",
    display_name: str = "",
    password: str | None = None,
    is_staff: bool = False,
    actor: User | None = None,
) -> User:
    username = (username or "").strip()
    if not username:
        raise DomainError("A username is required.", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"The username {username!r} is taken.", field="username")
    email = (email or "").strip()
    if email and User.objects.filter(email__iexact=email).exists():
        raise DomainError(f"The e-mail address {email!r} is already used.", field="email")
    user = User(username=username, email=email, display_name=display_name.strip(),
                is_staff=is_staff)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    _full_clean(user, exclude=["password"])
    user.save()
    return user


# ---------------------------------------------------------------- helpers


def _full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from exc
    except IntegrityError as exc:  # pragma: no cover - full_clean should catch it first
        raise DomainError(str(exc)) from exc
