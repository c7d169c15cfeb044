"""The executives' "My work" panel: what a CEO asks, each figure linking to its list."""

import re

import pytest
from django.utils import timezone

from scorecards.selectors import executive_overview
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def panel(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}".*?</article>', html, re.S)
    assert match, testid
    return match.group(0)


def test_only_executives_get_the_panel(org, client_as):
    assert 'data-testid="executive-panel"' in client_as(org.executive).get("/").content.decode()
    for user in (org.member, org.manager, org.admin):
        assert 'data-testid="executive-panel"' not in client_as(user).get("/").content.decode()


def test_front_line_share_learning_escalations_and_alignment(org, client_as, world):
    figures = executive_overview(org.executive, now=world.now)
    # Done in the last 30 days: A, B, D (line1) and H (sup); A and D without escalation.
    assert (figures["done"]["total"], figures["done"]["front"]) == (4, 2)
    assert figures["done"]["front_share"] == 0.5
    assert figures["done"]["learning_share"] == 0.75  # B's "ok" is no learning note
    esc = figures["escalations"]
    assert (esc["active"], esc["moving"], esc["stalled"]) == (1, 0, 1)
    assert (esc["resolved"], esc["returned"]) == (1, 1)
    assert (esc["ack_hours"], esc["resolve_days"]) == (4.0, 1.5)
    [aligned] = figures["alignment"]
    assert (aligned["priority"].title, aligned["aligned"], aligned["total"]) == (
        "Guard every press", 2, 8)

    html = client_as(org.executive).get("/").content.decode()
    front = panel(html, "exec-frontline")
    assert ">50%</a>" in front and ">75%</a>" in front
    assert "/scorecards/items/?scope=tier%3A1&amp;metric=solved_at_tier" in front
    # Line 2 has aging work (G) and raised no escalation; nothing is over its authority.
    assert (figures["under"]["over"], figures["under"]["silent"]) == (0, 1)
    assert "1 stalled team</a>" in front and "metric=silent_teams" in front
    escalations = panel(html, "exec-escalations")
    assert "<strong>0</strong> moving" in escalations
    assert "metric=escalations_stalled" in escalations
    assert "1 resolved vs 1 returned" in escalations
    assert "16.0 h" not in escalations and "4.0 h" in escalations
    alignment = panel(html, "exec-alignment")
    assert "Guard every press" in alignment and "25% — 2 of 8 items" in alignment


def test_most_important_open_problems_and_the_patterns_with_hot_spots(org, client_as):
    now = timezone.now()
    urgent = IdeaFactory(team=org.line2, reporter=org.other, title="Guard missing",
                         priority="high", estimated_money_per_year=5000, category="safety")
    IdeaFactory(team=org.line2, reporter=org.other, title="An idea, not a problem",
                kind="idea", priority="high")
    IdeaFactory(team=org.sup, reporter=org.supervisor, title="Slow approvals",
                category="delivery")
    IdeaFactory(team=org.maint, reporter=org.admin, title="Spare parts", category="cost")
    for i in range(4):
        IdeaFactory(team=org.line1, reporter=org.member, title=f"Scrap {i}")  # quality
    IdeaFactory(team=org.line1, reporter=org.member, title="Done already", status="done",
                done_at=now, learning="x")
    figures = executive_overview(org.executive, now=now)
    assert figures["important"][0] == urgent
    assert "An idea, not a problem" not in [i.title for i in figures["important"]]
    assert "Done already" not in [i.title for i in figures["important"]]
    rows = {r["team"]: r for r in figures["patterns"]["rows"]}
    # five cells: 4 (+1 done) line1 quality, 1 each elsewhere; hot from max(3, 2 × mean)
    assert rows["Line 1"]["total"] == 5
    quality = next(c for c in rows["Line 1"]["cells"] if c["category"] == "Quality")
    assert (quality["count"], quality["hot"]) == (5, True)
    safety = next(c for c in rows["Line 2"]["cells"] if c["category"] == "Safety")
    assert (safety["count"], safety["hot"]) == (1, False)
    assert "scope=team%3Aline1" in quality["url"] and "category=quality" in quality["url"]

    html = client_as(org.executive).get("/").content.decode()
    assert 'class="num hot"' in html
    # the list behind a hot spot: line1's quality problems this month
    page = client_as(org.executive).get(quality["url"].replace("&amp;", "&")).content.decode()
    assert "5 items you may see" in page
