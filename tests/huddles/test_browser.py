"""Real Chromium: a lead runs the stand-up from the board while a TV in the hallway shows the
wall screen through a display link."""

import re
import time
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from huddles import services
from huddles.models import BoardSettings, Huddle, SqdcDay
from ideas.models import Idea
from tests.conftest import browser_login
from tests.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFRESH = 2  # seconds between wall polls in this test
ONE_REFRESH_MS = (REFRESH + 2) * 1000  # one interval plus the request itself


def _wait_for(page, predicate, timeout=5.0):
    """Waits while letting Playwright deliver its events (time.sleep would block them)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        page.wait_for_timeout(100)
    return False


def test_lead_runs_the_huddle_and_the_wall_follows(org, new_page):
    idea = IdeaFactory(team=org.line1, reporter=org.member, title="Torque gun slips",
                       category="safety")
    BoardSettings.objects.create(team=org.line1, refresh_seconds=REFRESH)
    link, key = services.display_link_create(team=org.line1, actor=org.lead, label="Hall TV")

    # The TV: nobody logged in, just the display link, at 1920×1080.
    wall = new_page(width=1920, height=1080)
    wall_statuses: list[int] = []
    wall.on("response", lambda r: "/wall/" in r.url and wall_statuses.append(r.status))
    wall.goto(f"/boards/line1/wall/?{urlencode({'key': key})}")
    expect(wall.get_by_test_id("wall-column-new")).to_contain_text("Torque gun slips")
    wall.evaluate("window.__notReloaded = true")
    # Unchanged polls answer 304 and the board stays on the screen.
    assert _wait_for(wall, lambda: wall_statuses.count(304) >= 1, timeout=ONE_REFRESH_MS / 1000 * 2)
    expect(wall.get_by_test_id("wall-column-new")).to_contain_text("Torque gun slips")

    lead = new_page(width=1440, height=1000)
    browser_login(lead, "lead")
    lead.goto("/boards/line1/")
    card = lead.locator(f"#card-{idea.pk}")
    expect(lead.get_by_test_id("column-new")).to_contain_text("Torque gun slips")

    # Drag the card from New to In progress (native HTML5 drag and drop).
    card.drag_to(lead.get_by_test_id("column-in_progress"))
    expect(lead.get_by_test_id("column-in_progress")).to_contain_text("Torque gun slips")
    expect(lead.get_by_test_id("board-notice")).to_contain_text("Moved")
    assert Idea.objects.get(pk=idea.pk).status == "in_progress"

    # The TV shows the move within one refresh, without reloading.
    expect(wall.get_by_test_id("wall-column-in_progress")).to_contain_text(
        "Torque gun slips", timeout=ONE_REFRESH_MS)
    expect(wall.get_by_test_id("wall-column-new")).not_to_contain_text("Torque gun slips")
    assert wall.evaluate("window.__notReloaded") is True

    # Safety goes red: the note is asked for in a small dialog.
    lead.get_by_test_id("set-safety-red").click()
    dialog = lead.locator("#board-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("textarea[name=note]").fill("Slip near press 4, floor cleaned")
    lead.get_by_test_id("sqdc-save").click()
    expect(dialog).to_be_hidden()
    expect(lead.get_by_test_id("letter-safety")).to_have_attribute("data-status", "red")
    expect(lead.get_by_test_id("letter-safety")).to_contain_text("Slip near press 4")
    row = SqdcDay.objects.get(team=org.line1, category="safety")
    assert (row.status, row.note) == ("red", "Slip near press 4, floor cleaned")
    expect(wall.get_by_test_id("wall-letter-safety")).to_have_attribute(
        "data-status", "red", timeout=ONE_REFRESH_MS)

    # The huddle: start, tick attendance, a note, end.
    lead.get_by_test_id("start-huddle").click()
    expect(lead.get_by_test_id("end-huddle")).to_be_visible()
    expect(lead.get_by_test_id("elapsed")).to_have_text(re.compile(r"\d+ min \d\d s"))
    expect(lead.get_by_test_id("attend-lead")).to_be_checked()
    with lead.expect_response(lambda r: "/attendance/" in r.url) as answer:
        lead.get_by_test_id("attend-member").check()
    assert answer.value.status == 204
    lead.get_by_test_id("huddle-notes").fill("Guard ordered for press 4")
    lead.get_by_test_id("huddle-guests").fill("Safety rep")
    expect(lead.get_by_test_id("discussed").first).to_be_visible()
    lead.get_by_test_id("discussed").first.click()
    expect(lead.get_by_test_id("discussed").first).to_have_text("✓ Discussed")
    lead.get_by_test_id("end-huddle").click()
    expect(lead.get_by_test_id("huddle-summary")).to_contain_text("2 of 2 attended plus 1 guest")
    huddle = Huddle.objects.get(team=org.line1)
    assert huddle.ended_at is not None and huddle.notes == "Guard ordered for press 4"
    assert huddle.guest_list == ["Safety rep"]
    assert set(huddle.attendees.values_list("username", flat=True)) == {"lead", "member"}
    assert list(huddle.discussed.all()) == [Idea.objects.get(pk=idea.pk)]
    expect(wall.get_by_test_id("wall-huddle")).to_contain_text("Held", timeout=ONE_REFRESH_MS)

    # The lead revokes the display link: the TV is refused at its next refresh.
    lead.goto("/boards/line1/settings/")
    lead.on("dialog", lambda d: d.accept())
    lead.get_by_test_id(f"revoke-{link.pk}").click()
    expect(lead.get_by_test_id(f"link-{link.pk}")).to_contain_text("revoked")
    expect(wall.get_by_test_id("wall-refused")).to_be_visible(timeout=ONE_REFRESH_MS)
    expect(wall.get_by_test_id("wall-refused")).to_contain_text("revoked")
    assert wall.evaluate("window.__notReloaded") is True
    assert wall_statuses[-1] == 403
    response = wall.reload()
    assert response.status == 403
    expect(wall.get_by_test_id("wall-refused")).to_be_visible()


def test_keyboard_move_and_stale_card(org, new_page):
    """The Move to… list works without a mouse; a card someone else moved meanwhile comes back
    in its true place with a message (409)."""
    idea = IdeaFactory(team=org.line1, reporter=org.member, title="Label printer jams")
    lead = new_page()
    browser_login(lead, "lead")
    lead.goto("/boards/line1/")
    # Someone else moves it first; this board still shows the old version.
    services.board_move(team=org.line1, idea_id=idea.pk, to="in_progress", actor=org.admin,
                        version=idea.version)
    select = lead.get_by_test_id("move-select")
    select.focus()
    select.select_option("parked")
    select.press("Tab")
    lead.keyboard.press("Enter")
    expect(lead.get_by_test_id("board-notice")).to_contain_text("changed by someone else")
    expect(lead.get_by_test_id("column-in_progress")).to_contain_text("Label printer jams")
    assert Idea.objects.get(pk=idea.pk).status == "in_progress"

    # Closing as done asks for the learning note first.
    lead.get_by_test_id("move-select").select_option("done")
    lead.get_by_test_id("move-select").press("Tab")
    lead.keyboard.press("Enter")
    dialog = lead.locator("#board-dialog")
    expect(dialog).to_be_visible()
    expect(lead.get_by_test_id("move-learning")).to_be_focused()
    lead.get_by_test_id("move-learning").fill("Clean the print head weekly")
    lead.get_by_test_id("move-confirm").click()
    expect(dialog).to_be_hidden()
    expect(lead.get_by_test_id("column-done")).to_contain_text("Label printer jams")
    assert Idea.objects.get(pk=idea.pk).learning == "Clean the print head weekly"


def test_lead_logs_improvement_time_from_the_board(org, new_page):
    """From a card: the quick entry in the board's dialog; a refused amount is explained in the
    dialog; a good one closes it and the protected vs used strip shows the new hours — and the
    wall screen of the team follows at its next refresh."""
    from datetime import timedelta

    from django.utils import timezone

    from capacity import services as capacity_services
    from capacity.models import TeamCapacity, TimeEntry

    idea = IdeaFactory(team=org.line1, reporter=org.member, title="Label printer jams")
    BoardSettings.objects.create(team=org.line1, refresh_seconds=REFRESH)
    capacity_services.capacity_set(team=org.line1, actor=org.lead, unit="hours", amount=4)
    TeamCapacity.objects.filter(team=org.line1).update(
        created_at=timezone.now() - timedelta(weeks=6))
    link, key = services.display_link_create(team=org.line1, actor=org.lead, label="Hall TV")
    wall = new_page(width=1920, height=1080)
    wall.goto(f"/boards/line1/wall/?{urlencode({'key': key})}")
    expect(wall.get_by_test_id("wall-capacity")).to_contain_text("0 of 4 h")

    lead = new_page(width=1440, height=1000)
    browser_login(lead, "lead")
    lead.goto("/boards/line1/")
    this_week = lead.get_by_test_id("capacity-week").last
    expect(this_week).to_contain_text("This week")
    expect(this_week).to_contain_text("0 of 4 h")
    expect(this_week).to_contain_text("Under half so far")

    lead.locator(f"#card-{idea.pk}").get_by_test_id("log-time").click()
    dialog = lead.locator("#board-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Label printer jams")
    hours = dialog.locator("input[name=hours]")
    expect(hours).to_be_focused()
    expect(dialog.locator("input[name=date]")).to_have_value(
        timezone.localdate().isoformat())
    hours.fill("25")
    lead.get_by_test_id("time-save").click()
    expect(lead.get_by_test_id("hours-errors")).to_contain_text("at most 24")
    expect(dialog).to_be_visible()
    assert not TimeEntry.objects.exists()

    dialog.locator("input[name=hours]").fill("2.5")
    dialog.locator("input[name=note]").fill("Cleaned the print head")
    lead.get_by_test_id("time-save").click()
    expect(dialog).to_be_hidden()
    expect(lead.get_by_test_id("board-notice")).to_contain_text("Logged 2.5 h")
    this_week = lead.get_by_test_id("capacity-week").last
    expect(this_week).to_contain_text("2.5 of 4 h")
    expect(this_week).not_to_contain_text("Under half")
    entry = TimeEntry.objects.get()
    assert (entry.user, entry.idea_id, entry.team, str(entry.hours), entry.note) == (
        org.lead, idea.pk, org.line1, "2.50", "Cleaned the print head")

    expect(wall.get_by_test_id("wall-capacity")).to_contain_text(
        "2.5 of 4 h", timeout=ONE_REFRESH_MS)
