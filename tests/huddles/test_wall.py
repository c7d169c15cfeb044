"""The wall screen: layout, display links, conditional polling and query counts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from huddles import services
from huddles.models import DisplayLink
from ideas.models import Idea
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

POLL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "wall-board"}


def _poll(client, url, etag, **params):
    return client.get(url, params, HTTP_IF_NONE_MATCH=etag, **POLL)


class TestWallPage:
    def test_logged_in_wall_has_no_navigation(self, org, card, client_as):
        card(title="Loose guard rail")
        card(title="Hidden thing", is_private=True)
        response = client_as(org.other).get("/boards/line1/wall/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Loose guard rail" in html and "Hidden thing" not in html
        assert 'class="mainnav"' not in html and "Line 1" in html
        assert 'data-clock="time"' in html and "every 30s" in html
        assert response["Cache-Control"] == "no-store"

    def test_refresh_interval_is_the_teams(self, org, client_as):
        services.board_settings_update(team=org.line1, actor=org.lead, refresh_seconds=5)
        assert b"every 5s" in client_as(org.member).get("/boards/line1/wall/").content

    def test_anonymous_without_a_key_logs_in(self, org, client):
        response = client.get("/boards/line1/wall/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        poll = client.get("/boards/line1/wall/", HTTP_IF_NONE_MATCH='"x"', **POLL)
        assert poll.status_code == 403 and b"Log in again" in poll.content

    def test_wall_shows_letters_huddle_and_columns(self, org, card, client_as):
        services.sqdc_set(team=org.line1, day=timezone.localdate(), category="safety",
                          status="red", note="Slip", actor=org.member)
        services.huddle_start(team=org.line1, actor=org.lead)
        for i in range(14):
            card(title=f"Queue item {i}")
        html = client_as(org.member).get("/boards/line1/wall/").content.decode()
        assert 'data-testid="wall-letter-safety" data-status="red"' in html
        assert "In progress since" in html
        # Every card is rendered; the screen compacts and pages them (test_wall_browser.py).
        assert all(f"Queue item {i}<" in html for i in range(14))
        assert "{#" not in html and "{%" not in html


class TestDisplayLinks:
    def test_read_only_board_with_private_items_masked(self, org, card, client,
                                                       display_link):
        card(title="Public problem")
        card(title="Harassment report", is_private=True)
        link, key = display_link()
        response = client.get("/boards/line1/wall/", {"key": key})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Public problem" in html and "Private item" in html
        assert "Harassment report" not in html
        assert "/ideas/" not in html and "<form" not in html
        assert "sessionid" not in response.cookies
        assert response["Referrer-Policy"] == "no-referrer"
        link.refresh_from_db()
        assert link.last_used_at is not None

    def test_link_for_another_teams_board(self, org, client, display_link):
        _, key = display_link()
        response = client.get("/boards/line2/wall/", {"key": key})
        assert response.status_code == 403 and b"another team" in response.content

    @pytest.mark.parametrize("mangle", [lambda k: k[:-2] + "xx", lambda k: k + "x",
                                        lambda k: k.split(":")[0], lambda k: "garbage"])
    def test_tampered_link(self, org, client, display_link, mangle):
        _, key = display_link()
        response = client.get("/boards/line1/wall/", {"key": mangle(key)})
        assert response.status_code == 403 and b"not valid" in response.content

    def test_revoked_link_refused_at_the_next_refresh(self, org, client, display_link):
        link, key = display_link()
        first = client.get("/boards/line1/wall/", {"key": key}, **POLL)
        assert first.status_code == 200
        services.display_link_revoke(link_id=link.pk, actor=org.lead)
        poll = _poll(client, "/boards/line1/wall/", first["ETag"], key=key)
        assert poll.status_code == 403
        assert poll["X-Tierline-Fragment"] == "1"
        assert b'data-testid="wall-refused"' in poll.content and b"hx-trigger" not in \
            poll.content
        assert client.get("/boards/line1/wall/", {"key": key}).status_code == 403

    def test_expired_link(self, org, client, display_link):
        link, key = display_link(expires_at=timezone.now() + timedelta(hours=1))
        assert client.get("/boards/line1/wall/", {"key": key}).status_code == 200
        DisplayLink.objects.filter(pk=link.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1))
        assert client.get("/boards/line1/wall/", {"key": key}).status_code == 403

    @pytest.mark.parametrize("url", ["/boards/line1/", "/boards/line1/tier/",
                                     "/boards/line1/sqdc/", "/boards/line1/huddles/",
                                     "/boards/", "/ideas/", "/"])
    def test_no_other_page(self, org, client, display_link, url):
        _, key = display_link()
        response = client.get(url, {"key": key})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_no_api(self, org, client, display_link):
        _, key = display_link()
        for url in (f"/api/v1/boards/{org.line1.pk}/", "/api/v1/huddles/",
                    "/api/v1/sqdc-days/", "/api/v1/display-links/"):
            assert client.get(url, {"key": key}).status_code in (401, 403), url

    def test_inactive_team(self, org, client, display_link):
        _, key = display_link()
        org.line1.active = False
        org.line1.save()
        assert client.get("/boards/line1/wall/", {"key": key}).status_code == 403


class TestConditionalPolling:
    def test_unchanged_link_poll_is_304_in_two_queries_without_templates(
            self, org, card, client, display_link, django_assert_max_num_queries):
        card()
        _, key = display_link()
        first = client.get("/boards/line1/wall/", {"key": key}, **POLL)
        etag = first["ETag"]
        assert first.status_code == 200 and etag and b'id="wall-board"' in first.content
        assert b"<html" not in first.content
        with django_assert_max_num_queries(2):
            again = _poll(client, "/boards/line1/wall/", etag, key=key)
        assert again.status_code == 304 and again.content == b""
        assert again.templates == [] and again["ETag"] == etag

    def test_unchanged_session_poll_is_304_in_two_queries_without_templates(
            self, org, card, client_as, django_assert_max_num_queries):
        card()
        client = client_as(org.member)
        first = client.get("/boards/line1/wall/", **POLL)
        with django_assert_max_num_queries(2):
            again = _poll(client, "/boards/line1/wall/", first["ETag"])
        assert again.status_code == 304 and again.templates == []

    def test_the_session_check_still_holds(self, org, client_as):
        client = client_as(org.member)
        etag = client.get("/boards/line1/wall/", **POLL)["ETag"]
        org.member.set_password("a-new-password-1")
        org.member.save()
        response = _poll(client, "/boards/line1/wall/", etag)
        assert response.status_code == 403  # the session ended with the password change
        client = client_as(org.other)
        etag = client.get("/boards/line1/wall/", **POLL)["ETag"]
        org.other.is_active = False
        org.other.save()
        assert _poll(client, "/boards/line1/wall/", etag).status_code != 304

    @pytest.mark.parametrize("change", ["move", "create", "escalate", "edit", "sqdc", "huddle",
                                        "settings", "flag", "comment_activity"])
    def test_any_change_rerenders(self, org, card, client, display_link, change):
        idea = card()
        other = card(team=org.line2, reporter=org.other)
        _, key = display_link()
        etag = client.get("/boards/line1/wall/", {"key": key}, **POLL)["ETag"]
        assert _poll(client, "/boards/line1/wall/", etag, key=key).status_code == 304
        from ideas import services as idea_services

        if change == "move":
            services.board_move(team=org.line1, idea_id=idea.pk, to="in_progress",
                                actor=org.lead, version=idea.version)
        elif change == "create":
            card()
        elif change == "escalate":
            idea_services.idea_set_waiting(idea_id=other.pk, team=org.line1, actor=org.other)
        elif change == "edit":
            idea_services.idea_update(idea_id=idea.pk, actor=org.lead, title="Renamed")
        elif change == "sqdc":
            services.sqdc_set(team=org.line1, day=timezone.localdate(), category="cost",
                              status="amber", actor=org.member)
        elif change == "huddle":
            services.huddle_start(team=org.line1, actor=org.lead)
        elif change == "settings":
            services.board_settings_update(team=org.line1, actor=org.lead, wip_new=3)
        elif change == "flag":
            Idea.objects.filter(pk=idea.pk).update(aging_flagged_at=timezone.now())
        elif change == "comment_activity":
            idea_services.record_event(idea=idea, actor=org.member, verb="commented")
        response = _poll(client, "/boards/line1/wall/", etag, key=key)
        assert response.status_code == 200 and response["ETag"] != etag

    def test_other_teams_changes_do_not(self, org, card, client, display_link):
        _, key = display_link()
        etag = client.get("/boards/line1/wall/", {"key": key}, **POLL)["ETag"]
        card(team=org.line2, reporter=org.other)
        services.sqdc_set(team=org.line2, day=timezone.localdate(), category="cost",
                          status="amber", actor=org.other)
        assert _poll(client, "/boards/line1/wall/", etag, key=key).status_code == 304

    def test_versions_differ_per_viewer(self, org, client, client_as, display_link):
        _, key = display_link()
        by_link = client.get("/boards/line1/wall/", {"key": key}, **POLL)["ETag"]
        by_user = client_as(org.member).get("/boards/line1/wall/", **POLL)["ETag"]
        assert by_link != by_user
        assert _poll(client_as(org.other), "/boards/line1/wall/", by_user).status_code == 200





def test_wall_query_count_is_constant(org, cards, client_as, display_link):
    client = Client()  # no session: the screen of a display link
    _, key = display_link()
    services.huddle_start(team=org.line1, actor=org.lead)
    cards(10)
    cards(3, team=org.line2, waiting_on_team=org.line1)
    by_link_10 = count_queries(client, "/boards/line1/wall/", {"key": key})
    by_user_10 = count_queries(client_as(org.member), "/boards/line1/wall/")
    cards(290)
    cards(30, team=org.line2, waiting_on_team=org.line1)
    assert by_link_10 == count_queries(client, "/boards/line1/wall/", {"key": key})
    assert by_user_10 == count_queries(client_as(org.member), "/boards/line1/wall/")
