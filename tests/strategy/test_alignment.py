"""Alignment arithmetic on hand-built data, with exact expected figures.

Priorities (2025):  P1 1 Jan–30 Jun, owner plant, deployed to support
                    P2 1 Mar–31 Dec but closed on 15 Apr, owner sup
                    P3 the whole of 2024
Ideas (created):    i1 line1 1 Feb   → P1   done, 1000/yr, 10 h
                    i2 line1 1 May   → P2   new
                    i3 line2 10 Feb  → P3   declined
                    i4 line2 5 Mar   —      new
                    i5 sup   1 Jul   → P1, P2   in progress, 250.50/yr
                    i6 line1 31 Dec 2024 23:59 → P1   done, 5 h
                    i7 maint 1 Aug   —      private
                    i8 plant 31 Dec 2025 23:59 —
                    i9 maint 1 Sep   → P1   private, done, 999/yr
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from org.selectors import user_team_ids
from strategy import selectors
from strategy.models import AnnualGoal, Objective
from tests.factories import IdeaFactory

from .conftest import make_deployment, make_priority

pytestmark = pytest.mark.django_db

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def at(y, m, d, hh=12, mm=0, ss=0):
    return timezone.make_aware(datetime(y, m, d, hh, mm, ss))


@pytest.fixture
def world(org):
    objective = Objective.objects.create(title="O", horizon_year=2030)
    goal = AnnualGoal.objects.create(objective=objective, year=2025, title="G")
    p1 = make_priority(goal, org.plant, title="P1", start=date(2025, 1, 1), end=date(2025, 6, 30))
    p2 = make_priority(goal, org.sup, title="P2", start=date(2025, 3, 1), end=date(2025, 12, 31),
                       status="closed", closed_on=date(2025, 4, 15))
    p3 = make_priority(goal, org.plant, title="P3", start=date(2024, 1, 1),
                       end=date(2024, 12, 31))
    make_deployment(p1, org.support, by=org.executive)

    def idea(team, when, links=(), status="new", money=None, hours=None, private=False):
        i = IdeaFactory(team=team, reporter=org.admin, status=status, is_private=private,
                        actual_money_per_year=money, actual_hours_per_year=hours)
        type(i).objects.filter(pk=i.pk).update(created_at=when)
        for p in links:
            p.ideas.add(i)
        return i

    ideas = {
        "i1": idea(org.line1, at(2025, 2, 1), [p1], "done", Decimal("1000"), Decimal("10")),
        "i2": idea(org.line1, at(2025, 5, 1), [p2]),
        "i3": idea(org.line2, at(2025, 2, 10), [p3], "declined"),
        "i4": idea(org.line2, at(2025, 3, 5)),
        "i5": idea(org.sup, at(2025, 7, 1), [p1, p2], "in_progress", Decimal("250.50")),
        "i6": idea(org.line1, at(2024, 12, 31, 23, 59, 59), [p1], "done", None, Decimal("5")),
        "i7": idea(org.maint, at(2025, 8, 1), private=True),
        "i8": idea(org.plant, at(2025, 12, 31, 23, 59, 59)),
        "i9": idea(org.maint, at(2025, 9, 1), [p1], "done", Decimal("999"), private=True),
    }
    return {"p1": p1, "p2": p2, "p3": p3, **ideas}


def test_organisation_year(world):
    assert selectors.alignment_for_organisation(start=YEAR[0], end=YEAR[1]) == {
        "total": 8, "aligned": 4, "share": 0.5}


def test_only_visible_ideas_count_for_a_person(world, org):
    assert selectors.alignment(start=YEAR[0], end=YEAR[1], user=org.other) == {
        "total": 6, "aligned": 3, "share": 0.5}
    assert selectors.alignment(start=YEAR[0], end=YEAR[1], user=org.admin)["total"] == 8


def test_a_closed_priority_counts_only_up_to_its_closing_day(world):
    # i2 (1 May) serves only P2, closed on 15 April: not aligned in May
    assert selectors.alignment(start=date(2025, 5, 1), end=date(2025, 5, 31)) == {
        "total": 1, "aligned": 0, "share": 0.0}
    # the first quarter: i1 serves P1 (active), i3 only P3 (2024), i4 nothing
    assert selectors.alignment(start=date(2025, 1, 1), end=date(2025, 3, 31)) == {
        "total": 3, "aligned": 1, "share": 0.3333}


def test_team_tier_and_subtree(world, org):
    assert selectors.alignment(start=YEAR[0], end=YEAR[1], team_ids=[org.line1.pk]) == {
        "total": 2, "aligned": 2, "share": 1.0}
    assert selectors.alignment_for_team(org.sup, start=YEAR[0], end=YEAR[1]) == {
        "total": 5, "aligned": 3, "share": 0.6}
    assert selectors.alignment_for_team(org.sup, start=YEAR[0], end=YEAR[1],
                                        include_subtree=False) == {
        "total": 1, "aligned": 1, "share": 1.0}
    assert selectors.alignment_for_tier(1, start=YEAR[0], end=YEAR[1]) == {
        "total": 4, "aligned": 2, "share": 0.5}


def test_by_team(world, org):
    assert selectors.alignment_by_team(start=YEAR[0], end=YEAR[1]) == {
        org.line1.pk: {"total": 2, "aligned": 2, "share": 1.0},
        org.line2.pk: {"total": 2, "aligned": 0, "share": 0.0},
        org.sup.pk: {"total": 1, "aligned": 1, "share": 1.0},
        org.maint.pk: {"total": 2, "aligned": 1, "share": 0.5},
        org.plant.pk: {"total": 1, "aligned": 0, "share": 0.0},
    }


def test_nothing_created_has_no_share(world):
    assert selectors.alignment(start=date(2030, 1, 1), end=date(2030, 1, 31)) == {
        "total": 0, "aligned": 0, "share": None}


def test_per_priority_figures(world, org):
    p1, p2, p3 = world["p1"], world["p2"], world["p3"]
    figures = selectors.priority_figures([p1.pk, p2.pk, p3.pk])
    f1 = figures[p1.pk]
    assert (f1["linked"], f1["done"]) == (4, 3)
    assert f1["by_state"] == {"new": 0, "in_progress": 1, "done": 3, "declined": 0, "parked": 0}
    assert f1["actual_money_per_year"] == Decimal("2249.50")
    assert f1["actual_hours_per_year"] == Decimal("15")
    assert (figures[p2.pk]["linked"], figures[p2.pk]["done"]) == (2, 0)
    assert figures[p2.pk]["actual_money_per_year"] == Decimal("250.50")
    assert figures[p3.pk]["by_state"]["declined"] == 1
    mine = selectors.priority_figures([p1.pk], user=org.other)[p1.pk]
    assert (mine["linked"], mine["done"], mine["actual_money_per_year"]) == (
        3, 2, Decimal("1250.50"))


def test_priority_alignment_over_its_reach_and_period(world, org):
    p1, p2 = world["p1"], world["p2"]
    for p in (p1, p2):
        p.deployments.all()  # scope comes from the deployments
    result = selectors.priority_alignment([p1, p2])
    # P1 reaches plant's and support's subtrees, 1 Jan–30 Jun: i1, i2, i3, i4; only i1 serves it
    assert result[p1.pk] == {"total": 4, "aligned": 1, "share": 0.25}
    # P2 reaches sup's subtree, 1 Mar–15 Apr (closed): i4 only, which serves nothing
    assert result[p2.pk] == {"total": 1, "aligned": 0, "share": 0.0}


def test_figures_are_aggregates_not_loops(world, org):
    user_team_ids(org.other)  # the person's teams are read once per request anyway
    with CaptureQueriesContext(connection) as q:
        selectors.alignment(start=YEAR[0], end=YEAR[1], user=org.other)
    # the daily counters, the hours outside whole days, two reads of private items of other
    # teams, the linked ideas
    assert len(q) == 5
    with CaptureQueriesContext(connection) as q:
        selectors.alignment_by_team(start=YEAR[0], end=YEAR[1], user=org.other)
    assert len(q) == 1
    ids = [world["p1"].pk, world["p2"].pk, world["p3"].pk]
    with CaptureQueriesContext(connection) as q:
        selectors.priority_figures(ids, user=org.other)
    assert len(q) == 1
    counts = []
    for some in (ids[:1], ids):
        ps = list(type(world["p1"]).objects.prefetch_related("deployments").filter(pk__in=some))
        with CaptureQueriesContext(connection) as q:
            selectors.priority_alignment(ps, user=org.other)
        counts.append(len(q))
    assert counts[0] == counts[1] <= 6  # the same for one priority as for three
