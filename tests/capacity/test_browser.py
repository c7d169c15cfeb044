"""Improvement time in a real browser: a member logs time from the item page."""

from decimal import Decimal

import pytest

from capacity import services as svc
from capacity.models import TimeEntry
from ideas import services
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
