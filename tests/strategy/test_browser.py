"""Real Chromium: an executive sets a priority with a KPI; the deploy form says what is missing
until the success criteria are stated; the executive deploys it to the manager tier (one hop
down); the plant manager accepts and cascades it to the supervisors with their own ask; the
supervisor counters, the manager revises, the supervisor accepts and cascades it to Line 1,
whose lead accepts; the priority page shows the tree. A front-line member links a new idea to
the priority on the idea form and sees its why-now; the priority page shows the idea and the
alignment moves."""

import os
from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from ideas.models import Idea
from strategy.models import KPI, AnnualGoal, Deployment, Objective, Priority
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("TIERLINE_SCREENSHOTS")
WHY = "Scrap doubled with the new bracket supplier; it costs more than our overtime."


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"strategy-{name}.png"), full_page=True)


def _login(page, user, live_server) -> None:
    """Logs in by session cookie (the real login form is tested elsewhere): keeps this fast."""
    client = Client()
    client.force_login(user, backend="org.backends.UsernameOrEmailBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value,
                               "url": live_server.url}])
    page.goto("/")


def _csp_errors(page) -> list:
    errors = []
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text else None)
    return errors


def test_deploy_catchball_and_link_an_idea(org, new_page, live_server):
    today = timezone.localdate()
    objective = Objective.objects.create(title="Right first time", horizon_year=today.year + 3)
    goal = AnnualGoal.objects.create(objective=objective, year=today.year,
                                     title="Scrap from 4% to 2.5%")

    # The executive creates the priority …
    ex = new_page()
    csp = _csp_errors(ex)
    browser_login(ex, "executive")
    ex.wait_for_url("**/")
    ex.goto("/strategy/")
    ex.get_by_test_id("new-priority").click()
    ex.select_option("#id_goal", str(goal.pk))
    ex.fill("#id_title", "Cut scrap on the assembly lines")
    ex.fill("#id_why_now", WHY)
    ex.select_option("#id_owner_team", str(org.plant.pk))
    ex.fill("#id_start", date(today.year, 1, 1).isoformat())
    ex.fill("#id_end", date(today.year, 12, 31).isoformat())
    ex.get_by_role("button", name="Create priority").click()
    ex.wait_for_url("**/strategy/priorities/*/")
    priority = Priority.objects.get(title="Cut scrap on the assembly lines")
    assert WHY in ex.get_by_test_id("why-now").inner_text()

    # … with a KPI …
    ex.get_by_test_id("add-kpi").click()
    ex.fill("#id_name", "Scrap rate")
    ex.fill("#id_unit", "%")
    ex.check("input[name=direction][value=down]")
    ex.fill("#id_baseline", "4")
    ex.fill("#id_target", "2.5")
    ex.select_option("#id_owner_team", str(org.sup.pk))
    ex.get_by_role("button", name="Add KPI").click()
    ex.wait_for_url(f"**/strategy/priorities/{priority.pk}/#kpis")
    assert KPI.objects.filter(priority=priority, name="Scrap rate").exists()
    assert "No reading yet" in ex.get_by_test_id("kpi").inner_text()

    # … and would deploy it: the (open) deploy form says what is missing first.
    missing = ex.get_by_test_id("clarity-missing")
    assert "State the success criteria" in missing.inner_text()
    assert ex.get_by_role("button", name="Propose to the teams").count() == 0
    missing.get_by_role("link", name="Edit the priority").click()
    ex.fill("#id_success_criteria", "Scrap at or below 2.5% for three months running.")
    ex.get_by_role("button", name="Save").click()
    ex.wait_for_url(f"**/strategy/priorities/{priority.pk}/")

    # Deployments go one tier down: Line 1 is not offered, the plant manager's team is.
    ex.get_by_test_id("deploy").locator("summary").click()
    assert ex.get_by_label("Line 1 (tier 1)").count() == 0
    ex.get_by_label("Plant (tier 3)").check()
    ex.fill("#id_ask", "Cut scrap by a fifth this year across the plant.")
    ex.get_by_role("button", name="Propose to the teams").click()
    ex.wait_for_url("**#deployments")
    assert ex.get_by_test_id("deployment").count() == 1
    _shot(ex, "01-priority-deployed")
    plant = Deployment.objects.get(team=org.plant)

    # The plant manager accepts on My work, then cascades it to the supervisors.
    manager = new_page()
    _login(manager, org.manager, live_server)
    card = manager.get_by_test_id("awaiting-deployment")
    assert "Cut scrap on the assembly lines" in card.inner_text() and WHY in card.inner_text()
    card.get_by_role("button", name="Accept").click()  # htmx swaps the card for the answer
    answered = manager.get_by_test_id("answered-deployment")
    assert "Accepted" in answered.inner_text()
    answered.get_by_test_id("see-catchball").click()
    manager.wait_for_url(f"**/strategy/priorities/{priority.pk}/#deployment-{plant.pk}")
    cascade = manager.get_by_test_id("cascade")
    cascade.locator("summary").click()
    cascade.get_by_role("button", name="Propose to my teams").click()  # no ask: refused
    assert "a cascade needs its own ask" in manager.get_by_test_id("cascade").inner_text()
    cascade = manager.get_by_test_id("cascade")
    cascade.get_by_label("Supervisors (tier 2)").check()
    cascade.locator("textarea").fill("Halve scrap on Line 1; hold Line 2.")
    cascade.get_by_role("button", name="Propose to my teams").click()
    manager.wait_for_url(f"**#deployment-{plant.pk}")
    sup_d = Deployment.objects.get(team=org.sup)
    assert (sup_d.parent_id, sup_d.proposed_by_id) == (plant.pk, org.manager.pk)
    _shot(manager, "02-manager-cascaded")

    # The supervisor counters with a comment …
    sup = new_page()
    _login(sup, org.supervisor, live_server)
    card = sup.get_by_test_id("awaiting-deployment")
    assert "Halve scrap on Line 1" in card.inner_text()
    card.get_by_role("button", name="Counter").click()  # no comment: refused in place
    assert "a counter needs a comment" in sup.get_by_role("alert").inner_text()
    card = sup.get_by_test_id("awaiting-deployment")
    card.locator("textarea").fill("Line 1 only until the press line is rebuilt in Q3.")
    card.get_by_role("button", name="Counter").click()
    assert "Countered" in sup.get_by_test_id("answered-deployment").inner_text()

    # … the manager, who proposed this hop, revises it …
    manager.goto(f"/strategy/priorities/{priority.pk}/")
    sup_card = manager.locator(f"#deployment-{sup_d.pk}")
    assert "press line is rebuilt in Q3" in sup_card.inner_text()
    manager.fill(f"#revise-{sup_d.pk}", "Agreed: Line 1 first.")
    manager.fill(f"#revise-ask-{sup_d.pk}", "Halve scrap on Line 1 this year.")
    sup_card.locator("form.revise-form button").click()
    manager.wait_for_selector(f"#deployment-{sup_d.pk}.state-proposed")

    # … the supervisor accepts and cascades it to Line 1, whose lead accepts.
    sup.goto("/")
    sup.get_by_test_id("awaiting-deployment").get_by_role("button", name="Accept").click()
    sup.get_by_test_id("answered-deployment").get_by_test_id("see-catchball").click()
    cascade = sup.get_by_test_id("cascade")
    cascade.locator("summary").click()
    cascade.get_by_label("Line 1 (tier 1)").check()
    cascade.locator("textarea").fill("Find and fix the top three scrap causes at the saw.")
    cascade.get_by_role("button", name="Propose to my teams").click()
    sup.wait_for_url(f"**#deployment-{sup_d.pk}")
    lead = new_page()
    _login(lead, org.lead, live_server)
    card = lead.get_by_test_id("awaiting-deployment")
    assert "top three scrap causes" in card.inner_text()
    card.get_by_role("button", name="Accept").click()
    assert "Accepted" in lead.get_by_test_id("answered-deployment").inner_text()
    states = dict(Deployment.objects.values_list("team__slug", "state"))
    assert states == {"plant": "accepted", "sup": "accepted", "line1": "accepted"}

    # The executive sees the tree from the priority: plant → supervisors → Line 1.
    ex.goto(f"/strategy/priorities/{priority.pk}/")
    tree = ex.get_by_test_id("deployment-tree")
    line1 = tree.locator("[data-team=plant] [data-team=sup] [data-team=line1]")
    assert line1.get_attribute("data-depth") == "2"
    assert line1.locator("> div.row [data-testid=deployment-state]").inner_text() == "Accepted"
    assert ex.get_by_test_id("cascade").count() == 0  # executives do not cascade
    _shot(ex, "03-tree")

    # A front-line member notes the alignment, then logs an idea that serves the priority.
    member = new_page(width=375, height=740)
    _login(member, org.member, live_server)
    member.goto(f"/strategy/priorities/{priority.pk}/")
    assert member.get_by_test_id("alignment-aligned").inner_text() == "0"
    member.goto("/ideas/new/")
    member.fill("#id_title", "Offcuts pile up at the saw")
    member.fill("#id_description", "Every shift we throw away good brackets.")
    member.click("label.choice:has-text('Cost')")
    member.get_by_test_id("more-details").locator("summary").click()
    picker = member.get_by_test_id("priority-picker")
    option = picker.locator("label").filter(has_text="Cut scrap on the assembly lines")
    assert WHY in option.inner_text()  # the why-now shows where people pick
    option.click()
    _shot(member, "04-idea-form-picker")
    member.get_by_test_id("submit-idea").click()
    member.wait_for_url("**/ideas/*/")
    idea = Idea.objects.get(title="Offcuts pile up at the saw")
    assert list(idea.priorities.all()) == [priority]
    panel = member.get_by_test_id("strategy-idea-panel")
    assert "Cut scrap on the assembly lines" in panel.inner_text() and WHY in panel.inner_text()
    _shot(member, "05-idea-page-panel")

    # The priority page shows the idea, and the alignment moved.
    member.goto(f"/strategy/priorities/{priority.pk}/")
    assert "Offcuts pile up at the saw" in member.get_by_test_id("linked-ideas").inner_text()
    assert member.get_by_test_id("alignment-aligned").inner_text() == "1"
    assert member.get_by_test_id("alignment-share").inner_text() == "100%"
    assert member.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(member, "06-priority-page-375")
    assert not csp, csp
