"""Real Chromium at 1920×1080: nothing on the wall stays hidden. An over-full column is
compacted, then paged, so that every card lies fully on screen at some moment of every
minute; the cards new since the last huddle carry the marker; a card logged while the wall is
open arrives with the next poll and comes round without anyone touching the screen.

Time is Playwright's clock (installed, then paused on a page boundary and advanced in 10 s
steps), never real waiting; the polls are real requests to the live server."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from huddles import services
from huddles.models import BoardSettings, Huddle
from ideas import services as idea_services
from ideas.models import Idea
from tests.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TV = {"width": 1920, "height": 1080}
STEP_MS = 10_000  # one page
MINUTE_STEPS = 6  # snapshots at 0, 10, …, 60 s

# At this moment: the ids of the cards whose box lies fully inside the viewport and inside
# every ancestor that clips (the card list, the column, the page) and that nothing covers at
# their centre, with the first line of the title inside ("seen"); those of them with titles under 16 px ("small": the wall's smallest
# card type is 17 px); those of them whose "New" marker is fully visible ("marked").
ON_SCREEN_JS = """
() => {
  const eps = 1;
  const within = (r, b) => r.left >= b.left - eps && r.right <= b.right + eps &&
    r.top >= b.top - eps && r.bottom <= b.bottom + eps;
  const viewport = {left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight};
  // Fully inside the viewport and inside every ancestor (below ``top``) that clips.
  const unclipped = (node, top) => {
    const r = node.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || !within(r, viewport)) return false;
    for (let el = node.parentElement; el && el !== top; el = el.parentElement) {
      const s = getComputedStyle(el);
      if ((s.overflowX !== "visible" || s.overflowY !== "visible") &&
          !within(r, el.getBoundingClientRect())) return false;
    }
    return true;
  };
  const seen = [], small = [], marked = [];
  for (const card of document.querySelectorAll("[data-testid=card]")) {
    if (!unclipped(card, document.documentElement)) continue;
    const style = getComputedStyle(card);
    if (style.visibility !== "visible" || Number(style.opacity) < 1) continue;
    const r = card.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit || !card.contains(hit)) continue;
    // Not squashed either: the first line of its title lies inside the card.
    const line = card.querySelector(".card-title").getClientRects()[0];
    if (!line || !within(line, r)) continue;
    const id = Number(card.dataset.idea);
    seen.push(id);
    const title = parseFloat(getComputedStyle(card.querySelector(".card-title")).fontSize);
    if (title < 16) small.push(id);
    const marker = card.querySelector("[data-testid=new-marker]");
    if (marker && unclipped(marker, card)) marked.push(id);
  }
  return {seen, small, marked};
}
"""


def _on_screen(page, marked: list | None = None) -> set[int]:
    found = page.evaluate(ON_SCREEN_JS)
    assert not found["small"], f"titles under 16 px: {found['small']}"
    if marked is not None:
        marked.append(set(found["marked"]))
    return set(found["seen"])


def _indicator(page, column: str = "new") -> str | None:
    badge = page.get_by_test_id(f"wall-page-{column}")
    return badge.text_content() if badge.is_visible() else None


def _open_wall(new_page, key: str):
    """The TV: the display link at 1920×1080, its clock installed and paused one second into
    a 10 s page slot, so every step below shows the next page."""
    page = new_page(**TV)
    page.clock.install()
    page.goto(f"/boards/line1/wall/?{urlencode({'key': key})}")
    expect(page.get_by_test_id("wall-board")).to_be_visible()
    now_ms = page.evaluate("Date.now()")
    page.clock.pause_at((now_ms // STEP_MS + 1) * STEP_MS / 1000 + 1)
    page.evaluate("window.__notReloaded = true")
    return page


def _watch_a_minute(page, column: str = "new", marked: list | None = None
                    ) -> tuple[set[int], list[set[int]], list]:
    """Snapshots at 0, 10, …, 60 s: (cards seen at some moment, each snapshot, indicators)."""
    snapshots, indicators = [], []
    for step in range(MINUTE_STEPS + 1):
        if step:
            page.clock.run_for(STEP_MS)
        snapshots.append(_on_screen(page, marked))
        indicators.append(_indicator(page, column))
    return set().union(*snapshots), snapshots, indicators


def _logged(title: str, ago: timedelta, **fields) -> Idea:
    idea = IdeaFactory(title=title, **fields)
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - ago)
    return idea


def _over_full_board(org) -> tuple[set[int], set[int]]:
    """Line 1 with 40 cards in New (10 logged since yesterday's huddle, three of them high
    priority so they sort first, the rest last) and a few elsewhere: (all ids, new ids)."""
    base = {"team": org.line1, "reporter": org.member}
    start = timezone.now() - timedelta(days=1)
    Huddle.objects.create(team=org.line1, date=timezone.localdate(start), started_at=start,
                          ended_at=start + timedelta(minutes=15))
    old = [_logged(f"Recurring jam at station {i} on the main conveyor", timedelta(days=3),
                   **base) for i in range(30)]
    new = [_logged(f"Fresh issue {i}: guard loose", timedelta(hours=2),
                   priority="high" if i < 3 else "normal", **base) for i in range(10)]
    elsewhere = [_logged(f"Being fixed {i}", timedelta(days=4), status="in_progress",
                         started_at=timezone.now(), **base) for i in range(3)]
    return {i.pk for i in old + new + elsewhere}, {i.pk for i in new}


def test_an_over_full_column_is_compacted_then_paged_so_every_card_shows_in_a_minute(
        org, new_page):
    everything, new_ids = _over_full_board(org)
    _, key = services.display_link_create(team=org.line1, actor=org.lead, label="Hall TV")
    page = _open_wall(new_page, key)
    column = page.get_by_test_id("wall-column-new")
    expect(column.locator("[data-testid=card]")).to_have_count(40)  # all in the page

    marked: list[set[int]] = []
    seen, snapshots, indicators = _watch_a_minute(page, marked=marked)
    assert seen == everything, f"never fully on screen: {everything - seen}"
    # It took paging: no single moment shows the whole column …
    assert all(len(s) < len(everything) for s in snapshots)
    # … of compact cards (shrunk before paging), with "n / m" on the column header, every
    # page coming round within the minute.
    assert column.get_attribute("data-fit") == "compact"
    pages = int(indicators[0].split(" / ")[1])
    assert 2 <= pages <= 6
    assert {int(i.split(" / ")[0]) for i in indicators} == set(range(1, pages + 1))
    assert all(i == f"{int(i.split(' / ')[0])} / {pages}" for i in indicators)
    # Consecutive snapshots show consecutive pages.
    numbers = [int(i.split(" / ")[0]) for i in indicators]
    assert all(b == a % pages + 1 for a, b in zip(numbers, numbers[1:], strict=False))
    # The other columns fit as they are.
    expect(page.get_by_test_id("wall-page-in_progress")).to_be_hidden()
    assert page.get_by_test_id("wall-column-in_progress").get_attribute("data-fit") == "normal"

    # The cards new since the last huddle, and only they, carry the marker, and it is visible
    # whenever they are on screen.
    tagged = page.locator("[data-testid=card]:has([data-testid=new-marker])").evaluate_all(
        "cards => cards.map(c => Number(c.dataset.idea))")
    assert set(tagged) == new_ids
    assert all(m == s & new_ids for m, s in zip(marked, snapshots, strict=True))
    assert set().union(*marked) == new_ids
    assert page.evaluate("window.__notReloaded") is True


def test_a_moderately_full_column_is_compacted_without_paging(org, new_page):
    base = {"team": org.line1, "reporter": org.member}
    ten = {_logged(f"Guard rail loose near cell {i}", timedelta(days=2), **base).pk
           for i in range(10)}
    _, key = services.display_link_create(team=org.line1, actor=org.lead, label="Hall TV")
    page = _open_wall(new_page, key)
    column = page.get_by_test_id("wall-column-new")
    assert column.get_attribute("data-fit") == "compact"  # ten do not fit at normal size
    assert _on_screen(page) == ten  # all at once
    page.clock.run_for(3 * STEP_MS)
    assert _on_screen(page) == ten
    expect(page.get_by_test_id("wall-page-new")).to_be_hidden()


def test_a_card_logged_while_the_wall_is_open_comes_round_without_a_touch(org, new_page):
    everything, _ = _over_full_board(org)
    BoardSettings.objects.create(team=org.line1, refresh_seconds=15)
    _, key = services.display_link_create(team=org.line1, actor=org.lead, label="Hall TV")
    page = _open_wall(new_page, key)
    page.clock.run_for(STEP_MS)  # the wall is paging

    # Logged from a phone: normal priority, the newest, so it sorts to the last page.
    logged = idea_services.idea_create(actor=org.member, team=org.line1,
                                       title="Oil leak under press 7", category="safety")
    with page.expect_response(lambda r: "/wall/" in r.url and r.status == 200):
        page.clock.run_for(16_000)  # past the 15 s poll: a real request to the live server
    card = page.locator(f'[data-idea="{logged.pk}"]')
    expect(card).to_be_attached()
    expect(card.get_by_test_id("new-marker")).to_have_count(1)

    seen, _, indicators = _watch_a_minute(page)
    assert logged.pk in seen
    assert seen == everything | {logged.pk}  # and the paging goes on over the new board
    assert all(indicators)
    expect(card).to_contain_text("Oil leak under press 7")
    assert page.evaluate("window.__notReloaded") is True


@pytest.mark.parametrize("broken", ["no script", "no paging"])
def test_the_check_fails_when_the_wall_hides_cards(org, new_page, broken):
    """The minute's check is able to fail: without wall.js (cards at normal size, clipped by
    the column) or with its page turns disabled (compact cards, clipped), cards are never
    fully on screen."""
    everything, _ = _over_full_board(org)
    _, key = services.display_link_create(team=org.line1, actor=org.lead, label="Hall TV")
    page = new_page(**TV)

    def serve(route):
        if broken == "no script":
            return route.abort()
        body = route.fetch().text()
        turn = 'card.classList.toggle("is-off-page", i !== index)'
        assert turn in body
        return route.fulfill(body=body.replace(turn, "void card"),
                             content_type="text/javascript")

    page.route("**/js/wall*.js", serve)
    page.clock.install()
    page.goto(f"/boards/line1/wall/?{urlencode({'key': key})}")
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)
    seen, _, _ = _watch_a_minute(page)
    assert everything - seen, "with cards hidden, the check must find them"
