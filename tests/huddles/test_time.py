"""Improvement time on the board: the quick entry from a card (through the ideas service), the
protected vs used strip, and the board / wall versions that follow time entries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from capacity import services as capacity_services
from capacity.models import TeamCapacity, TimeEntry
from huddles.views import common, improvement_time
from tests.factories import UserFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
HTMX_BOARD = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board"}
POLL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "wall-board"}


def _url(idea, team="line1") -> str:
    return f"/boards/{team}/time/{idea.pk}/"


def _monday(weeks_ago: int = 0):
    today = timezone.localdate()
    return today - timedelta(days=today.weekday(), weeks=weeks_ago)


@pytest.fixture
def capacity(org):
    """``capacity(hours)``: Line 1 protects ``hours`` a week, counted for the last weeks."""

    def _set(hours=10, team=None):
        team = team or org.line1
        capacity_services.capacity_set(team=team, actor=org.lead if team == org.line1 else
                                     org.admin, unit="hours", amount=hours)
        TeamCapacity.objects.filter(team=team).update(
            created_at=timezone.now() - timedelta(weeks=8))

    return _set


def _log(org, idea, hours, day=None, user=None):
    return capacity_services.time_entry_create(idea_id=idea.pk, actor=user or org.lead,
                                             hours=hours, day=day, team=org.line1)


class TestQuickEntry:
    def test_form_in_the_dialog_defaults_to_today(self, org, card, client_as):
        idea = card(title="Label printer jams")
        response = client_as(org.member).get(_url(idea), **HTMX)
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#dialog-body"
        html = response.content.decode()
        assert "<html" not in html and "Label printer jams" in html
        assert f'value="{timezone.localdate():%Y-%m-%d}"' in html
        assert f"Counts against {org.line1.name}'s protected improvement time" in html

    def test_plain_page_without_javascript(self, org, card, client_as):
        idea = card()
        client = client_as(org.member)
        page = client.get(_url(idea))
        assert page.status_code == 200 and b"<html" in page.content
        response = client.post(_url(idea), {"hours": "1.5", "date": "", "note": "5S tidy"})
        assert response.status_code == 302 and response["Location"] == "/boards/line1/"
        entry = TimeEntry.objects.get()
        assert (entry.user, entry.idea, entry.team, entry.hours, entry.date, entry.note) == (
            org.member, idea, org.line1, Decimal("1.5"), timezone.localdate(), "5S tidy")
        assert "Logged 1.5 h" in client.get("/boards/line1/").content.decode()

    def test_htmx_entry_answers_the_board_with_protected_vs_used(self, org, card, client_as,
                                                                   capacity):
        capacity(4)
        idea = card(title="Label printer jams")
        response = client_as(org.lead).post(_url(idea), {"hours": "2.5", "note": ""}, **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="board"' in html and "Logged 2.5 h on “Label printer jams” today" in html
        this_week = response.context["capacity"].this_week
        assert this_week.current and this_week.used == Decimal("2.5")
        assert this_week.protected == Decimal("4") and not this_week.under_half
        assert "<strong>2.5</strong> of 4 h" in html

    def test_the_view_calls_the_ideas_service(self, org, card, client_as, monkeypatch):
        idea = card()
        calls = []
        real = capacity_services.time_entry_create

        def spy(**kwargs):
            calls.append(kwargs)
            return real(**kwargs)

        monkeypatch.setattr(improvement_time.time_services, "time_entry_create", spy)
        client_as(org.member).post(_url(idea), {"hours": "0.75", "date": "", "note": "x"},
                                   **HTMX)
        assert calls == [{"idea_id": idea.pk, "actor": org.member, "hours": Decimal("0.75"),
                          "day": None, "note": "x", "team": org.line1}]

    def test_someone_from_another_team_logs_for_their_own_team(self, org, card, client_as):
        idea = card()
        response = client_as(org.supervisor).post(_url(idea), {"hours": "1"}, **HTMX)
        assert response.status_code == 200
        assert TimeEntry.objects.get().team == org.sup
        assert f"counts for {org.sup.name}" in response.content.decode()

    def test_escalated_lane_cards_can_be_logged_against(self, org, card, client_as):
        other = card(team=org.line2, reporter=org.other, waiting_on_team=org.line1)
        response = client_as(org.lead).post(_url(other), {"hours": "2"}, **HTMX)
        assert response.status_code == 200
        assert TimeEntry.objects.get().team == org.line1

    @pytest.mark.parametrize("data, field, text", [
        ({"hours": "0"}, "hours", "positive number"),
        ({"hours": "-2"}, "hours", "positive number"),
        ({"hours": "25"}, "hours", "24"),
        ({"hours": "abc"}, "hours", "must be a number"),
        ({"hours": ""}, "hours", "How many hours"),
        ({"hours": "NaN"}, "hours", "number"),
        ({"hours": "1.333"}, "hours", "quarter"),
        ({"hours": "1", "date": "2024-02-30"}, "date", "YYYY-MM-DD"),
        ({"hours": "1", "note": "x" * 301}, "note", "300"),
    ])
    def test_bad_input_is_a_form_error(self, org, card, client_as, data, field, text):
        idea = card()
        response = client_as(org.member).post(_url(idea), data, **HTMX)
        assert response.status_code == 400
        assert response["HX-Retarget"] == "#dialog-body"
        assert response[common.FRAGMENT_HEADER] == "1"
        errors = response.context["form"].errors
        assert text in " ".join(errors[field])
        assert not TimeEntry.objects.exists()

    def test_future_and_too_old_days(self, org, card, client_as):
        idea = card()
        client = client_as(org.member)
        tomorrow = timezone.localdate() + timedelta(days=1)
        response = client.post(_url(idea), {"hours": "1", "date": tomorrow.isoformat()}, **HTMX)
        assert response.status_code == 400
        assert "not happened yet" in " ".join(response.context["form"].errors["date"])
        old = timezone.localdate() - timedelta(days=200)
        response = client.post(_url(idea), {"hours": "1", "date": old.isoformat()})
        assert response.status_code == 400 and b"<html" in response.content
        assert "last 90 days" in response.content.decode()
        assert not TimeEntry.objects.exists()

    def test_more_than_24_hours_a_day_across_entries(self, org, card, client_as):
        first, second = card(), card()
        client = client_as(org.member)
        assert client.post(_url(first), {"hours": "20"}, **HTMX).status_code == 200
        response = client.post(_url(second), {"hours": "5"}, **HTMX)
        assert response.status_code == 400
        assert "a day has 24" in " ".join(response.context["form"].errors["hours"])
        assert TimeEntry.objects.count() == 1
        # Another day is fine.
        yesterday = timezone.localdate() - timedelta(days=1)
        assert client.post(_url(second), {"hours": "5", "date": yesterday.isoformat()},
                           **HTMX).status_code == 200


class TestWhoMay:
    def test_card_offers_log_time_to_team_people_only(self, org, card, client_as):
        idea = card()
        html = client_as(org.member).get("/boards/line1/").content.decode()
        assert f'href="/boards/line1/time/{idea.pk}/"' in html
        # An administrator without a team has no team capacity to log against.
        html = client_as(org.admin).get("/boards/line1/").content.decode()
        assert 'data-testid="log-time"' not in html
        assert client_as(org.admin).get(_url(idea)).status_code == 403

    def test_a_person_without_a_team_is_refused(self, org, card, client_as):
        idea = card()
        loner = UserFactory(username="loner")
        client = client_as(loner)
        assert 'data-testid="log-time"' not in client.get("/boards/line1/").content.decode()
        assert client.post(_url(idea), {"hours": "1"}).status_code == 403
        assert not TimeEntry.objects.exists()

    def test_private_and_other_boards_items_are_404(self, org, card, client_as):
        private = card(is_private=True, reporter=org.member)
        elsewhere = card(team=org.line2, reporter=org.other)
        client = client_as(org.other)
        assert client.post(_url(private), {"hours": "1"}).status_code == 404
        assert client.get(_url(private), **HTMX).status_code == 404
        # An item of Line 2 is not on Line 1's board.
        assert client.post(_url(elsewhere), {"hours": "1"}).status_code == 404
        assert client.post(_url(elsewhere, "line2"), {"hours": "1"}).status_code == 302
        assert client_as(org.member).get(_url(card(), "no-such-team")).status_code == 404
        assert TimeEntry.objects.count() == 1

    def test_anonymous_goes_to_login(self, org, card, client):
        response = client.post(_url(card()), {"hours": "1"})
        assert response.status_code == 302 and "/login" in response["Location"]

    def test_display_link_wall_has_no_entry(self, org, card, display_link, capacity):
        capacity(10)
        card()
        _, key = display_link()
        html = Client().get("/boards/line1/wall/", {"key": key}).content.decode()
        assert "log-time" not in html and 'data-testid="wall-capacity"' in html


class TestProtectedVsUsed:
    def test_this_week_and_the_weeks_before_under_half_highlighted(self, org, card, client_as,
                                                                     capacity):
        capacity(10)
        idea = card()
        _log(org, idea, "6", _monday(3))  # 60 %
        _log(org, idea, "2", _monday(2))  # 20 %: under half
        _log(org, idea, "4.5", _monday(1))  # 45 %: under half
        _log(org, idea, "1", timezone.localdate())  # this week so far: 10 %
        # Another team's time is not this board's.
        capacity_services.time_entry_create(idea_id=card(team=org.line2, reporter=org.other).pk,
                                          actor=org.other, hours="8")
        response = client_as(org.member).get("/boards/line1/")
        cap = response.context["capacity"]
        assert [w.week for w in cap.weeks] == [_monday(3), _monday(2), _monday(1), _monday(0)]
        assert [w.used for w in cap.weeks] == [Decimal("6"), Decimal("2"), Decimal("4.5"),
                                               Decimal("1")]
        assert [w.percent for w in cap.weeks] == [60, 20, 45, 10]
        assert [w.under_half for w in cap.weeks] == [False, True, True, True]
        assert cap.under_half_weeks == 2
        html = response.content.decode()
        assert html.count("data-under-half") == 3
        assert "Under half so far" in html
        assert "for 2 weeks running" in html

    def test_exactly_half_is_not_under(self, org, card, client_as, capacity):
        capacity(5)
        _log(org, card(), "2.5", _monday(1))
        weeks = client_as(org.member).get("/boards/line1/").context["capacity"].weeks
        assert weeks[-2].percent == 50 and not weeks[-2].under_half

    def test_percent_capacity_follows_the_members(self, org, card, client_as):
        # 10 % of 2 members × 40 h = 8 h a week.
        capacity_services.capacity_set(team=org.line1, actor=org.lead, unit="percent",
                                     amount=10, member_hours_per_week=40)
        _log(org, card(), "3")
        cap = client_as(org.member).get("/boards/line1/").context["capacity"]
        assert cap.protected == Decimal("8.0") and cap.this_week.percent == 38

    def test_no_capacity_set(self, org, card, client_as):
        _log(org, card(), "1")
        response = client_as(org.lead).get("/boards/line1/")
        assert not response.context["capacity"].is_set
        html = response.content.decode()
        assert "No protected improvement capacity set · 1 h logged this week" in html
        assert 'href="/capacity/line1/">Set it' in html
        # Someone from another team gets no link to Line 1's capacity page.
        assert "/capacity/line1/" not in client_as(org.other).get("/boards/line1/").content.decode()

    def test_weeks_before_the_capacity_was_set_are_not_held_against_the_team(
            self, org, card, client_as):
        capacity_services.capacity_set(team=org.line1, actor=org.lead, unit="hours", amount=10)
        _log(org, card(), "1", _monday(2))
        weeks = client_as(org.member).get("/boards/line1/").context["capacity"].weeks
        assert [w.counted for w in weeks] == [False, False, False, True]
        assert not any(w.under_half for w in weeks[:-1])


class TestVersions:
    """Board and wall polls answer 304 while nothing changed, and re-render when time is
    logged or removed, or the capacity changes."""

    def _etags(self, client, lead_client, key):
        wall = client.get("/boards/line1/wall/", {"key": key}, **POLL)["ETag"]
        board = lead_client.get("/boards/line1/", **HTMX_BOARD)["ETag"]
        return wall, board

    def _unchanged(self, client, lead_client, key, etags):
        wall = client.get("/boards/line1/wall/", {"key": key}, HTTP_IF_NONE_MATCH=etags[0],
                          **POLL)
        board = lead_client.get("/boards/line1/", HTTP_IF_NONE_MATCH=etags[1], **HTMX_BOARD)
        return wall.status_code == 304, board.status_code == 304

    @pytest.mark.parametrize("change", ["log", "log_last_week", "remove", "capacity", "member"])
    def test_time_changes_rerender(self, org, card, client_as, display_link, capacity, change):
        capacity(10)
        idea = card()
        entry = _log(org, idea, "1")
        _, key = display_link()
        client, lead_client = Client(), client_as(org.lead)
        etags = self._etags(client, lead_client, key)
        assert self._unchanged(client, lead_client, key, etags) == (True, True)
        if change == "log":
            _log(org, idea, "1")
        elif change == "log_last_week":
            _log(org, idea, "1", _monday(1))
        elif change == "remove":
            capacity_services.time_entry_delete(entry_id=entry.pk, actor=org.lead)
        elif change == "capacity":
            capacity_services.capacity_set(team=org.line1, actor=org.lead, unit="hours",
                                         amount=12)
        elif change == "member":
            from tests.factories import MembershipFactory

            MembershipFactory(user=UserFactory(), team=org.line1)
        assert self._unchanged(client, lead_client, key, etags) == (False, False)

    def test_other_teams_time_does_not(self, org, card, client_as, display_link, capacity):
        capacity(10)
        _, key = display_link()
        client, lead_client = Client(), client_as(org.lead)
        etags = self._etags(client, lead_client, key)
        capacity_services.time_entry_create(idea_id=card(team=org.line2, reporter=org.other).pk,
                                          actor=org.other, hours="3")
        assert self._unchanged(client, lead_client, key, etags) == (True, True)

    def test_unchanged_wall_polls_stay_at_two_queries_with_time_logged(
            self, org, card, client_as, display_link, capacity, django_assert_max_num_queries):
        capacity(10)
        for _ in range(3):
            _log(org, card(), "2")
        _, key = display_link()
        link_client, user_client = Client(), client_as(org.member)
        link_etag = link_client.get("/boards/line1/wall/", {"key": key}, **POLL)["ETag"]
        user_etag = user_client.get("/boards/line1/wall/", **POLL)["ETag"]
        with django_assert_max_num_queries(2):
            again = link_client.get("/boards/line1/wall/", {"key": key},
                                    HTTP_IF_NONE_MATCH=link_etag, **POLL)
        assert again.status_code == 304
        with django_assert_max_num_queries(2):
            again = user_client.get("/boards/line1/wall/", HTTP_IF_NONE_MATCH=user_etag, **POLL)
        assert again.status_code == 304

    def test_wall_shows_this_week(self, org, card, client_as, capacity):
        capacity(10)
        _log(org, card(), "2", _monday(1))
        _log(org, card(), "3")
        html = client_as(org.member).get("/boards/line1/wall/").content.decode()
        assert 'data-testid="wall-capacity"' in html and "<strong>3</strong> of 10 h" in html
        assert 'class="under-half"' in html  # last week: 20 %





def test_board_and_wall_query_counts_are_constant_with_time_logged(org, cards, client_as,
                                                                   display_link, capacity):
    capacity(10)
    _, key = display_link()
    client = client_as(org.lead)
    first = cards(10)
    for idea in first[:3]:
        _log(org, idea, "1")
    counts_10 = (count_queries(client, "/boards/line1/"), count_queries(client, "/boards/line1/", **HTMX_BOARD),
                 count_queries(Client(), f"/boards/line1/wall/?key={key}"),
                 count_queries(client, "/boards/line1/wall/"))
    more = cards(290)
    for i, idea in enumerate(more[:20]):
        _log(org, idea, "0.5", _monday(i % 4) if i % 4 else None)
    assert client.get("/boards/line1/").context["board"].card_count >= 300
    counts_300 = (count_queries(client, "/boards/line1/"),
                  count_queries(client, "/boards/line1/", **HTMX_BOARD),
                  count_queries(Client(), f"/boards/line1/wall/?key={key}"),
                  count_queries(client, "/boards/line1/wall/"))
    assert counts_10 == counts_300
