"""Real Chromium on a wall screen served by the ASGI server, its poll set to an hour so that
only the push can bring changes: each change — from a service, from a bulk SQL UPDATE as the
aging scan makes, a badge-only escalation acknowledgement, an SQDC letter, a huddle — reaches
the screen without a poll; a revoked link is refused the same way. With Redis and without.

How fast is `make bench`'s to say (change-to-screen p95 over thousands of streams): here a
change has ARRIVES_MS to show, far below the hour-long poll, so only the push can pass, and a
loaded test machine cannot fail it."""

import time
import urllib.request
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from escalation import services as escalation_services
from huddles import services as huddle_services
from huddles.models import BoardSettings
from ideas import services as idea_services

from .conftest import session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TV = {"width": 1920, "height": 1080}
ARRIVES_MS = 10_000  # the push or nothing: the fallback poll is set to an hour


@pytest.fixture(scope="module", params=["redis", "no-redis"])
def server(request, django_db_setup, tmp_path_factory):
    from .server import AsgiServer

    asgi = AsgiServer(tmp_path_factory.mktemp("asgi-browser"),
                      redis=request.param == "redis", TIERLINE_PUSH_HEARTBEAT_SECONDS="5")
    asgi.start()
    yield asgi
    asgi.stop()


def _warm_up(server, key, times: int = 6):
    """Every worker has rendered a wall once (a cold worker's first render, with its imports
    and templates, is not what the 2 s are about)."""
    for _ in range(times):
        with urllib.request.urlopen(
                f"{server.url}/boards/line1/wall/?{urlencode({'key': key})}", timeout=30):
            pass


def _open_wall(browser, server, key):
    _warm_up(server, key)
    context = browser.new_context(base_url=server.url, viewport=TV)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"/boards/line1/wall/?{urlencode({'key': key})}")
    expect(page.get_by_test_id("wall-board")).to_be_visible()
    expect(page.locator("[data-live-events]")).to_have_attribute("data-live-state", "open")
    return context, page


def _timed(latencies, name, change, check):
    """Makes the change (committed when ``change`` returns), then waits for it on the screen
    (ARRIVES_MS at most): the latency from the commit, kept for the failure message."""
    change()
    began = time.monotonic()
    check()
    latencies[name] = time.monotonic() - began


def test_every_kind_of_change_is_pushed_to_the_wall(org, browser, server):
    BoardSettings.objects.update_or_create(team=org.line1, defaults={"refresh_seconds": 3600})
    link, key = huddle_services.display_link_create(team=org.line1, actor=org.lead,
                                                    label="Hall TV")
    idea = idea_services.idea_create(actor=org.member, team=org.line1, title="Leaking valve",
                                     category="safety")
    context, page = _open_wall(browser, server, key)
    try:
        requests = []
        page.on("request", lambda r: requests.append(r.url) if "/wall/" in r.url
                and "events" not in r.url else None)
        wall = page.get_by_test_id("wall-board")
        latencies: dict[str, float] = {}

        _timed(latencies, "item logged",
               lambda: idea_services.idea_create(actor=org.member, team=org.line1,
                                                 title="Forklift horn broken",
                                                 category="safety"),
               lambda: expect(wall.get_by_text("Forklift horn broken")).to_be_visible(
                   timeout=ARRIVES_MS))

        def aging_scan():
            with connection.cursor() as cur:
                cur.execute("UPDATE ideas_idea SET aging_flagged_at = now() WHERE id = %s",
                            [idea.pk])

        card = wall.locator(f"[data-idea='{idea.pk}']")
        _timed(latencies, "bulk UPDATE",
               aging_scan, lambda: expect(card.get_by_text("Aging")).to_be_visible(
                   timeout=ARRIVES_MS))

        _timed(latencies, "SQDC letter",
               lambda: huddle_services.sqdc_set(team=org.line1, day=timezone.localdate(),
                                                category="quality", status="amber",
                                                actor=org.member),
               lambda: expect(wall.get_by_test_id("wall-letter-quality")).to_have_attribute(
                   "data-status", "amber", timeout=ARRIVES_MS))

        escalation = escalation_services.escalation_raise(
            idea_id=idea.pk, reason="resources", ask="A fitter, please", actor=org.lead)
        expect(card.get_by_text("Escalation open")).to_be_visible(timeout=ARRIVES_MS)
        _timed(latencies, "escalation acknowledged (badge only)",
               lambda: escalation_services.escalation_acknowledge(
                   escalation_id=escalation.pk, actor=org.supervisor),
               lambda: expect(card.get_by_text("Escalation acknowledged")).to_be_visible(
                   timeout=ARRIVES_MS))

        _timed(latencies, "huddle started",
               lambda: huddle_services.huddle_start(team=org.line1, actor=org.lead),
               lambda: expect(wall.get_by_test_id("wall-huddle")).to_contain_text(
                   "In progress", timeout=ARRIVES_MS))

        # The wall's paging still works on the refreshed board.
        expect(page.get_by_test_id("wall-column-new")).to_have_attribute("data-fit", "normal")
        assert len(requests) <= len(latencies) + 2  # one refresh per change, no polling

        _timed(latencies, "link revoked",
               lambda: huddle_services.display_link_revoke(link_id=link.pk, actor=org.lead),
               lambda: expect(page.get_by_text("revoked or has expired")).to_be_visible(
                   timeout=ARRIVES_MS))
        expect(page.locator("[data-live-events]")).to_have_attribute("data-live-state",
                                                                     "refused")
    finally:
        context.close()


def test_an_open_board_follows_changes_made_elsewhere(org, browser, server):
    BoardSettings.objects.update_or_create(team=org.line1, defaults={"refresh_seconds": 3600})
    idea = idea_services.idea_create(actor=org.member, team=org.line1, title="Loose handrail",
                                     category="safety")
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    name, _, value = session_cookie(org.lead).partition("=")
    context.add_cookies([{"name": name, "value": value, "url": server.url}])
    try:
        page = context.new_page()
        page.goto("/boards/line1/")
        board = page.get_by_test_id("board")
        expect(board.get_by_role("link", name="Loose handrail")).to_be_visible()
        expect(page.locator("[data-live-events]")).to_have_attribute("data-live-state", "open")

        idea_services.idea_create(actor=org.member, team=org.line1, title="Dust on sensor",
                                  category="quality")
        expect(board.get_by_role("link", name="Dust on sensor")).to_be_visible(
            timeout=ARRIVES_MS)

        escalation = escalation_services.escalation_raise(
            idea_id=idea.pk, reason="resources", ask="A fitter, please", actor=org.lead)
        card = board.locator(f"[data-idea='{idea.pk}']")
        expect(card.get_by_text("Escalation open")).to_be_visible(timeout=ARRIVES_MS)
        escalation_services.escalation_acknowledge(escalation_id=escalation.pk,
                                                   actor=org.supervisor)
        expect(card.get_by_text("Escalation acknowledged")).to_be_visible(timeout=ARRIVES_MS)
    finally:
        context.close()
