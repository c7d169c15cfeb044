"""The spend rule, on its own: pure functions over tiers and teams (no database)."""

from decimal import Decimal

from escalation.authority import (
    can_approve,
    covering_ancestor,
    needs_approval,
    needs_spend_approval,
)
from org.models import Team, Tier

LINE = Tier(level=1, name="Line", authority_limit=Decimal("500"))
PLANT = Tier(level=2, name="Plant", authority_limit=Decimal("20000"))
BOARD = Tier(level=3, name="Board", authority_limit=Decimal("100000"))


def team(pk: int, tier: Tier, parent_id: int | None) -> Team:
    return Team(pk=pk, name=f"Team {pk}", tier=tier, parent_id=parent_id)


def test_a_spend_up_to_the_limit_needs_no_approval():
    assert not needs_spend_approval(None, LINE)
    assert not needs_spend_approval(Decimal("0"), LINE)
    assert not needs_spend_approval(Decimal("500"), LINE)
    assert needs_spend_approval(Decimal("500.01"), LINE)


def test_the_top_team_may_approve_any_spend():
    line, board = team(1, LINE, 2), team(3, BOARD, None)
    assert can_approve(line, Decimal("500")) and not can_approve(line, Decimal("501"))
    assert can_approve(board, Decimal("900000"))
    assert can_approve(line, None)


def test_the_lowest_ancestor_that_covers_the_spend():
    plant, board = team(2, PLANT, 3), team(3, BOARD, None)
    assert covering_ancestor([plant, board], Decimal("800")) == plant
    assert covering_ancestor([plant, board], Decimal("20000")) == plant
    assert covering_ancestor([plant, board], Decimal("20001")) == board
    assert covering_ancestor([plant, board], Decimal("100001")) is None
    assert covering_ancestor([], Decimal("1")) is None


def test_an_item_needs_approval_until_an_approved_spend_covers_it():
    assert not needs_approval(Decimal("400"), LINE, [])
    assert not needs_approval(None, LINE, [])
    assert needs_approval(Decimal("900"), LINE, [])
    assert needs_approval(Decimal("900"), LINE, [None, Decimal("899.99")])
    assert not needs_approval(Decimal("900"), LINE, [None, Decimal("900")])


def test_approvals_are_not_read_within_the_limit():
    class Unread:
        def __iter__(self):
            raise AssertionError("read although the spend is within the limit")

    assert not needs_approval(Decimal("400"), LINE, Unread())
