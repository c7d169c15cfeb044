"""Real Chromium: a lead logs improvement time from the item page; a user opens a systemic
issue and sees its trend."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ideas import services
from ideas import system_services as svc
from ideas.models import Idea, TimeEntry
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_logs_improvement_time_from_the_item_page(org, new_page):
    idea = services.idea_create(actor=org.member, team=org.line1, title="Jig wobbles",
                                category="quality")
    page = new_page()
    browser_login(page, "lead")
    page.goto(f"/ideas/{idea.pk}/")
    panel = page.get_by_test_id("time-panel")
    assert "0 h" in panel.get_by_test_id("time-total").inner_text()

    # Too much for one day: refused in place, nothing saved.
    panel.locator("#id_hours").fill("25")
    panel.get_by_test_id("log-time").click()
    page.get_by_test_id("time-panel").get_by_text("log at most 24").wait_for()
    assert not TimeEntry.objects.exists()

    panel = page.get_by_test_id("time-panel")
    panel.locator("#id_hours").fill("1.5")
    panel.locator("#id_note").fill("Shimmed the jig")
    panel.get_by_test_id("log-time").click()
    page.get_by_test_id("time-panel").get_by_role("status").wait_for()
    total = page.get_by_test_id("time-total").inner_text()
    assert "1.5 h" in total
    assert "Shimmed the jig" in page.get_by_test_id("time-entry").first.inner_text()
    entry = TimeEntry.objects.get()
    assert (entry.user, entry.team, entry.hours) == (org.lead, org.line1, Decimal("1.5"))

    # The team's capacity page shows it against the protected time.
    svc.capacity_set(team=org.line1, actor=org.lead, unit="hours", amount="6")
    page.goto("/capacity/line1/")
    assert "6 h a week" in page.get_by_test_id("protected").inner_text()
    this_week = page.get_by_test_id("capacity-weeks").locator("tbody tr").last
    assert "1.5 h" in this_week.inner_text() and "25 %" in this_week.inner_text()


def test_user_opens_a_systemic_issue_and_sees_its_trend(org, new_page):
    issue = svc.systemic_issue_create(
        actor=org.supervisor, title="Brackets run short at the line side",
        statement="Lines stop waiting for brackets.", category="delivery", owner_team=org.sup)
    ages = [150, 150, 151, 90, 40, 0]  # five months ago ×3, three months, one, this month
    ideas = []
    for i, days in enumerate(ages):
        idea = services.idea_create(
            actor=org.member if i % 2 else org.other, team=org.line1 if i % 2 else org.line2,
            title=f"Out of brackets {i}", category="delivery", is_private=i == 1)
        Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - timedelta(days=days))
        ideas.append(idea)
    svc.systemic_link(issue_id=issue.pk, idea_ids=[i.pk for i in ideas if not i.is_private],
                      actor=org.supervisor)
    svc.systemic_link(issue_id=issue.pk, idea_ids=[ideas[1].pk], actor=org.lead)  # Line 1's

    page = new_page()
    browser_login(page, "other")  # Line 2: cannot see Line 1's private item
    page.goto("/systemic-issues/")
    row = page.get_by_test_id("issue-row").filter(has_text="Brackets run short")
    assert row.get_by_test_id("problem-count").inner_text() == "6"
    assert row.locator("svg.sparkline").count() == 1
    row.get_by_role("link", name="Brackets run short at the line side").click()
    page.wait_for_url(f"**/systemic-issues/{issue.pk}/")

    chart = page.get_by_test_id("trend-chart")
    chart.wait_for()
    bars = chart.locator("g.bar")
    assert bars.count() == 12
    counts = [int(bars.nth(i).get_attribute("data-count")) for i in range(12)]
    assert sum(counts) == 6 and counts[-1] == 1
    assert page.get_by_test_id("trend").first.inner_text() in ("Falling", "Rising", "Steady")
    problems = page.get_by_test_id("linked-problem")
    assert problems.count() == 6
    assert problems.filter(has_text="Private item").count() == 1
    assert "Out of brackets 1" not in page.content()
