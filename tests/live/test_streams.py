"""The event streams, served by a real ASGI server (gunicorn with uvicorn workers, as `make
run`): a change says ``changed`` on the streams of its board only, within two seconds; who may
open a stream (roles × endpoints, display links revoked, expired, tampered); a revoked link's
stream is refused; the unchanged poll of a wall answered from Redis without a query."""

import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.utils import timezone

from huddles import live_store
from huddles import services as huddle_services
from huddles.models import BoardSettings, DisplayLink
from org.models import Team
from tests.factories import IdeaFactory

from .conftest import session_cookie, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _wall_events(server, team, key):
    return f"{server.url}/boards/{team.slug}/wall/events/?{urlencode({'key': key})}"


def _link(org, team=None, **kw):
    return huddle_services.display_link_create(team=team or org.line1, actor=org.admin,
                                               label="Hall TV", **kw)


def _ready(stream):
    assert stream.status == 200, getattr(stream, "body", "")
    assert stream.headers["Content-Type"].startswith("text/event-stream")
    event = stream.next_event(5, skip=())
    assert event is not None and event[0] == "ready", event


def test_a_change_reaches_its_boards_streams_only(org, asgi_server, open_stream):
    _, key1 = _link(org)
    _, key2 = _link(org, team=org.line2)
    IdeaFactory(team=org.line2, reporter=org.other, title="Old one")
    line1 = open_stream(_wall_events(asgi_server, org.line1, key1))
    line2 = open_stream(_wall_events(asgi_server, org.line2, key2))
    board = open_stream(f"{asgi_server.url}/boards/line1/events/", session_cookie(org.member))
    for stream in (line1, line2, board):
        _ready(stream)

    IdeaFactory(team=org.line1, reporter=org.member, title="Guard loose")
    for stream in (line1, board):  # how fast is make bench's to say
        event = stream.next_event(10)
        assert event is not None and event[0] == "changed", event
    assert line2.next_event(1.5) is None  # heartbeats only

    with connection.cursor() as cur:  # the aging scan's way: one bulk UPDATE, no service
        cur.execute("UPDATE ideas_idea SET aging_flagged_at = now() WHERE team_id = %s",
                    [org.line2.pk])
    assert line2.next_event(10)[0] == "changed"
    assert line1.next_event(1) is None


def test_a_revoked_link_is_refused_on_its_quiet_stream(org, asgi_server, open_stream):
    link, key = _link(org)
    stream = open_stream(_wall_events(asgi_server, org.line1, key))
    _ready(stream)
    # Revoked behind the services' back (the admin, SQL): the trigger still says so.
    DisplayLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    event = stream.next_event(3)
    assert event is not None and event[0] == "refused", event
    assert stream.ended.wait(3)


def test_an_expiring_link_is_refused_at_the_heartbeat_after_its_expiry(org, asgi_server,
                                                                      open_stream):
    _, key = _link(org, expires_at=timezone.now() + timedelta(seconds=2))
    stream = open_stream(_wall_events(asgi_server, org.line1, key))
    _ready(stream)
    event = stream.next_event(6)
    assert event is not None and event[0] == "refused", event


def test_a_deactivated_team_refuses_its_links_streams(org, asgi_server, open_stream):
    _, key = _link(org)
    stream = open_stream(_wall_events(asgi_server, org.line1, key))
    _ready(stream)
    Team.objects.filter(pk=org.line1.pk).update(active=False)
    event = stream.next_event(3)
    assert event is not None and event[0] == "refused", event


def _status(server, path, cookie=None) -> int:
    request = urllib.request.Request(server.url + path,
                                     headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("who, board, wall", [
    ("anonymous", 403, 403),
    ("member", 200, 200),
    ("other", 200, 200),  # every signed-in person may look at an active team's board
    ("executive", 200, 200),
    ("admin", 200, 200),
])
def test_who_may_open_a_board_stream(org, asgi_server, open_stream, who, board, wall):
    cookie = None if who == "anonymous" else session_cookie(getattr(org, who))
    got_board = open_stream(f"{asgi_server.url}/boards/line1/events/", cookie).status
    got_wall = open_stream(f"{asgi_server.url}/boards/line1/wall/events/", cookie).status
    assert (got_board, got_wall) == (board, wall)


def test_an_inactive_teams_board_stream(org, asgi_server, open_stream):
    Team.objects.filter(pk=org.line2.pk).update(active=False)
    url = f"{asgi_server.url}/boards/line2/events/"
    assert open_stream(url, session_cookie(org.other)).status == 404
    assert open_stream(url, session_cookie(org.admin)).status == 200
    assert open_stream(f"{asgi_server.url}/boards/nope/events/",
                       session_cookie(org.admin)).status == 404


@pytest.mark.parametrize("case", ["valid", "tampered", "other-team", "revoked", "expired",
                                  "inactive-team", "empty"])
def test_display_links_on_the_wall_stream(org, asgi_server, open_stream, case):
    link, key = _link(org)
    team = org.line1
    if case == "tampered":
        key = key[:-2] + ("aa" if not key.endswith("aa") else "bb")
    elif case == "other-team":
        team = org.line2
    elif case == "revoked":
        huddle_services.display_link_revoke(link_id=link.pk, actor=org.admin)
    elif case == "expired":
        DisplayLink.objects.filter(pk=link.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1))
    elif case == "inactive-team":
        Team.objects.filter(pk=org.line1.pk).update(active=False)
    elif case == "empty":
        key = ""
    stream = open_stream(_wall_events(asgi_server, team, key))
    assert stream.status == (200 if case == "valid" else 403), getattr(stream, "body", "")


def test_streams_refuse_other_methods(org, asgi_server):
    request = urllib.request.Request(f"{asgi_server.url}/boards/line1/events/", method="POST",
                                     data=b"")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code in (403, 405)


def test_open_streams_hold_no_database_connection_and_no_thread(org, asgi_server,
                                                                open_stream):
    _, key = _link(org)

    def connections():
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                        "AND pid <> pg_backend_pid()", [connection.settings_dict["NAME"]])
            return cur.fetchone()[0]

    warm = [open_stream(_wall_events(asgi_server, org.line1, key)) for _ in range(4)]
    for stream in warm:  # the thread pool and the LISTEN connections are up
        _ready(stream)
    db_before, threads_before = connections(), asgi_server.threads()
    streams = [open_stream(_wall_events(asgi_server, org.line1, key)) for _ in range(30)]
    streams += [open_stream(f"{asgi_server.url}/boards/line1/events/",
                            session_cookie(org.member)) for _ in range(10)]
    for stream in streams:
        _ready(stream)
    time.sleep(0.5)
    assert connections() <= db_before
    assert asgi_server.threads() <= threads_before + 4  # not one per stream


# ------------------------------------------------------------------ the fast poll


def _poll(server, team, key, etag=None):
    headers = {"HX-Request": "true"}
    if etag:
        headers["If-None-Match"] = etag
    request = urllib.request.Request(
        f"{server.url}/boards/{team.slug}/wall/?{urlencode({'key': key})}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def _pushed(team) -> str:
    return wait_until(lambda: live_store.live_version(team.pk), timeout=10)


def test_an_unchanged_wall_poll_is_304_from_redis_without_a_query(org, asgi_server):
    link, key = _link(org)
    IdeaFactory(team=org.line1, reporter=org.member)
    BoardSettings.objects.get_or_create(team=org.line1)
    _pushed(org.line1)
    counted = asgi_server.queries()
    status, headers = _poll(asgi_server, org.line1, key)
    assert status == 200
    assert asgi_server.queries() > counted  # the count sees Django's queries
    etag = headers["ETag"]
    status, headers = _poll(asgi_server, org.line1, key, etag)  # remembers the link
    assert status == 304

    before = asgi_server.queries()
    for _ in range(20):
        status, headers = _poll(asgi_server, org.line1, key, etag)
        assert status == 304
    assert asgi_server.queries() == before
    assert headers["ETag"] == etag
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "no-cache" in headers["Cache-Control"]

    # A badge-only change (nothing the old fingerprint sees) moves the version …
    with connection.cursor() as cur:
        cur.execute("UPDATE huddles_boardsettings SET wip_new = 3 WHERE team_id = %s",
                    [org.line1.pk])
    wait_until(lambda: _poll(asgi_server, org.line1, key, etag)[0] == 200, timeout=2)
    # … and a revoked link is refused at its next poll, whatever Redis remembered.
    status, headers = _poll(asgi_server, org.line1, key)
    etag = headers["ETag"]
    assert _poll(asgi_server, org.line1, key, etag)[0] == 304
    DisplayLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    wait_until(lambda: _poll(asgi_server, org.line1, key, etag)[0] == 403, timeout=2)


def test_the_fast_poll_needs_a_valid_link_for_this_board(org, asgi_server):
    _, key = _link(org)
    _pushed(org.line1)
    status, headers = _poll(asgi_server, org.line1, key)
    etag = headers["ETag"]
    assert _poll(asgi_server, org.line1, key, etag)[0] == 304
    assert _poll(asgi_server, org.line2, key, etag)[0] == 403  # another team's board
    assert _poll(asgi_server, org.line1, key + "x", etag)[0] == 403  # tampered
