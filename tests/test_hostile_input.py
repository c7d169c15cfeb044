"""Every page of the URL map, and every form, fed hostile input by each kind of user: never a
server error. Hostile: a NUL byte, numbers no column holds (1e999, 20 digits, -4.03e149, -0),
``null,null``, punctuation only, 10 kB of text, a digit ``int()`` refuses (²), letters where a
number goes and a list where one value goes.

Each value is sent as every query parameter (and every form field) at once; path parameters are
the test organisation's real ids and slugs, then a 20-digit id. Each request runs in a savepoint
that is rolled back, so every request sees the same organisation.
"""

import re
import sys
import time
import traceback
from collections import Counter, defaultdict

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core import signals
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.core.world import build_world

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
HOSTILE = ["\x00", "1e999", HUGE, "¿'\"(", "x" * 10_240, "²"]
# A list where one value goes (the parameter twice), and letters where a number goes: a single
# value is read as the last one.
LIST = ["1", "null,null"]
# Every query parameter a page reads by hand or through its filter form; the GET walk adds the
# field names of every form it sees.
QUERY_NAMES = {
    "q", "team", "mine", "status", "kind", "category", "priority", "level", "change_kind",
    "owner", "reporter", "label", "aging", "attention", "escalated", "private", "sort", "page",
    "page_size", "idea", "reason", "state", "to_team", "from_team", "other_team", "overdue",
    "active", "year", "goal", "objective", "month", "date", "period", "from", "to", "scope",
    "metric", "export", "title", "problems", "owner_team", "tier", "user", "key", "next", "oob",
    "download", "unread", "awaiting", "missed_since", "requested_spend", "expected_to_team",
}
# Not walked: logging out ends the walk's session; the API has its own test (schemathesis).
SKIP = re.compile(r"^(api/|accounts/logout/)")

# The object a path's ``<int:pk>`` names, by the path segment just before it.
PK_OWNER = {
    "ideas": "idea", "escalations": "escalation", "huddles": "huddle",
    "display-links": "display_link", "objectives": "objective", "goals": "annual_goal",
    "priorities": "priority", "kpis": "kpi", "readings": "reading", "constraints": "constraint",
    "deployments": "deployment", "systemic-issues": "systemic_issue", "reviews": "review",
    "standards": "standard", "proposals": "proposal", "experiments": "experiment",
    "hold-checks": "hold_check",
}
FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"")


def _routes(resolver=None, prefix=""):
    """(route, pattern) for every URL pattern, with the routes of includes joined."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _fill(route: str, world, user, *, huge: bool = False) -> str:
    """The route with its parameters replaced by real ids and slugs (or a 20-digit id)."""
    org = world.org

    def value(match: re.Match) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "int" and huge:
            return HUGE
        if converter in ("slug", "str"):
            return org.line1.slug
        if name == "level":
            return "1"
        if name == "idea_id":
            return str(world.ids["idea2"])
        if name == "entry_id":
            return str(world.ids["time_entry"])
        if name == "attachment_id":
            return "1"
        before = route[:match.start()].rstrip("/").rsplit("/", 1)[-1]
        if before == "notifications":
            return str(world.ids[f"notification:{user.username}"])
        return str(world.ids[PK_OWNER.get(before, "idea")])

    return "/" + PARAM.sub(value, route)


def _admin_urls() -> list[str]:
    """Each registered model's list and, for a missing and a malformed id, its change page."""
    urls = []
    for model in admin_site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls += [base, base + f"{HUGE}/change/", base + "null,null/change/"]
    return urls


def _query(value) -> dict:
    return {name: value for name in sorted(QUERY_NAMES)}


class Walk:
    """One user's client and what it was answered."""

    def __init__(self, user):
        self.user, self.role = user, user.username
        self.client = Client(raise_request_exception=False)  # a server error is a 500 here
        self.client.force_login(user, backend="org.backends.UsernameOrEmailBackend")
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.requests = self.hostile = 0

    def send(self, method: str, url: str, data=None):
        with transaction.atomic():
            if method == "get":
                response = self.client.get(url, data or {})
            else:
                response = self.client.post(url, data or {})
            transaction.set_rollback(True)
        self.requests += 1
        self.hostile += bool(data)
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            shown = {k: (v if len(str(v)) < 40 else f"{str(v)[:20]}…") for k, v in
                     list((data or {}).items())[:3]}
            self.failures.append(f"{self.role}: {method.upper()} {url} {shown} → "
                                 f"{response.status_code}")
        return response


@pytest.fixture
def exceptions_seen():
    """Where each unhandled exception was raised (the last frame of our code)."""
    seen = []

    def record(sender, request=None, **kwargs):
        frames = [f for f in traceback.extract_tb(sys.exc_info()[2]) if "/.venv/" not in f.filename]
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
        seen.append(f"{sys.exc_info()[0].__name__} at {where} ({request.method} {request.path})")

    signals.got_request_exception.connect(record)
    yield seen
    signals.got_request_exception.disconnect(record)


def test_no_page_answers_a_server_error(org, exceptions_seen):
    world = build_world(org)
    routes = [(r, p) for r, p in _routes() if not SKIP.match(r) and not r.startswith("admin/")]
    assert len(routes) > 100  # the whole URL map, not a part of it
    started = time.monotonic()
    walks = [Walk(user) for user in (org.member, org.lead, org.manager, org.admin)]
    admin = walks[-1]

    # 1. Every route plainly, as every user: which pages each may open and post to, and the
    # names of the fields of every form shown.
    names = set(QUERY_NAMES)
    pages, forms = defaultdict(list), defaultdict(list)  # route → [(walk, url)]
    for route, _pattern in routes:
        for walk in walks:
            url = _fill(route, world, walk.user)
            response = walk.send("get", url)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                names |= set(FIELD_NAME.findall(response.content.decode(errors="replace")))
            # What the user may not open, or what has no page or form, reads no parameters.
            if response.status_code not in (403, 404, 405):
                pages[route].append((walk, url))
            if walk.send("post", url).status_code not in (403, 404, 405):
                forms[route].append((walk, url))
        if "<int:" in route:
            admin.send("get", _fill(route, world, org.admin, huge=True))
            admin.send("post", _fill(route, world, org.admin, huge=True))
    names.discard("csrfmiddlewaretoken")

    # 2. Every hostile value to every page and every form, each time by the next of the users
    # who may open it: all users get hostile input, every page gets every value.
    for method, targets, data in (("get", pages, _query),
                                  ("post", forms, lambda v: dict.fromkeys(names, v))):
        for position, (_route, seers) in enumerate(sorted(targets.items())):
            for k, value in enumerate([*HOSTILE, LIST]):
                walk, url = seers[(position + k) % len(seers)]
                walk.send(method, url, data(value))

    # 3. The admin site: lists with bad search, ordering, page and filter; bad ids.
    for url in _admin_urls():
        admin.send("get", url, {"q": "¿'\"(", "o": "99", "p": HUGE, "id__exact": "null,null"})
    for value in HOSTILE[:3]:
        admin.send("get", "/admin/ideas/idea/", {"q": value, "team__id__exact": value})

    for walk in walks:
        print(f"\n{walk.role}: {walk.requests} requests ({walk.hostile} hostile) "
              f"{sorted(walk.statuses.items())}")
    print(f"{time.monotonic() - started:.1f} s")
    failures = [f for walk in walks for f in walk.failures]
    assert not failures, (f"{len(failures)} server errors:\n" + "\n".join(failures[:60])
                          + "\n\nWhere:\n" + "\n".join(sorted(set(exceptions_seen))))
    assert len(pages) > 50 and len(forms) > 30
    for walk in walks:
        # Logged in and reaching the pages: most plain GETs answer 200; hostile input was sent.
        assert walk.statuses[200] > len(routes) / 2, (walk.role, walk.statuses)
        assert walk.hostile > 50, walk.role


@pytest.mark.parametrize("url", ["/learning/?q=(", "/learning/?q=!", "/ideas/?q=¿'\"(",
                                 "/ideas/?q=%20%20", "/systemic-issues/?q=(", "/ideas/?q=*%3A"])
def test_searches_of_punctuation_only_answer_the_page(org, client_as, url):
    response = client_as(org.member).get(url)
    assert response.status_code == 200
