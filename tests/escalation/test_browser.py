"""Real Chromium: a front-line member escalates a spend above their tier's limit and sees the
preview route it to the right tier; a manager acknowledges and resolves it from the inbox; the
member sees the decision on the item and the card back on their board."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from escalation.models import Escalation, RoutingRule
from ideas import services as idea_services
from ideas.models import Idea
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_escalate_acknowledge_resolve_and_decision_back_on_the_item(org, new_page):
    RoutingRule.objects.create(order=20, kind=RoutingRule.Kind.SPEND)
    idea = idea_services.idea_create(
        actor=org.member, team=org.line1, title="New guard for press 4", category="safety",
        required_spend=Decimal("20000"))

    # The front-line member: the item page offers to escalate; the preview routes it.
    member = new_page()
    browser_login(member, "member")
    member.goto(f"/ideas/{idea.pk}/")
    panel = member.get_by_test_id("escalation-panel")
    expect(panel.get_by_test_id("needs-approval")).to_be_visible()
    panel.get_by_test_id("escalate-button").click()
    expect(member).to_have_url(re.compile(rf"/escalations/new/\?idea={idea.pk}$"))
    preview = member.get_by_test_id("route-preview")
    expect(preview.get_by_test_id("route-team")).to_have_text("Plant")
    expect(preview.get_by_test_id("route-tier")).to_contain_text("Tier 3")
    expect(member.locator("input[name=reason][value=authority]")).to_be_checked()
    # a smaller spend would stay with the supervisors: the preview follows the form (htmx)
    member.fill("#id_requested_spend", "3000")
    member.locator("#id_requested_spend").blur()
    expect(preview.get_by_test_id("route-team")).to_have_text("Supervisors")
    member.fill("#id_requested_spend", "20000")
    member.locator("#id_requested_spend").blur()
    expect(member.get_by_test_id("route-team")).to_have_text("Plant")
    expect(member.get_by_test_id("route-due-ack")).not_to_be_empty()
    member.fill("#id_ask", "Approve 20,000 for a fixed guard on the press 4 feed table.")
    member.get_by_test_id("confirm-escalation").click()
    expect(member.get_by_test_id("esc-state")).to_have_text("Open")
    esc = Escalation.objects.get(idea=idea)
    assert esc.to_team == org.plant and esc.requested_spend == Decimal("20000")

    # The manager: acknowledge with one click, then resolve with a decision, in the inbox.
    manager = new_page()
    browser_login(manager, "manager")
    manager.goto("/escalations/")
    row = manager.locator(f"#esc-{esc.pk}")
    expect(row.get_by_test_id("esc-state")).to_have_text("Open")
    row.get_by_test_id("acknowledge").click()
    row = manager.locator(f"#esc-{esc.pk}")
    expect(row.get_by_test_id("esc-state")).to_have_text("Acknowledged")
    row.get_by_test_id("open-resolve").click()
    row.get_by_test_id("resolve-decision").fill("")
    row.get_by_test_id("resolve").click()  # no decision: refused in place
    expect(manager.locator(f"#esc-{esc.pk}")).to_contain_text("decision text is required")
    row = manager.locator(f"#esc-{esc.pk}")
    row.get_by_test_id("resolve-decision").fill("Approved: fit the fixed guard this week.")
    row.get_by_test_id("resolve-spend").fill("20000")
    row.get_by_test_id("resolve").click()
    expect(manager.locator(f"#esc-{esc.pk}").get_by_test_id("esc-state")).to_have_text(
        "Resolved")

    # Back with the member: the decision on the item, the card back on their board.
    member.goto(f"/ideas/{idea.pk}/")
    decision = member.get_by_test_id("escalation-decision")
    expect(decision).to_contain_text("Approved: fit the fixed guard this week.")
    expect(decision).to_contain_text("20,000.00")
    member.goto(f"/boards/{org.line1.slug}/")
    card = member.locator(f"#card-{idea.pk}")
    expect(card).to_contain_text("Approved: fit the fixed guard this week.")
    expect(card).not_to_contain_text("Waiting on")
    fresh = Idea.objects.get(pk=idea.pk)
    assert fresh.waiting_on_team_id is None and fresh.status == "new"


def test_cross_team_conflict_structured_at_the_top_and_both_views(org, new_page):
    """A member names the other team of a conflict: the preview routes it to the two teams'
    lowest common ancestor and asks for the structure only when that is the top tier; the
    other team adds its view and the holder sees both."""
    idea = idea_services.idea_create(actor=org.member, team=org.line1, category="quality",
                                     title="Torque guns leave with the other line")

    member = new_page()
    browser_login(member, "member")
    member.goto(f"/escalations/new/?idea={idea.pk}")
    structured = member.get_by_test_id("structured-fields")
    other_field = member.get_by_test_id("other-team-field")
    expect(other_field).to_be_hidden()
    member.locator("input[name=reason][value=cross_team]").check()
    expect(other_field).to_be_visible()
    expect(member.get_by_test_id("route-error")).to_contain_text("Name the other team")
    # a conflict with Maintenance goes to the top tier: the structured fields appear
    member.select_option("#id_other_team", label="Maintenance")
    expect(member.get_by_test_id("route-team")).to_have_text("Executive")
    expect(structured).to_be_visible()
    # with Line 2 it stays with the Supervisors: no structure asked
    member.select_option("#id_other_team", label="Line 2")
    expect(member.get_by_test_id("route-team")).to_have_text("Supervisors")
    expect(structured).to_be_hidden()
    member.fill("#id_ask", "We need a rule for the shared torque guns.")
    member.get_by_test_id("confirm-escalation").click()
    expect(member.get_by_test_id("esc-other-team")).to_contain_text("Line 2")
    esc = Escalation.objects.get(idea=idea)
    assert (esc.to_team, esc.other_team) == (org.sup, org.line2)
    member.get_by_test_id("view-form-line1").locator("textarea").fill("We start two short.")
    member.get_by_test_id("view-form-line1").get_by_test_id("save-view").click()
    expect(member.locator("[data-testid=conflict-view][data-team=line1]")).to_contain_text(
        "We start two short.")

    other = new_page()
    browser_login(other, "other")
    other.goto("/escalations/")
    other.get_by_test_id("naming-my-teams").get_by_role("link").first.click()
    form = other.get_by_test_id("view-form-line2")
    form.locator("textarea").fill("Ours are away for calibration half the month.")
    form.get_by_test_id("save-view").click()

    holder = new_page()
    browser_login(holder, "supervisor")
    holder.goto(f"/escalations/{esc.pk}/")
    views = holder.get_by_test_id("conflict-views")
    expect(views.locator("[data-team=line1]")).to_contain_text("We start two short.")
    expect(views.locator("[data-team=line2]")).to_contain_text("Ours are away for calibration")
    expect(holder.get_by_test_id("view-form-line1")).to_have_count(0)
