"""Real Chromium: the front-line journey at phone width, the lead's moves, learning, badge."""

import os

import pytest

from ideas.models import Idea
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("TIERLINE_SCREENSHOTS")  # a folder: keep screenshots to look at


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_phone_user_logs_lead_moves_closes_reporter_sees_badge(org, new_page):
    # A front-line member, on a phone, logs a problem in one form.
    phone = new_page(width=375, height=740)
    browser_login(phone, "member")
    phone.goto("/ideas/new/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scroll
    phone.fill("#id_title", "Glove dispenser empty at station 4")
    phone.fill("#id_description", "Third time this week; people work without gloves.")
    phone.click("label.choice:has-text('Safety')")
    assert phone.locator("#id_team").input_value() == str(org.line1.pk)  # defaults to my team
    submit = phone.get_by_test_id("submit-idea")
    box = submit.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a large touch target
    _shot(phone, "01-quick-form-375")
    submit.click()
    phone.wait_for_url("**/ideas/*/")
    assert "is logged for Line 1" in phone.locator(".messages").inner_text()
    idea = Idea.objects.get()
    assert idea.category == "safety" and idea.reporter == org.member
    # ... and sees it in the list.
    phone.goto("/ideas/")
    row = phone.get_by_test_id("idea-row").filter(has_text="Glove dispenser empty")
    assert row.count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(phone, "02-list-375")

    # The team lead moves it to in progress.
    desk = new_page()
    browser_login(desk, "lead")
    desk.goto(f"/ideas/{idea.pk}/")
    desk.get_by_test_id("action-in_progress").click()
    desk.wait_for_load_state()
    assert desk.get_by_test_id("status").inner_text() == "In progress"
    assert "Moved to in progress" in desk.locator(".messages").inner_text()

    # Closing without learning is refused with a message.
    desk.locator("[data-testid=action-done] > summary").click()
    desk.get_by_test_id("confirm-done").click()
    desk.wait_for_load_state()
    assert "needs a learning note" in desk.locator(".messages").inner_text()
    assert desk.get_by_test_id("status").inner_text() == "In progress"
    _shot(desk, "03-refused-without-learning")

    # Closing with learning puts it in the learning library.
    desk.fill("#id_done_learning", "Dispensers empty fastest on Mondays: refill on Friday.")
    desk.fill("#id_done_actual_hours_per_year", "20")
    desk.get_by_test_id("confirm-done").click()
    desk.wait_for_load_state()
    assert desk.get_by_test_id("status").inner_text() == "Done"
    desk.goto("/learning/")
    lesson = desk.get_by_test_id("lesson").filter(has_text="refill on Friday")
    assert lesson.count() == 1
    _shot(desk, "04-learning")

    # The reporter sees the notification badge (refreshed by htmx) and the notifications.
    phone.goto("/")
    badge = phone.get_by_test_id("notif-badge")
    assert badge.is_visible() and int(badge.inner_text()) >= 2
    _shot(phone, "05-home-375")
    phone.goto("/notifications/")
    assert "is now done" in phone.get_by_test_id("notifications").inner_text()


def test_filters_swap_with_htmx_and_keep_a_shareable_url(org, new_page):
    from ideas import services

    services.idea_create(actor=org.member, team=org.line1, title="Forklift horn broken",
                         category="safety")
    services.idea_create(actor=org.member, team=org.line1, title="Label printer jams",
                         category="quality")
    page = new_page()
    browser_login(page, "member")
    page.goto("/ideas/")
    page.select_option("select[name=category]", "safety")
    page.wait_for_url("**/ideas/?*category=safety*")
    page.get_by_test_id("result-count").filter(has_text="1 item").wait_for()
    assert page.get_by_test_id("idea-row").count() == 1
    page.fill("#id_q", "printer")
    page.get_by_test_id("result-count").filter(has_text="0 items").wait_for()
    shared = page.url
    assert "q=printer" in shared and "category=safety" in shared
    other = new_page()
    browser_login(other, "lead")
    other.goto(shared)
    assert other.locator("#id_q").input_value() == "printer"
    assert other.get_by_test_id("idea-row").count() == 0


def test_edit_in_place_comment_and_watch(org, new_page):
    from ideas import services

    idea = services.idea_create(actor=org.member, team=org.line1, title="Oil on floor",
                                category="safety")
    page = new_page()
    browser_login(page, "member")
    page.goto(f"/ideas/{idea.pk}/")
    page.get_by_test_id("edit").click()
    page.get_by_test_id("edit-form").wait_for()
    page.fill("#id_title", "Oil on floor by press 3")
    page.get_by_test_id("save").click()
    page.get_by_test_id("idea-title").filter(has_text="by press 3").wait_for()
    assert page.url.endswith(f"/ideas/{idea.pk}/")  # stayed on the page
    page.fill("#id_text", "Leak comes from the hydraulic hose @lead")
    page.get_by_test_id("comment-submit").click()
    page.get_by_test_id("comment").filter(has_text="hydraulic hose").wait_for()
    assert page.locator(".mention").first.inner_text() == "@lead"
    page.get_by_test_id("unwatch").click()
    page.get_by_test_id("watch").wait_for()
    assert not idea.watchers.filter(pk=org.member.pk).exists()
