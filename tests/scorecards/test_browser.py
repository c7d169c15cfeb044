"""Real Chromium: an executive opens the executive home, drills from the organisation to a
tier, a team and the aging items behind a number, and downloads the CSV."""

import csv
import io

import pytest

from scorecards.services import snapshot_take
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_executive_drills_down_to_the_aging_items_and_downloads_them(org, world, new_page):
    snapshot_take(day=world.day, now=world.now)
    page = new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    browser_login(page, "executive")
    page.wait_for_url("**/")
    panel = page.get_by_test_id("executive-panel")
    assert "The organisation at a glance" in panel.inner_text()
    assert "stalled" in page.get_by_test_id("exec-escalations").inner_text()

    page.get_by_test_id("open-scorecard").click()
    page.wait_for_url("**/scorecards/")
    assert page.get_by_test_id("scorecard-title").inner_text() == "Organisation scorecard"
    assert page.get_by_test_id("tile-aging_now").locator(".tile-value").inner_text() == "2"
    assert page.locator(".tile svg.sparkline").count() >= 1 or \
        page.locator(".tile .spark-empty").count() >= 1

    page.get_by_role("link", name="Tier 1 · Front line").click()
    page.wait_for_url("**/scorecards/tiers/1/**")
    assert page.get_by_test_id("scorecard-title").inner_text() == "Tier 1 · Front line scorecard"

    page.get_by_role("link", name="Line 1", exact=True).click()
    page.wait_for_url("**/scorecards/teams/line1/**")
    aging = page.get_by_test_id("tile-aging_now")
    assert aging.locator(".tile-value").inner_text() == "1"

    page.get_by_test_id("drill-aging_now").click()
    page.wait_for_url("**/scorecards/items/**")
    rows = page.get_by_test_id("item-row")
    assert rows.count() == 1
    assert f"#{world.items['E'].pk}" in rows.first.inner_text()

    with page.expect_download() as info:
        page.get_by_test_id("items-csv").click()
    download = info.value
    assert download.suggested_filename.startswith("items-line-1-aging-")
    with open(download.path(), encoding="utf-8") as handle:
        table = list(csv.reader(io.StringIO(handle.read())))
    assert table[0][:2] == ["id", "title"]
    assert [int(r[0]) for r in table[1:]] == [world.items["E"].pk]

    # The period switcher swaps the card in place (htmx) and keeps a working address.
    page.go_back()
    page.wait_for_url("**/scorecards/teams/line1/**")
    page.get_by_test_id("period").select_option("week")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**period=week**")
    assert "Last 7 days" in page.get_by_test_id("scorecard").inner_text()
    assert not [p for p in problems if "Content Security Policy" in p], problems
