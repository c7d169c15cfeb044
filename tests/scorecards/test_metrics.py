"""Metric arithmetic on the hand-built world (tests/scorecards/conftest.py): exact figures."""

from datetime import timedelta

import pytest

from ideas.models import Idea, IdeaEvent
from scorecards.compute import compute

from .conftest import weekdays

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world):
    return compute(world.start, world.day, now=world.now)


def test_team_figures(org, world, figures):
    line1 = figures[("team", org.line1.pk)]
    sched = weekdays(world.start, world.day)
    assert line1 == {
        "members": 3,
        "submitted": 4,
        "submitted_per_member": 4.0,  # 4 items × 30 days / (3 members × 10 days)
        "participation": 0.6667,  # member and lead took part, quiet did not
        "implemented": 3,
        "declined": 1,
        "implementation_rate": 0.75,
        "cycle_time_median": 4.0,  # 2, 4 and 18 days
        "solved_at_tier": 0.6667,  # B went through an escalation
        "solved_count": 2,
        "escalations_open": 0,
        "escalations_stalled": 0,
        "escalations_acknowledged": 0,
        "escalations_resolved": 0,
        "escalations_returned": 0,
        "answers_rated": 0,
        "answers_helped": 0,
        "answers_partly": 0,
        "answers_not_helped": 0,
        "answers_helped_share": None,
        "ack_time_median": None,
        "resolve_time_median": None,
        "open_now": 2,
        "aging_now": 1,
        "aging_share": 0.5,
        "impact_money": 1500.0,
        "impact_hours": 10.0,
        "learning_share": 0.6667,  # "ok" is not a learning note
        "learning_count": 2,
        "alignment": 0.25,
        "alignment_total": 4,
        "sqdc_green": 0.6667,  # two greens of three letters set; unset and older ones ignored
        "sqdc_set": 3,
        "huddles_held": round(3 / sched, 4),
        "huddles_held_count": 3,
        "huddles_scheduled": sched,
        # System work (tests/scorecards/test_system_figures.py covers them with data): every
        # item is at team level, none done with evidence, no capacity and no review cadence.
        "evidence_share": 0.0,
        "evidence_count": 0,
        "level_team": 4,
        "level_cross_team": 0,
        "level_system": 0,
        "level_focus": None,  # four items: too few to flag
        "capacity_honoured": None,
        "capacity_protected": 0.0,
        "capacity_used": 0.0,
        "capacity_slack": 0.0,
        "capacity_sacrificed": 0.0,
        "capacity_teams": 0,
        "capacity_sacrificing": 0,
        "capacity_weeks": line1["capacity_weeks"],
        "missed_reviews": None,
        "review_cadences": 0,
        # What the method rewards (tests/scorecards/test_method_figures.py covers them).
        "learning_structured": 0.0,
        "learning_structured_count": 0,
        "learning_reused": 0,
        "over_authority_unescalated": 0,
        "aging_unescalated": 1,  # E
        "escalations_raised": 2,  # B and F
        "silent_teams": 0,  # aging work, but it escalated
        # "Did it hold?" (tests/scorecards/test_held_share.py covers it with data).
        "held_share": None,
        "hold_checked": 0,
        "hold_held": 0,
        "hold_partly": 0,
        "hold_slipped": 0,
    }
    assert len(line1["capacity_weeks"]) == 6
    assert {(w["protected"], w["used"], w["share"]) for w in line1["capacity_weeks"]} == {
        (0.0, 0.0, None)}


def test_escalation_figures_belong_to_the_team_that_received_them(org, figures):
    sup = figures[("team", org.sup.pk)]
    assert (sup["escalations_open"], sup["escalations_stalled"]) == (1, 1)
    assert (sup["escalations_resolved"], sup["escalations_returned"]) == (1, 0)
    assert sup["ack_time_median"] == 6.0  # hours
    assert sup["resolve_time_median"] == 2.0  # days
    assert sup["solved_at_tier"] == 0.0  # H was escalated
    assert sup["implementation_rate"] == 1.0
    plant = figures[("team", org.plant.pk)]
    assert (plant["ack_time_median"], plant["resolve_time_median"]) == (2.0, 1.0)
    assert (plant["escalations_returned"], plant["escalations_open"]) == (1, 0)
    assert plant["participation"] == 0.0
    line2 = figures[("team", org.line2.pk)]
    assert line2["implementation_rate"] is None and line2["cycle_time_median"] is None
    assert (line2["submitted_per_member"], line2["participation"], line2["alignment"]) == \
        (3.0, 1.0, 1.0)  # other took part by commenting


def test_tier_and_organisation_roll_ups(org, world, figures):
    tier1 = figures[("tier", 1)]
    assert (tier1["members"], tier1["submitted"], tier1["participation"]) == (4, 5, 0.75)
    assert (tier1["open_now"], tier1["aging_now"], tier1["aging_share"]) == (3, 2, 0.6667)
    assert figures[("tier", 2)]["escalations_stalled"] == 1
    everyone = figures[("org", 0)]
    sched = weekdays(world.start, world.day)
    assert {k: everyone[k] for k in [
        "members", "submitted", "submitted_per_member", "participation", "implemented",
        "implementation_rate", "cycle_time_median", "solved_at_tier", "escalations_open",
        "escalations_stalled", "ack_time_median", "resolve_time_median", "escalations_resolved",
        "escalations_returned", "open_now", "aging_now", "impact_money", "learning_share",
        "alignment", "sqdc_green", "huddles_held"]} == {
        "members": 7,
        "submitted": 6,
        "submitted_per_member": 2.57,
        "participation": 0.5714,  # 4 of 7
        "implemented": 4,
        "implementation_rate": 0.8,
        "cycle_time_median": 4.0,  # 2, 4, 4, 18 days
        "solved_at_tier": 0.5,
        "escalations_open": 1,
        "escalations_stalled": 1,
        "ack_time_median": 4.0,  # 6 h and 2 h
        "resolve_time_median": 1.5,  # 2 d and 1 d
        "escalations_resolved": 1,
        "escalations_returned": 1,
        "open_now": 3,
        "aging_now": 2,
        "impact_money": 1500.0,
        "learning_share": 0.75,
        "alignment": 0.3333,
        "sqdc_green": 0.6667,
        "huddles_held": round(3 / (7 * sched), 4),
    }


def test_a_team_page_computes_only_its_teams(org, world):
    only = compute(world.start, world.day, team_ids=[org.line1.pk], now=world.now)
    assert set(only) == {("team", org.line1.pk)}
    assert only[("team", org.line1.pk)]["cycle_time_median"] == 4.0


def test_an_earlier_period_reconstructs_open_and_aging_items(org, world):
    """At the end of D-5: B (logged D-5, done D-1) was open and fresh; D (logged D-20, done
    D-2, no timeline events) open and idle for 15 days: aging; E (logged D-30) open and aging;
    A was done already; C and F were not logged yet."""
    day = world.day - timedelta(days=5)
    past = compute(day - timedelta(days=6), day, now=world.now)
    line1 = past[("team", org.line1.pk)]
    assert (line1["open_now"], line1["aging_now"]) == (3, 2)
    # Activity in the timeline counts: an event on E on D-6 means E was fresh on D-5.
    event = IdeaEvent.objects.create(idea=world.items["E"], verb="commented")
    IdeaEvent.objects.filter(pk=event.pk).update(created_at=world.at(6))
    Idea.objects.filter(pk=world.items["E"].pk).update(last_activity_at=world.at(0))
    past = compute(day - timedelta(days=6), day, now=world.now)
    assert past[("team", org.line1.pk)]["aging_now"] == 1


def test_medians_are_medians_not_means(org, world):
    """Even count: the mean of the middle two; odd: the middle one."""
    from tests.scorecards.conftest import make_item

    make_item(org.line2, created=world.at(9), reporter=org.other, status="done",
              done_at=world.at(0))  # 9 days
    figures = compute(world.start, world.day, now=world.now)
    assert figures[("org", 0)]["cycle_time_median"] == 4.0  # 2, 4, 4, 9, 18
    assert figures[("tier", 1)]["cycle_time_median"] == 6.5  # 2, 4, 9, 18
