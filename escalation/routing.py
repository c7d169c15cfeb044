"""Where an escalation goes: the admin's routing rules in order, else the parent team.

Used by the preview (page and API) and by the services that create escalations, so what the
user previews is what they get. Rule kinds are described on ``RoutingRule``.

Cross-team conflicts (reason ``cross_team`` naming the other team) route to the *lowest common
ancestor* of the two teams — the nearest active team both report to, the one with authority
over both. How that meets the admin's rules:

- it comes before the rules: category rules and cross-team rules (which send a request to a
  support team) do not apply to a named conflict, because a third team cannot arbitrate
  between two others;
- spend rules still apply on top: when the requested spend is above the common ancestor's
  authority limit, the conflict goes to the lowest team at or above it whose limit covers it;
- when there is no common ancestor above the escalating team (escalating further from the
  team that already is the common ancestor, or a conflict with one's own team above or below)
  the ordinary routing applies (rules in order, else the parent). Raising refuses those cases
  up front (``check_other_team``).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from core.errors import DomainError
from org.models import Team, Tier
from org.selectors import team_ancestors, team_descendant_ids, top_tier

from .authority import can_approve, covering_ancestor, needs_spend_approval
from .models import Escalation, RoutingRule


@dataclass
class Route:
    to_team: Team
    tier: Tier
    note: str  # why this team, for the preview and the escalation's ``route_note``
    rule_id: int | None
    due_ack_at: datetime
    due_resolve_at: datetime
    warnings: list[str] = field(default_factory=list)
    top_tier: bool = False  # the target is at the top tier: the escalation must be structured

    def as_dict(self) -> dict:
        return {
            "to_team": {"id": self.to_team.pk, "name": self.to_team.name,
                        "slug": self.to_team.slug},
            "tier": {"level": self.tier.level, "name": self.tier.name,
                     "authority_limit": str(self.tier.authority_limit),
                     "sla_ack_hours": self.tier.sla_ack_hours,
                     "sla_resolve_hours": self.tier.sla_resolve_hours},
            "note": self.note,
            "rule": self.rule_id,
            "due_ack_at": self.due_ack_at.isoformat(),
            "due_resolve_at": self.due_resolve_at.isoformat(),
            "warnings": list(self.warnings),
            "top_tier": self.top_tier,
            "structured_required": self.top_tier,
        }


def due_times(tier: Tier, start: datetime) -> tuple[datetime, datetime]:
    """The SLA clock runs in calendar hours from when the escalation was raised."""
    return (start + timedelta(hours=tier.sla_ack_hours),
            start + timedelta(hours=tier.sla_resolve_hours))


def check_can_escalate_from(team: Team) -> None:
    top = top_tier()
    if team.parent_id is None or (top is not None and team.tier.level >= top.level):
        raise DomainError(
            f"{team.name} is at the top tier: there is no higher team to escalate to — "
            "this is where the decision is made.", code="top_tier")


def effective_spend(requested: Decimal | None, idea) -> Decimal | None:
    """The spend routing looks at: what was asked for, else what the item says it needs."""
    return requested if requested is not None else idea.required_spend


def check_other_team(origin: Team, other: Team | None) -> Team:
    """The other team of a cross-team conflict must be a team outside ``origin``'s own line."""
    if other is None:
        raise DomainError("Name the other team: a cross-team escalation goes to the lowest team "
                          "above both of you.", field="other_team")
    if other.pk == origin.pk:
        raise DomainError("Name a team other than your own.", field="other_team")
    if not other.active:
        raise DomainError(f"{other.name} is inactive.", field="other_team")
    above = set(team_ancestors(origin).values_list("pk", flat=True))
    if other.pk in above:
        raise DomainError(
            f"{other.name} is above {origin.name}: that is not a conflict between teams — "
            "escalate to them with another reason.", field="other_team")
    if Team.objects.filter(pk=other.pk, id__in=team_descendant_ids(origin.pk)).exists():
        raise DomainError(f"{other.name} sits below {origin.name}: settle it within your own "
                          "line.", field="other_team")
    return other


def common_ancestor(origin: Team, other: Team, ancestors: list[Team]) -> Team | None:
    """The nearest active team above ``origin`` that ``other`` also reports to (``ancestors``:
    origin's active ancestors, nearest first). None when ``other`` is ``origin`` or below it."""
    other_line = set(team_ancestors(other).values_list("pk", flat=True))
    if origin.pk in other_line:
        return None
    return next((t for t in ancestors if t.pk in other_line), None)


def plan_route(*, origin: Team, idea, reason: str, spend: Decimal | None,
               now: datetime | None = None, rules=None, other_team: Team | None = None) -> Route:
    """The team an escalation from ``origin`` goes to, with the SLA due times.

    Raises DomainError when ``origin`` is at the top tier. ``rules`` (active RoutingRules in
    order, with ``to_team__tier``) may be passed to share one query across several routes.
    ``other_team``: the other team of a cross-team conflict (see the module docstring)."""
    check_can_escalate_from(origin)
    now = now or timezone.now()
    ancestors = [t for t in team_ancestors(origin) if t.active]  # nearest first
    if not ancestors:  # pragma: no cover - every non-root team has an active parent
        raise DomainError(f"{origin.name} has no active team above it to escalate to.")
    scope_ids = {origin.pk} | {t.pk for t in ancestors}
    if rules is None:
        rules = RoutingRule.objects.filter(active=True).select_related("to_team__tier")
    warnings: list[str] = []

    def usable(team: Team | None) -> bool:
        return bool(team and team.active and team.pk != origin.pk
                    and team.tier.level > origin.tier.level)

    if reason == Escalation.Reason.CROSS_TEAM and other_team is not None:
        lca = common_ancestor(origin, other_team, ancestors)
        if usable(lca):
            return _conflict_route(origin, other_team, lca, ancestors, rules, scope_ids, spend,
                                   now, warnings)

    for rule in rules:
        if rule.from_team_id and rule.from_team_id not in scope_ids:
            continue
        target, note = None, ""
        if rule.kind == RoutingRule.Kind.CATEGORY and rule.category == idea.category:
            target = rule.to_team
            note = f"{idea.get_category_display()} items go to {target.name} (routing rule)."
        elif rule.kind == RoutingRule.Kind.CROSS_TEAM and reason == Escalation.Reason.CROSS_TEAM:
            target = rule.to_team
            note = f"Cross-team requests go to {target.name} (routing rule)."
        elif rule.kind == RoutingRule.Kind.SPEND and needs_spend_approval(spend, origin.tier):
            target = covering_ancestor(ancestors, spend)
            if target is None:
                target = ancestors[-1]
                warnings.append(
                    f"A spend of {spend:,.0f} is above every tier's authority limit; it goes to "
                    f"the top ({target.name}).")
            note = (f"A spend of {spend:,.0f} is above {origin.tier.name}'s limit of "
                    f"{origin.tier.authority_limit:,.0f}; {target.tier.name} (limit "
                    f"{target.tier.authority_limit:,.0f}) is the lowest tier that covers it.")
        if usable(target):
            return _route(target, note, rule.pk, now, warnings, spend)
    parent = ancestors[0]
    return _route(parent, f"{parent.name} is the team {origin.name} reports to.", None, now,
                  warnings, spend)


def _conflict_route(origin, other, lca, ancestors, rules, scope_ids, spend, now,
                    warnings) -> Route:
    note = (f"{lca.name} is the lowest team above both {origin.name} and {other.name}: it "
            "decides between them.")
    spend_rule = next((r for r in rules if r.kind == RoutingRule.Kind.SPEND
                       and (not r.from_team_id or r.from_team_id in scope_ids)), None)
    if spend_rule is not None and needs_spend_approval(spend, lca.tier):
        above = ancestors[ancestors.index(lca):]
        target = covering_ancestor(above, spend) or above[-1]
        if target.pk != lca.pk:
            note += (f" A spend of {spend:,.0f} is above its limit of "
                     f"{lca.tier.authority_limit:,.0f}, so it goes to {target.name}.")
            return _route(target, note, spend_rule.pk, now, warnings, spend)
    return _route(lca, note, None, now, warnings, spend)


def _route(target: Team, note: str, rule_id, now, warnings, spend) -> Route:
    ack, resolve = due_times(target.tier, now)
    top = top_tier()
    if not can_approve(target, spend):
        warnings.append(
            f"{target.name} may approve up to {target.tier.authority_limit:,.0f}; for a spend "
            f"of {spend:,.0f} it will have to escalate further.")
    return Route(to_team=target, tier=target.tier, note=note, rule_id=rule_id,
                 due_ack_at=ack, due_resolve_at=resolve, warnings=warnings,
                 top_tier=top is not None and target.tier.level >= top.level)

