"""The wall renders every card (the screen decides what fits, static/js/wall.js) and marks
the cards new since the team's last huddle; a card logged anywhere changes the wall's
version. What the screen shows at 1920×1080 is tested in Chromium (test_wall_browser.py)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from huddles import services
from huddles.models import Huddle
from ideas import services as idea_services
from ideas.models import Idea
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

POLL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "wall-board"}
CARD = re.compile(r'<li class="card wall-card([^"]*)" data-testid="card" data-idea="(\d+)"'
                  r'([^>]*)>')


def _cards(html: str) -> dict[int, tuple[str, str]]:
    """{idea id: (classes, other attributes)} of the wall cards in ``html``."""
    return {int(pk): (classes, rest) for classes, pk, rest in CARD.findall(html)}


def _new_ids(html: str) -> set[int]:
    return {pk for pk, (classes, _) in _cards(html).items() if "is-new" in classes.split()}


def _logged(idea: Idea, ago: timedelta) -> Idea:
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - ago)
    return idea


def _huddle(team, started_ago: timedelta, *, ended: bool = True) -> Huddle:
    start = timezone.now() - started_ago
    return Huddle.objects.create(team=team, date=timezone.localdate(start), started_at=start,
                                 ended_at=start + timedelta(minutes=15) if ended else None)


class TestEveryCardRendered:
    def test_an_over_full_column_renders_every_card(self, org, card, client_as):
        ideas = [card(title=f"Problem number {i}") for i in range(40)]
        html = client_as(org.member).get("/boards/line1/wall/").content.decode()
        assert set(_cards(html)) == {i.pk for i in ideas}
        assert all(f"Problem number {i}<" in html for i in range(40))
        assert "more</p>" not in html  # no "+ N more": nothing is cut on the server
        # Each column has its page indicator, empty and hidden until the screen pages.
        assert 'data-testid="wall-page-new" hidden>' in html
        assert 'data-testid="wall-page-escalated" hidden>' in html

    def test_a_poll_renders_every_card_too(self, org, card, client, display_link):
        _, key = display_link()
        ideas = [card(title=f"P{i}") for i in range(30)]
        ideas.append(card(title="Secret", is_private=True))
        html = client.get("/boards/line1/wall/", {"key": key}, **POLL).content.decode()
        assert set(_cards(html)) == {i.pk for i in ideas}
        assert "Secret" not in html and "Private item" in html

    def test_query_count_does_not_grow_with_new_cards_or_huddles(self, org, cards, client_as):
        client = client_as(org.member)
        cards(10)
        no_huddle = count_queries(client, "/boards/line1/wall/")
        _huddle(org.line1, timedelta(days=3))
        _huddle(org.line1, timedelta(days=1))
        cards(200)
        assert count_queries(client, "/boards/line1/wall/") == no_huddle


class TestNewSinceLastHuddle:
    def test_cards_logged_after_the_latest_huddle_started_are_new(self, org, card,
                                                                  client_as):
        before = _logged(card(title="Before"), timedelta(days=2))
        between = _logged(card(title="Between"), timedelta(hours=30))
        after = _logged(card(title="After"), timedelta(hours=2))
        _huddle(org.line1, timedelta(days=3))
        _huddle(org.line1, timedelta(days=1))  # the latest: "Between" was logged before it
        html = client_as(org.member).get("/boards/line1/wall/").content.decode()
        assert _new_ids(html) == {after.pk}
        assert set(_cards(html)) == {before.pk, between.pk, after.pk}
        assert html.count('data-testid="new-marker"') == 1
        # A huddle's start is exact: no expiry for the screen to apply.
        assert "data-new-until" not in html

    def test_a_running_huddle_counts_from_its_start(self, org, card, client_as):
        earlier = _logged(card(title="Logged this morning"), timedelta(hours=3))
        services.huddle_start(team=org.line1, actor=org.lead)
        during = card(title="Logged during the huddle")
        html = client_as(org.member).get("/boards/line1/wall/").content.decode()
        assert _new_ids(html) == {during.pk}
        assert earlier.pk in _cards(html)

    def test_other_teams_huddles_do_not_count(self, org, card, client_as):
        recent = _logged(card(title="Recent"), timedelta(hours=5))
        _huddle(org.line2, timedelta(hours=1))
        html = client_as(org.member).get("/boards/line1/wall/").content.decode()
        assert _new_ids(html) == {recent.pk}

    def test_without_a_huddle_the_last_24_hours_are_new(self, org, card, client):
        old = _logged(card(title="Two days old"), timedelta(hours=48))
        recent = _logged(card(title="This morning"), timedelta(hours=5))
        _, key = services.display_link_create(team=org.line1, actor=org.lead, label="TV")
        html = client.get("/boards/line1/wall/", {"key": key}).content.decode()
        assert _new_ids(html) == {recent.pk}
        assert old.pk in _cards(html)
        # The screen drops the marker when the day is over (nothing re-renders the wall then).
        attrs = _cards(html)[recent.pk][1]
        recent.refresh_from_db()
        until = int((recent.created_at + timedelta(hours=24)).timestamp())
        assert f'data-new-until="{until}"' in attrs

    def test_escalated_to_us_and_private_cards_are_marked_too(self, org, card, client,
                                                             display_link):
        _huddle(org.line1, timedelta(hours=6))
        private = card(title="Confidential", is_private=True)
        asked = card(team=org.line2, reporter=org.other, title="Need a hand")
        idea_services.idea_set_waiting(idea_id=asked.pk, team=org.line1, actor=org.other)
        _, key = display_link()
        html = client.get("/boards/line1/wall/", {"key": key}).content.decode()
        assert _new_ids(html) == {private.pk, asked.pk}
        assert "Confidential" not in html

    def test_the_marker_comes_first_on_the_card(self, org, card, client_as):
        card(title="Fresh", priority="high", required_spend=100)
        html = client_as(org.member).get("/boards/line1/wall/").content.decode()
        meta = html[html.index('<div class="card-meta">'):]
        assert meta.index("new-marker") < meta.index("High") < meta.index("Spend")


class TestLoggedAnywhereReachesTheWall:
    def test_an_item_logged_through_the_service_changes_the_version(self, org, card, client,
                                                                   display_link):
        for i in range(40):
            card(title=f"Existing {i}")
        _, key = display_link()
        first = client.get("/boards/line1/wall/", {"key": key}, **POLL)
        etag = first["ETag"]
        assert client.get("/boards/line1/wall/", {"key": key}, HTTP_IF_NONE_MATCH=etag,
                          **POLL).status_code == 304
        logged = idea_services.idea_create(actor=org.other, team=org.line1,
                                           title="Oil on the floor at press 2",
                                           category="safety")
        poll = client.get("/boards/line1/wall/", {"key": key}, HTTP_IF_NONE_MATCH=etag, **POLL)
        assert poll.status_code == 200 and poll["ETag"] != etag
        html = poll.content.decode()
        assert "Oil on the floor at press 2" in html and logged.pk in _new_ids(html)
        assert len(_cards(html)) == 41

    def test_unchanged_poll_stays_cheap(self, org, card, client, display_link,
                                        django_assert_max_num_queries):
        _huddle(org.line1, timedelta(hours=1))
        for i in range(40):
            card(title=f"Existing {i}")
        _, key = display_link()
        etag = Client().get("/boards/line1/wall/", {"key": key}, **POLL)["ETag"]
        with django_assert_max_num_queries(2):
            again = client.get("/boards/line1/wall/", {"key": key}, HTTP_IF_NONE_MATCH=etag,
                               **POLL)
        assert again.status_code == 304 and again.templates == []
