"""Real Chromium: a lead closes an item with a structured learning note; another team's lead
finds it in the learning library, marks it reused and sees it counted and first; the team
scorecard shows it under flow and learning and the under-escalation beside solved-at-tier."""

import pytest

from ideas import services
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_structured_learning_is_marked_reused_and_leads_the_library(org, new_page):
    first = services.idea_create(actor=org.member, team=org.line1, title="Older lesson",
                                 category="quality")
    services.idea_transition(idea_id=first.pk, to="in_progress", actor=org.lead)
    services.idea_transition(idea_id=first.pk, to="done", actor=org.lead, learning="Old")
    idea = services.idea_create(actor=org.member, team=org.line1, title="Glue dries slowly",
                                category="quality")
    services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
    services.idea_create(actor=org.member, team=org.line1, title="Needs a press",
                         category="cost", required_spend=900)
    problems = []

    desk = new_page()
    desk.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    browser_login(desk, "lead")
    desk.wait_for_url("**/")
    desk.goto(f"/ideas/{idea.pk}/")
    desk.get_by_test_id("action-done").locator("summary").click()
    desk.fill("#id_done_learning_expected", "Warm glue sets in a minute")
    desk.fill("#id_done_learning_happened", "It took three: the room is cold")
    desk.fill("#id_done_learning_next_time", "Check the room first")
    desk.get_by_test_id("confirm-done").click()
    desk.wait_for_url(f"**/ideas/{idea.pk}/")
    assert "Check the room first" in desk.get_by_test_id("learning-structured").inner_text()

    other = new_page()
    browser_login(other, "supervisor")
    other.wait_for_url("**/")
    other.goto("/learning/")
    lessons = other.get_by_test_id("lesson")
    assert lessons.first.inner_text().startswith("Glue dries slowly")  # the newest
    lessons.nth(1).get_by_test_id(f"mark-reused-{org.sup.pk}").click()
    other.wait_for_url("**/learning/**")
    assert lessons.first.inner_text().startswith("Older lesson")  # the most reused first
    assert "Reused by 1 team" in lessons.first.get_by_test_id("lesson-marked").inner_text()

    desk.goto("/scorecards/teams/line1/?period=week")
    groups = desk.locator("[data-testid^=group-]")
    assert groups.first.get_attribute("data-testid") == "group-flow"
    over = desk.get_by_test_id("tile-over_authority_unescalated")
    assert over.locator(".tile-value").inner_text() == "1"
    over.get_by_test_id("drill-over_authority_unescalated").click()
    desk.wait_for_url("**/scorecards/items/**")
    assert "Needs a press" in desk.locator("main").inner_text()
    assert not problems
