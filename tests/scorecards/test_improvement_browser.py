"""Real Chromium: a team lead reads the system work on the team scorecard (protected vs used
per week, evidence beside learning) and opens the done items with evidence; an executive
follows a top systemic issue from the home page."""

import pytest

from scorecards.services import snapshot_take
from systemic.models import SystemicIssue, SystemicLink
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_reads_the_system_work_and_opens_the_items_with_evidence(org, sys_world,
                                                                      new_page):
    snapshot_take(day=sys_world.day, now=sys_world.now)
    page = new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    browser_login(page, "lead")
    page.wait_for_url("**/")
    page.goto("/scorecards/teams/line1/")
    assert page.get_by_test_id("tile-evidence_share").locator(".tile-value").inner_text() \
        == "50%"
    assert page.get_by_test_id("tile-capacity_honoured").locator(".tile-value").inner_text() \
        == "40%"
    assert page.get_by_test_id("tile-missed_reviews").locator(".tile-value").inner_text() == "2"
    weeks = page.get_by_test_id("capacity-weeks").locator("tbody tr")
    assert weeks.count() == 6
    assert "10.0 h" in weeks.last.inner_text() and "4.0 h" in weeks.last.inner_text()
    assert page.get_by_test_id("level-focus").count() == 0

    page.get_by_test_id("drill-evidence").click()
    page.wait_for_url("**/scorecards/items/**")
    body = page.locator("main").inner_text()
    assert "Done exp" in body and "Done kpi" in body
    assert "Done plain" not in body and "Done undecided" not in body
    assert not problems


def test_an_executive_follows_a_top_systemic_issue_from_home(org, sys_world, new_page):
    issue = SystemicIssue.objects.create(title="Scrap from worn jigs", statement="Recurs",
                                         owner_team=org.plant, created_by=org.manager)
    for idea in sys_world.done.values():
        SystemicLink.objects.create(issue=issue, idea=idea, linked_by=org.manager)
    page = new_page()
    browser_login(page, "executive")
    page.wait_for_url("**/")
    card = page.get_by_test_id("exec-systemic")
    assert card.locator("svg.sparkline").count() == 1
    card.get_by_role("link", name="Scrap from worn jigs").click()
    page.wait_for_url(f"**/systemic-issues/{issue.pk}/")
