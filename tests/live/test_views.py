"""The streams' checks without a server, and what happens where streams cannot run: under a
WSGI server (`make dev`'s runserver, the test client) a permitted stream answers 204 with
Retry-After, and the screen keeps polling. Also the hub's reading of notifications."""

import pytest

from huddles import services as huddle_services
from live.hub import Change, Subscription, parse


@pytest.mark.django_db
@pytest.mark.parametrize("who, status", [(None, 403), ("member", 204), ("other", 204),
                                         ("admin", 204)])
def test_board_events_check_who_asks(org, client, client_as, who, status):
    web = client_as(getattr(org, who)) if who else client
    response = web.get("/boards/line1/events/")
    assert response.status_code == status
    if status == 204:
        assert response["Retry-After"] and not response.content


@pytest.mark.django_db
def test_an_unknown_board(org, client_as):
    assert client_as(org.member).get("/boards/nope/events/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("key, status", [("good", 204), ("bad", 403), ("", 403)])
def test_wall_events_check_the_link(org, client, key, status):
    _, good = huddle_services.display_link_create(team=org.line1, actor=org.lead, label="TV")
    response = client.get("/boards/line1/wall/events/", {"key": good if key == "good" else key})
    assert response.status_code == status


@pytest.mark.django_db
def test_a_link_for_another_board(org, client):
    _, key = huddle_services.display_link_create(team=org.line2, actor=org.admin, label="TV")
    assert client.get("/boards/line1/wall/events/", {"key": key}).status_code == 403


@pytest.mark.django_db
def test_only_get(org, client_as):
    assert client_as(org.member).post("/boards/line1/events/").status_code in (403, 405)


@pytest.mark.parametrize("payload, change", [
    ("812|b|3,5", Change("812", frozenset({3, 5}), False)),
    ("9|l|7", Change("9", frozenset({7}), True)),
    ("10|b|*", Change("10", None, False)),
    ("10|x|1", None), ("garbage", None), ("1|b|a,b", None),
])
def test_notifications_are_read_strictly(payload, change):
    assert parse(payload) == change


def test_a_subscription_folds_changes_together():
    sub = Subscription(3)
    sub.push(Change("1", frozenset({3}), False))
    sub.push(Change("2", frozenset({3}), True))
    sub.push(Change("3", frozenset({3}), False))
    assert sub.event.is_set() and sub.version == "3" and sub.links
