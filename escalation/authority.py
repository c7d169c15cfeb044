"""The spend rule, in one place: a team may approve a one-off spend up to its tier's authority
limit; above it the spend needs a team higher up — the lowest one whose tier's limit covers it.
The team at the top (no parent) has no ceiling but the sanity limit on amounts (``MAX_SPEND``).

Pure functions over tiers and teams already loaded (no query): routing, the services and their
guards, the hooks and the views all ask here.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from org.models import Team, Tier


def needs_spend_approval(spend: Decimal | None, tier: Tier) -> bool:
    """``spend`` is above what a team at ``tier`` may approve itself (no spend: nothing to
    approve)."""
    return spend is not None and spend > tier.authority_limit


def can_approve(team: Team, spend: Decimal | None) -> bool:
    """``team`` may approve ``spend``: it is within its tier's limit, or nobody is above it."""
    return team.parent_id is None or not needs_spend_approval(spend, team.tier)


def covering_ancestor(ancestors: Sequence[Team], spend: Decimal | None) -> Team | None:
    """The lowest of ``ancestors`` (nearest first) whose tier's limit covers ``spend``."""
    return next((team for team in ancestors if not needs_spend_approval(spend, team.tier)), None)


def needs_approval(spend: Decimal | None, tier: Tier, approved: Iterable[Decimal | None]) -> bool:
    """An item that needs ``spend`` from a team at ``tier`` cannot start until one of the
    ``approved`` spends (of its resolved escalations) covers it. ``approved`` is read only when
    the spend is above the limit (a lazy QuerySet costs no query otherwise)."""
    return needs_spend_approval(spend, tier) and not any(
        amount is not None and amount >= spend for amount in approved)
