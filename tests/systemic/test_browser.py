"""Systemic issues in a real browser: a lead opens one from suggestions and sees its trend."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ideas import services
from ideas.models import Idea
from systemic import services as svc
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
