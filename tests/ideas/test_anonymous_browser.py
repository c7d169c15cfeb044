"""Real Chromium: a member raises a safety problem without their name from the phone-size form
(the hint suggests it, nothing is pre-ticked), the lead sees it without the name, the member
finds it on My work."""

import pytest

from ideas.models import Idea
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_raises_anonymously_lead_sees_no_name_member_follows_it(org, new_page):
    phone = new_page(width=375, height=740)
    browser_login(phone, "member")
    phone.goto("/ideas/new/")
    hint = phone.get_by_test_id("anonymous-hint")
    box = phone.locator("input[name=anonymous]")
    assert not hint.is_visible() and not box.is_checked()
    phone.fill("#id_title", "Foreman shouts at new starters")
    phone.fill("#id_description", "New starters are afraid to stop the line.")
    phone.click("label.choice:has-text('Quality')")
    assert not hint.is_visible()  # suggested only for safety and people problems
    phone.click("label.choice:has-text('Safety')")
    assert hint.is_visible() and not box.is_checked()  # a hint, never ticked for the person
    phone.click("label.choice:has-text('People')")
    assert hint.is_visible()
    phone.click("label.checkbox:has-text('Raise it without my name')")
    assert box.is_checked() and not hint.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_test_id("submit-idea").click()
    phone.wait_for_url("**/ideas/*/")
    idea = Idea.objects.get()
    assert idea.is_anonymous and idea.reporter_id is None and idea.category == "people"
    assert phone.get_by_test_id("anonymous-mine").is_visible()

    # The lead sees the problem, not who raised it.
    desk = new_page()
    browser_login(desk, "lead")
    desk.goto("/ideas/")
    row = desk.get_by_test_id("idea-row").filter(has_text="Foreman shouts")
    assert row.count() == 1 and "Anonymous" in row.inner_text()
    row.locator("a.idea-title").click()
    desk.wait_for_url(f"**/ideas/{idea.pk}/")
    assert "logged anonymously" in desk.locator("main").inner_text()
    assert desk.get_by_test_id("anonymous").is_visible()
    assert desk.get_by_test_id("anonymous-mine").count() == 0
    timeline = desk.get_by_test_id("timeline").inner_text()
    assert "The reporter (anonymous)" in timeline and org.member.name not in timeline
    assert org.member.name not in desk.get_by_test_id("watchers").inner_text()

    # The member finds it on My work.
    phone.goto("/")
    mine = phone.get_by_test_id("home-reported")
    assert "Foreman shouts" in mine.inner_text() and "Anonymous" in mine.inner_text()
    mine.get_by_text("Foreman shouts").click()
    phone.wait_for_url(f"**/ideas/{idea.pk}/")
    assert phone.get_by_test_id("anonymous-mine").is_visible()
