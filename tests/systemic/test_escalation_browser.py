"""Real Chromium: the owner team's lead escalates a systemic issue from its page — starting the
tracking item and escalating it in one go, then back on the issue, which shows the escalation."""

import pytest

from escalation.models import Escalation
from systemic import services as svc
from systemic.models import SystemicIssue
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_escalates_a_systemic_issue_from_its_page(org, new_page):
    issue = svc.systemic_issue_create(
        actor=org.supervisor, title="Brackets run short at the line side",
        statement="Lines stop waiting for brackets.", category="delivery", owner_team=org.sup)
    page = new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    browser_login(page, "supervisor")
    page.wait_for_url("**/")
    page.goto(f"/systemic-issues/{issue.pk}/")
    panel = page.get_by_test_id("systemic-escalation")
    assert "Not escalated" in panel.get_by_test_id("systemic-escalation-state").inner_text()

    panel.get_by_test_id("systemic-track-escalate").click()
    page.wait_for_url("**/escalations/new/**")
    idea = SystemicIssue.objects.get().tracking_idea
    assert idea is not None and idea.team == org.sup
    assert page.get_by_test_id("route-team").inner_text() == "Plant"
    page.get_by_label("Resources (people, time, equipment)").check()
    page.locator("#id_ask").fill("Approve a second supplier for brackets")
    page.get_by_test_id("confirm-escalation").click()

    page.wait_for_url(f"**/systemic-issues/{issue.pk}/")
    state = page.get_by_test_id("systemic-escalation-state").inner_text()
    assert "Escalated to Plant" in state and "Open" in state
    assert page.get_by_test_id("systemic-escalate").count() == 0
    [escalation] = Escalation.objects.all()
    assert (escalation.idea_id, escalation.to_team_id, escalation.raised_by_id) == (
        idea.pk, org.plant.pk, org.supervisor.pk)

    # The tracking item's page tells the same story.
    page.get_by_test_id("tracking-idea").click()
    page.wait_for_url(f"**/ideas/{idea.pk}/")
    assert "Waiting on Plant" in page.get_by_test_id("escalation-waiting").inner_text()
    assert problems == []


def test_a_member_elsewhere_sees_the_state_but_no_button(org, new_page):
    issue = svc.systemic_issue_create(
        actor=org.supervisor, title="Brackets run short at the line side",
        statement="Lines stop waiting for brackets.", category="delivery", owner_team=org.sup)
    svc.systemic_issue_track(issue_id=issue.pk, actor=org.supervisor)
    page = new_page()
    browser_login(page, "member")
    page.wait_for_url("**/")
    page.goto(f"/systemic-issues/{issue.pk}/")
    assert "Not escalated" in page.get_by_test_id("systemic-escalation-state").inner_text()
    assert page.get_by_test_id("systemic-escalate").count() == 0
