"""Real Chromium: an executive opens the executive scorecard from the home panel, reads the
figures, and follows a systemic issue to its page and its persistence trend."""

from datetime import timedelta

import pytest

from scorecards.services import snapshot_take
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_executive_opens_the_scorecard_and_a_systemic_issue_trend(org, exe, new_page):
    for back in (1, 0):
        snapshot_take(day=exe.day - timedelta(days=back), now=exe.now)
    page = new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    browser_login(page, "executive")
    page.wait_for_url("**/")

    page.get_by_test_id("executive-panel").get_by_test_id("open-executive-scorecard").click()
    page.wait_for_url("**/scorecards/executive/")
    assert page.get_by_test_id("executive-title").inner_text() == "Executive scorecard"
    tile = page.get_by_test_id("exec-tile-clarity_share")
    assert tile.locator(".tile-value").inner_text() == "33%"
    assert "success criteria, a KPI, an owner team and a why-now" in tile.inner_text()
    assert tile.locator("svg.sparkline").count() == 1  # two nightly snapshots → a trend
    assert page.get_by_test_id("exec-tile-capacity_share").locator(".tile-value") \
        .inner_text() == "33%"
    assert "Vague" in page.get_by_test_id("clarity-shortfalls").inner_text()
    assert page.get_by_test_id("coverage-count").inner_text() == "3 of 7 teams are covered."

    # The period switcher swaps the card in place and keeps a working address.
    page.get_by_test_id("period").select_option("week")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**period=week**")
    assert "Last 7 days" in page.get_by_test_id("executive-period").inner_text()
    assert page.get_by_test_id("exec-tile-received").locator(".tile-value").inner_text() == "3"

    row = page.get_by_test_id("issue-row").filter(has_text="Torque drift")
    assert row.locator("svg.sparkline").count() == 1
    row.get_by_test_id("issue-link").click()
    page.wait_for_url(f"**/systemic-issues/{exe.issue.pk}/")
    assert page.get_by_test_id("issue-title").inner_text() == "Torque drift"
    trend = page.get_by_test_id("trend-panel")
    assert "problems per month" in trend.inner_text()
    bars = trend.locator("g.bar")
    assert bars.count() == 12
    assert [int(c) for c in (bars.nth(9).get_attribute("data-count"),
                             bars.nth(10).get_attribute("data-count"),
                             bars.nth(11).get_attribute("data-count"))] == [1, 0, 3]
    assert not [p for p in problems if "Content Security Policy" in p], problems
