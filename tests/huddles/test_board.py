"""The board page: columns, cards, visibility, WIP warnings, filters, moves and query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from huddles import services
from huddles.models import SqdcDay
from ideas import registry
from ideas.models import Idea
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

HTMX_BOARD = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board"}


def _columns(response) -> dict[str, list[int]]:
    board = response.context["board"]
    return {c.key: [card.pk for card in c.cards] for c in board.all_columns}


class TestColumns:
    def test_each_card_in_its_place(self, org, card, client_as):
        now = timezone.now()
        new = card(title="Guard missing")
        doing = card(status="in_progress", started_at=now)
        waiting = card(status="in_progress", waiting_on_team=org.sup)
        done = card(status="done", done_at=now - timedelta(days=2))
        old_done = card(status="done", done_at=now - timedelta(days=30))
        parked = card(status="parked")
        to_us = card(team=org.line2, reporter=org.other, waiting_on_team=org.line1)
        response = client_as(org.member).get("/boards/line1/")
        assert response.status_code == 200
        cols = _columns(response)
        assert cols == {"new": [new.pk], "in_progress": [doing.pk], "waiting": [waiting.pk],
                        "done": [done.pk], "escalated": [to_us.pk]}
        assert old_done.pk not in sum(cols.values(), []) and parked.pk not in cols["new"]
        html = response.content.decode()
        assert "Guard missing" in html and "Waiting on Supervisors" in html
        assert "From Line 2" in html

    def test_done_window_follows_the_setting(self, org, card, client_as):
        now = timezone.now()
        done = card(status="done", done_at=now - timedelta(days=10))
        services.board_settings_update(team=org.line1, actor=org.lead, done_window_days=7)
        assert done.pk not in _columns(client_as(org.member).get("/boards/line1/"))["done"]

    def test_card_shows_what_the_issue_names(self, org, card, client_as):
        idea = card(title="Forklift horn", owner=org.lead, required_spend=1200,
                    category="safety", kind="idea", is_private=True,
                    aging_flagged_at=timezone.now())
        Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - timedelta(days=5))
        html = client_as(org.member).get("/boards/line1/").content.decode()
        card_html = html[html.rindex("<li", 0, html.index(f'id="card-{idea.pk}"')):]
        card_html = card_html[:card_html.index("</li>")]
        for text in ("Forklift horn", "Idea", "cat-safety", org.lead.initials, "5 d", "Aging",
                     "Private", "Spend 1,200", f'data-version="{idea.version}"'):
            assert text in card_html, text
        assert "{#" not in html and "{%" not in html and "#}" not in html

    def test_decision_shown_when_back(self, org, card, client_as):
        idea = card(decision_note="Approved: buy two spare guns", decision_at=timezone.now())
        html = client_as(org.member).get("/boards/line1/").content.decode()
        assert "Approved: buy two spare guns" in html
        Idea.objects.filter(pk=idea.pk).update(waiting_on_team=org.sup)
        html = client_as(org.member).get("/boards/line1/").content.decode()
        assert "Approved: buy two spare guns" not in html

    def test_escalate_link_for_open_items_not_waiting(self, org, card, client_as):
        open_item = card()
        waiting = card(waiting_on_team=org.sup)
        html = client_as(org.member).get("/boards/line1/").content.decode()
        assert f"/escalations/new/?idea={open_item.pk}" in html
        assert f"/escalations/new/?idea={waiting.pk}" not in html
        other = client_as(org.other).get("/boards/line1/").content.decode()
        assert f"/escalations/new/?idea={open_item.pk}" not in other


class TestVisibility:
    def test_private_cards_hidden_from_outsiders(self, org, card, client_as):
        secret = card(title="Secret near miss", is_private=True)
        public = card(title="Public item")
        for user in (org.other, org.supervisor, org.executive):
            response = client_as(user).get("/boards/line1/")
            assert response.status_code == 200
            assert b"Secret near miss" not in response.content
            assert b"Private item" not in response.content
            assert secret.pk not in _columns(response)["new"]
            assert response.context["board"].columns[0].total == 1
        for user in (org.member, org.lead, org.admin):
            assert b"Secret near miss" in client_as(user).get("/boards/line1/").content
        assert public

    def test_anonymous_is_sent_to_login(self, org, client):
        response = client.get("/boards/line1/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_unknown_and_inactive_boards(self, org, client_as):
        assert client_as(org.member).get("/boards/nope/").status_code == 404
        org.line2.active = False
        org.line2.save()
        assert client_as(org.member).get("/boards/line2/").status_code == 404
        assert client_as(org.admin).get("/boards/line2/").status_code == 200

    def test_only_movable_cards_are_draggable(self, org, card, client_as):
        card(owner=org.member)
        card()
        member_html = client_as(org.member).get("/boards/line1/").content.decode()
        assert member_html.count('draggable="true"') == 1
        lead_html = client_as(org.lead).get("/boards/line1/").content.decode()
        assert lead_html.count('draggable="true"') == 2
        assert client_as(org.other).get("/boards/line1/").content.decode().count(
            'draggable="true"') == 0


class TestWipAndFilters:
    def test_wip_warning_not_a_block(self, org, card, client_as):
        services.board_settings_update(team=org.line1, actor=org.lead, wip_new=2)
        for _ in range(3):
            card()
        response = client_as(org.lead).get("/boards/line1/")
        assert b'data-testid="wip-warning-new"' in response.content
        assert b"3 / 2" in response.content
        idea = card()
        assert services.board_move(team=org.line1, idea_id=idea.pk, to="in_progress",
                                   actor=org.lead, version=idea.version)

    def test_filters_keep_the_real_wip_count(self, org, card, client_as):
        services.board_settings_update(team=org.line1, actor=org.lead, wip_new=2)
        mine = card(owner=org.lead, category="safety", kind="idea")
        card(category="quality")
        card(category="quality")
        response = client_as(org.lead).get("/boards/line1/", {"owner": org.lead.pk})
        assert _columns(response)["new"] == [mine.pk]
        assert response.context["board"].columns[0].total == 3
        assert b'data-testid="wip-warning-new"' in response.content
        assert _columns(client_as(org.lead).get("/boards/line1/", {"category": "safety"}))[
            "new"] == [mine.pk]
        assert _columns(client_as(org.lead).get("/boards/line1/", {"kind": "idea"}))[
            "new"] == [mine.pk]
        assert len(_columns(client_as(org.lead).get("/boards/line1/", {"owner": "none"}))[
            "new"]) == 2

    def test_bad_filter_values_are_ignored(self, org, card, client_as):
        card()
        response = client_as(org.lead).get("/boards/line1/", {"owner": "'; drop",
                                                              "category": "x", "kind": "y"})
        assert response.status_code == 200 and len(_columns(response)["new"]) == 1


class TestMovesFromTheBoard:
    def test_htmx_move_rerenders_the_board(self, org, card, client_as):
        idea = card()
        response = client_as(org.lead).post(
            "/boards/line1/move/", {"idea": idea.pk, "to": "in_progress",
                                    "version": idea.version}, **HTMX_BOARD)
        assert response.status_code == 200
        assert _columns(response)["in_progress"] == [idea.pk]
        assert b"Moved" in response.content
        templates = [t.name for t in response.templates]
        assert "base.html" not in templates

    def test_plain_form_move_redirects(self, org, card, client_as):
        idea = card()
        response = client_as(org.lead).post("/boards/line1/move/?category=quality", {
            "idea": idea.pk, "to": "in_progress", "version": idea.version})
        assert response.status_code == 302
        assert response["Location"] == "/boards/line1/?category=quality"
        idea.refresh_from_db()
        assert idea.status == "in_progress"

    def test_stale_move_answers_409_with_the_card_in_its_true_place(self, org, card,
                                                                     client_as):
        idea = card()
        stale = idea.version
        services.board_move(team=org.line1, idea_id=idea.pk, to="in_progress", actor=org.lead,
                            version=stale)
        response = client_as(org.lead).post(
            "/boards/line1/move/", {"idea": idea.pk, "to": "parked", "version": stale},
            **HTMX_BOARD)
        assert response.status_code == 409
        assert response["X-Tierline-Fragment"] == "1"
        assert _columns(response)["in_progress"] == [idea.pk]
        assert b"changed by someone else" in response.content
        idea.refresh_from_db()
        assert idea.status == "in_progress"

    def test_move_needing_a_learning_note_opens_a_form(self, org, card, client_as):
        idea = card(status="in_progress")
        client = client_as(org.lead)
        response = client.post("/boards/line1/move/", {
            "idea": idea.pk, "to": "done", "version": idea.version}, **HTMX_BOARD)
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#dialog-body"
        assert b'name="learning"' in response.content
        idea.refresh_from_db()
        assert idea.status == "in_progress"
        response = client.post("/boards/line1/move/", {
            "idea": idea.pk, "to": "done", "version": idea.version,
            "learning": "Check torque at shift start"}, **HTMX_BOARD)
        assert response.status_code == 200
        assert _columns(response)["done"] == [idea.pk]

    def test_reason_form_without_javascript(self, org, card, client_as):
        idea = card()
        response = client_as(org.lead).post("/boards/line1/move/", {
            "idea": idea.pk, "to": "declined", "version": idea.version})
        assert response.status_code == 200
        assert b"Why is it declined?" in response.content
        assert b"<html" in response.content

    def test_other_teams_card_via_board(self, org, card, client_as):
        idea = card(team=org.line2, reporter=org.other)
        response = client_as(org.lead).post("/boards/line1/move/", {
            "idea": idea.pk, "to": "in_progress", "version": idea.version}, **HTMX_BOARD)
        assert response.status_code == 400
        assert b"not on the board" in response.content

    def test_workflow_forbidden_move(self, org, card, client_as):
        idea = card()
        response = client_as(org.lead).post("/boards/line1/move/", {
            "idea": idea.pk, "to": "done", "version": idea.version, "learning": "x"},
            **HTMX_BOARD)
        assert response.status_code == 409
        assert _columns(response)["new"] == [idea.pk]

    def test_forbidden_mover(self, org, card, client_as):
        idea = card()
        response = client_as(org.member).post("/boards/line1/move/", {
            "idea": idea.pk, "to": "in_progress", "version": idea.version}, **HTMX_BOARD)
        assert response.status_code == 403
        idea.refresh_from_db()
        assert idea.status == "new"

    @pytest.mark.parametrize("data", [{}, {"idea": "x", "to": "new", "version": "1"},
                                      {"idea": "1", "to": "in_progress"}])
    def test_garbage(self, org, card, client_as, data):
        card()
        response = client_as(org.lead).post("/boards/line1/move/", data, **HTMX_BOARD)
        assert response.status_code == 400


class TestPanelsBadgesAndPolling:
    def test_board_panels_and_badges_are_called_once(self, org, card, client_as, monkeypatch):
        calls = []

        def badges(ideas):
            calls.append(len(ideas))
            return {i.pk: [{"label": "Priority: Zero defects", "title": "t", "css": "chip-brand"}]
                    for i in ideas}

        def panel(request, team):
            return {"template": "huddles/_panel.html", "title": "Constraints",
                    "context": {"lines": [f"Panel for {team.name}"]}}

        monkeypatch.setattr(registry.card_badge_providers, "_entries", [badges])
        monkeypatch.setattr(registry._board_panels, "_entries", [panel])
        card()
        card()
        response = client_as(org.member).get("/boards/line1/")
        assert calls == [2]
        assert response.content.count(b"Priority: Zero defects") == 2
        assert b"Panel for Line 1" in response.content

    def test_unchanged_board_poll_is_304(self, org, card, client_as):
        card()
        client = client_as(org.member)
        first = client.get("/boards/line1/", **HTMX_BOARD)
        etag = first["ETag"]
        assert first.status_code == 200 and etag
        again = client.get("/boards/line1/", HTTP_IF_NONE_MATCH=etag, **HTMX_BOARD)
        assert again.status_code == 304 and again.content == b""
        services.sqdc_set(team=org.line1, day=timezone.localdate(), category="cost",
                          status="green", actor=org.member)
        changed = client.get("/boards/line1/", HTTP_IF_NONE_MATCH=etag, **HTMX_BOARD)
        assert changed.status_code == 200 and changed["ETag"] != etag
        filtered = client.get("/boards/line1/?kind=idea", HTTP_IF_NONE_MATCH=changed["ETag"],
                              **HTMX_BOARD)
        assert filtered.status_code == 200


class TestSqdcOnTheBoard:
    def test_one_click_green(self, org, client_as):
        response = client_as(org.member).post(
            "/boards/line1/sqdc/set/", {"category": "safety", "status": "green",
                                        "date": timezone.localdate().isoformat()},
            HTTP_HX_REQUEST="true", HTTP_HX_TARGET="sqdc-letters")
        assert response.status_code == 200
        assert b'data-testid="letter-safety" data-status="green"' in response.content
        assert SqdcDay.objects.get().status == "green"

    def test_red_asks_for_the_note_then_saves(self, org, client_as):
        client = client_as(org.member)
        response = client.post("/boards/line1/sqdc/set/", {"category": "safety",
                                                            "status": "red"},
                               HTTP_HX_REQUEST="true", HTTP_HX_TARGET="sqdc-letters")
        assert response["HX-Retarget"] == "#dialog-body" and b'name="note"' in response.content
        assert not SqdcDay.objects.exists()
        response = client.post("/boards/line1/sqdc/edit/", {
            "category": "safety", "status": "red", "note": "",
            "date": timezone.localdate().isoformat()}, HTTP_HX_REQUEST="true")
        assert response.status_code == 400 and b"needs a note" in response.content
        response = client.post("/boards/line1/sqdc/edit/", {
            "category": "safety", "status": "red", "note": "Cut finger at station 3",
            "date": timezone.localdate().isoformat()}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and response["HX-Trigger"] == "dialog-close"
        assert SqdcDay.objects.get().note == "Cut finger at station 3"

    def test_future_and_past_days(self, org, client_as):
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
        response = client_as(org.lead).post("/boards/line1/sqdc/edit/", {
            "category": "safety", "status": "green", "date": tomorrow})
        assert response.status_code == 400 and b"future" in response.content
        response = client_as(org.member).post("/boards/line1/sqdc/edit/", {
            "category": "safety", "status": "green", "date": yesterday})
        assert response.status_code == 400 and b"leads correct" in response.content
        response = client_as(org.lead).post("/boards/line1/sqdc/edit/", {
            "category": "safety", "status": "green", "date": yesterday,
            "next": "/boards/line1/sqdc/"})
        assert response.status_code == 302 and response["Location"] == "/boards/line1/sqdc/"

    def test_outsider_gets_no_buttons_and_is_refused(self, org, client_as):
        html = client_as(org.other).get("/boards/line1/").content
        assert b"set-safety-green" not in html
        response = client_as(org.other).post(
            "/boards/line1/sqdc/set/", {"category": "safety", "status": "green"},
            HTTP_HX_REQUEST="true")
        assert response.status_code == 403 and not SqdcDay.objects.exists()

    def test_month_view(self, org, client_as):
        today = timezone.localdate()
        services.sqdc_set(team=org.line1, day=today, category="quality", status="red",
                          note="Wrong label batch 12", actor=org.member)
        response = client_as(org.lead).get("/boards/line1/sqdc/")
        html = response.content.decode()
        assert response.status_code == 200
        assert f'data-testid="day-quality-{today.isoformat()}" data-status="red"' in html
        assert "Wrong label batch 12" in html
        assert 'data-testid="month-people"' not in html
        bad = client_as(org.lead).get("/boards/line1/sqdc/?month=2026-13")
        assert bad.status_code == 200
        assert client_as(org.lead).get("/boards/line1/sqdc/?month=abc").status_code == 200


class TestHuddlePanel:
    def test_start_tick_note_end_from_the_board(self, org, client_as, card):
        idea = card()
        client = client_as(org.lead)
        hx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "huddle-panel"}
        response = client.post("/boards/line1/huddles/start/", **hx)
        assert response.status_code == 200 and response["HX-Trigger"] == "board-changed"
        assert b'data-testid="end-huddle"' in response.content
        huddle = org.line1.huddles.get()
        again = client.post("/boards/line1/huddles/start/", **hx)
        assert again.status_code == 409 and b"already running" in again.content
        assert client.post(f"/boards/line1/huddles/{huddle.pk}/attendance/",
                           {"user": org.member.pk, "present": "1"},
                           HTTP_HX_REQUEST="true").status_code == 204
        assert client.post(f"/boards/line1/huddles/{huddle.pk}/notes/",
                           {"notes": "Guard on order", "guests": "Safety rep"},
                           HTTP_HX_REQUEST="true", HTTP_HX_TARGET="notes-status").content \
            .startswith(b"Saved at")
        board = client.get("/boards/line1/")
        assert b'data-testid="discussed"' in board.content
        response = client.post(f"/boards/line1/huddles/{huddle.pk}/discussed/",
                               {"idea": idea.pk, "discussed": "1"}, HTTP_HX_REQUEST="true")
        assert b"Discussed" in response.content
        response = client.post(f"/boards/line1/huddles/{huddle.pk}/end/", **hx)
        assert b"Today's huddle" in response.content
        huddle.refresh_from_db()
        assert not huddle.is_open and huddle.notes == "Guard on order"
        assert set(huddle.attendees.all()) == {org.lead, org.member}
        history = client.get("/boards/line1/huddles/")
        assert b"1 held of" in history.content
        detail = client.get(f"/boards/line1/huddles/{huddle.pk}/")
        assert idea.title.encode() in detail.content

    def test_outsider_cannot_run_or_read_it(self, org, client_as):
        huddle = services.huddle_start(team=org.line1, actor=org.lead)
        client = client_as(org.other)
        assert client.post("/boards/line1/huddles/start/").status_code == 302
        assert org.line1.huddles.count() == 1
        assert client.get("/boards/line1/huddles/").status_code == 403
        assert client.get(f"/boards/line1/huddles/{huddle.pk}/").status_code == 403
        assert client_as(org.supervisor).get("/boards/line1/huddles/").status_code == 200
        assert client_as(org.executive).get(
            f"/boards/line1/huddles/{huddle.pk}/").status_code == 200
        assert client_as(org.member).get(f"/boards/line2/huddles/{huddle.pk}/").status_code \
            == 403


class TestTierView:
    def test_counts_reds_and_waiting(self, org, card, client_as):
        card()
        card(status="in_progress")
        card(is_private=True, title="Secret")
        card(team=org.line2, reporter=org.other, status="in_progress",
             waiting_on_team=org.sup, title="Needs a new jig")
        services.sqdc_set(team=org.line1, day=timezone.localdate(), category="safety",
                          status="red", note="Near miss at press", actor=org.member)
        response = client_as(org.supervisor).get("/boards/sup/tier/")
        assert response.status_code == 200
        rows = {r["team"].slug: r for r in response.context["rows"]}
        assert rows["line1"]["counts"]["new"] == 1  # the private one is not counted
        assert rows["line1"]["counts"]["in_progress"] == 1
        assert rows["line2"]["counts"]["waiting"] == 1
        assert [x.category for x in rows["line1"]["reds"]] == ["safety"]
        assert b"Near miss at press" in response.content
        assert b"Needs a new jig" in response.content
        assert response.context["red_count"] == 1

    @pytest.mark.parametrize("who,status", [("member", 403), ("other", 403), ("lead", 403),
                                            ("supervisor", 200), ("manager", 200),
                                            ("executive", 200), ("admin", 200)])
    def test_who_sees_it(self, org, client_as, who, status):
        assert client_as(getattr(org, who)).get("/boards/sup/tier/").status_code == status


class TestSettingsPage:
    def test_lead_saves_and_sees_errors(self, org, client_as):
        client = client_as(org.lead)
        data = {"wip_new": "5", "wip_in_progress": "", "wip_waiting": "", "wip_escalated": "",
                "done_window_days": "14", "refresh_seconds": "30"}
        assert client.post("/boards/line1/settings/", data).status_code == 302
        bad = client.post("/boards/line1/settings/", {**data, "wip_new": "-1"})
        assert bad.status_code == 400 and b"greater than or equal to 1" in bad.content
        huge = client.post("/boards/line1/settings/", {**data, "wip_new": str(10**9)})
        assert huge.status_code == 400
        org.line1.board_settings.refresh_from_db()
        assert org.line1.board_settings.wip_new == 5

    def test_lead_cannot_switch_people_on(self, org, client_as):
        data = {"done_window_days": "14", "refresh_seconds": "30", "people_enabled": "on"}
        client_as(org.lead).post("/boards/line1/settings/", data)
        assert not org.line1.board_settings.people_enabled
        client_as(org.admin).post("/boards/line1/settings/", data)
        org.line1.board_settings.refresh_from_db()
        assert org.line1.board_settings.people_enabled

    @pytest.mark.parametrize("who", ["member", "other", "supervisor"])
    def test_others_refused(self, org, client_as, who):
        assert client_as(getattr(org, who)).get("/boards/line1/settings/").status_code == 403





def test_board_page_query_count_is_constant(org, cards, client_as):
    services.huddle_start(team=org.line1, actor=org.lead)
    services.sqdc_set(team=org.line1, day=timezone.localdate(), category="safety",
                      status="green", actor=org.member)
    client = client_as(org.lead)
    cards(10)
    cards(2, team=org.line2, waiting_on_team=org.line1)
    ten = count_queries(client, "/boards/line1/")
    fragment_ten = count_queries(client, "/boards/line1/", **HTMX_BOARD)
    cards(290)
    cards(20, team=org.line2, waiting_on_team=org.line1)
    assert client.get("/boards/line1/").context["board"].card_count >= 300
    three_hundred = count_queries(client, "/boards/line1/")
    assert ten == three_hundred
    assert fragment_ten == count_queries(client, "/boards/line1/", **HTMX_BOARD)


def test_boards_list(org, client_as):
    services.sqdc_set(team=org.line1, day=timezone.localdate(), category="safety",
                      status="red", note="x", actor=org.member)
    response = client_as(org.member).get("/boards/")
    assert response.status_code == 200
    assert b'data-testid="my-boards"' in response.content
    assert b"/boards/line1/" in response.content and b"/boards/exec/" in response.content


def test_home_panel_shows_todays_boards(org, client_as):
    services.sqdc_set(team=org.line1, day=timezone.localdate(), category="safety",
                      status="red", note="Slip", actor=org.member)
    services.huddle_start(team=org.line1, actor=org.lead)
    html = client_as(org.member).get("/").content.decode()
    assert 'data-testid="home-boards"' in html and "/boards/line1/" in html
    assert "running since" in html and "Safety: Red — Slip" in html
    assert 'data-testid="home-boards"' not in client_as(org.admin).get("/").content.decode()


@pytest.mark.parametrize("model", ["boardsettings", "sqdcday", "huddle", "displaylink"])
def test_admin_pages(org, client_as, display_link, model):
    services.board_settings_update(team=org.line1, actor=org.lead, wip_new=4)
    services.sqdc_set(team=org.line1, day=timezone.localdate(), category="safety",
                      status="green", actor=org.member)
    services.huddle_start(team=org.line1, actor=org.lead)
    display_link()
    client = client_as(org.admin)
    listing = client.get(f"/admin/huddles/{model}/")
    assert listing.status_code == 200
    obj = {"boardsettings": org.line1.board_settings, "sqdcday": SqdcDay.objects.get(),
           "huddle": org.line1.huddles.get(), "displaylink": org.line1.display_links.get()}[model]
    assert client.get(f"/admin/huddles/{model}/{obj.pk}/change/").status_code == 200


def test_admin_refuses_a_future_letter(org, client_as):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_as(org.admin).post("/admin/huddles/sqdcday/add/", {
        "team": org.line1.pk, "date": tomorrow, "category": "safety", "status": "green",
        "note": ""})
    assert response.status_code == 200 and b"future" in response.content
    assert not SqdcDay.objects.exists()


def test_idea_page_lists_the_huddles_that_discussed_it(org, card, client_as):
    idea = card(title="Guard rail loose")
    huddle = services.huddle_start(team=org.line1, actor=org.lead)
    services.huddle_mark_discussed(huddle_id=huddle.pk, actor=org.lead, idea_id=idea.pk)
    html = client_as(org.member).get(f"/ideas/{idea.pk}/").content.decode()
    assert 'data-testid="idea-huddles"' in html
    assert f"/boards/line1/huddles/{huddle.pk}/" in html
    other = client_as(org.other).get(f"/ideas/{idea.pk}/").content.decode()
    assert 'data-testid="idea-huddles"' not in other  # line 2 may not see line 1's huddles
