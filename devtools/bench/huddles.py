"""`make bench` rows for boards: p50 of the board page with 50 and 300 cards, of the board API
with 300 cards, and of an unchanged wall-screen poll (the 304 answered from the board version).

Runs in the scratch benchmark database with the Django test client."""

import statistics
import time
from datetime import time as clock
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huddles import services
from ideas.models import Idea
from org.models import Membership, Team, Tier, User

ROUNDS = 30
POLL_ROUNDS = 200


def _team(slug: str, n_cards: int) -> tuple[Team, User]:
    tier, _ = Tier.objects.get_or_create(
        level=1, defaults={"name": "Front line", "huddle_time": clock(7, 30),
                           "authority_limit": Decimal("500")})
    team = Team.objects.create(name=f"Bench {slug}", slug=f"bench-huddles-{slug}", tier=tier)
    lead = User.objects.create(username=f"bench-huddles-{slug}-lead", display_name="Bench Lead")
    member = User.objects.create(username=f"bench-huddles-{slug}-member",
                                 display_name="Bench Member")
    Membership.objects.create(user=lead, team=team, role="lead")
    Membership.objects.create(user=member, team=team, role="member")
    now = timezone.now()
    statuses = ["new", "in_progress", "done"]
    Idea.objects.bulk_create([
        Idea(title=f"Bench item {i}: loose guard on conveyor {i % 17}", team=team,
             reporter=member, owner=lead if i % 2 else None,
             category=["safety", "quality", "delivery", "cost"][i % 4],
             kind="problem" if i % 3 else "idea", status=statuses[i % 3],
             is_private=i % 9 == 0, required_spend=Decimal("250") if i % 7 == 0 else None,
             last_activity_at=now, status_changed_at=now,
             done_at=now - timedelta(days=i % 10) if i % 3 == 2 else None)
        for i in range(n_cards)
    ])
    for category in ("safety", "quality", "delivery", "cost"):
        services.sqdc_set(team=team, day=timezone.localdate(), category=category,
                          status="green", actor=member)
    services.huddle_start(team=team, actor=lead)
    return team, lead


def _p50(fn, rounds: int) -> tuple[float, int]:
    fn()  # warm up
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), queries


def run() -> list[tuple[str, str, str]]:
    rows = []
    for n in (50, 300):
        team, lead = _team(f"b{n}", n)
        client = Client()
        client.force_login(lead, backend="org.backends.UsernameOrEmailBackend")
        url = f"/boards/{team.slug}/"

        def page(client=client, url=url):
            assert client.get(url).status_code == 200

        p50, queries = _p50(page, ROUNDS)
        rows.append((f"board page, {n} cards", f"{p50:.1f} ms p50",
                     f"{queries} queries, {ROUNDS} rounds"))
        if n == 300:
            api_url = f"/api/v1/boards/{team.pk}/"

            def api(client=client, url=api_url):
                assert client.get(url).status_code == 200

            p50, queries = _p50(api, ROUNDS)
            rows.append((f"board API, {n} cards", f"{p50:.1f} ms p50",
                         f"{queries} queries, {ROUNDS} rounds"))

            _, key = services.display_link_create(team=team, actor=lead, label="Bench TV")
            screen = Client()
            wall = f"/boards/{team.slug}/wall/"
            first = screen.get(wall, {"key": key}, HTTP_HX_REQUEST="true")
            etag = first["ETag"]

            def render(screen=screen, wall=wall, key=key):
                assert screen.get(wall, {"key": key}, HTTP_HX_REQUEST="true").status_code == 200

            p50, queries = _p50(render, ROUNDS)
            rows.append((f"wall refresh (changed), {n} cards", f"{p50:.1f} ms p50",
                         f"{queries} queries, {ROUNDS} rounds"))

            def poll(screen=screen, wall=wall, key=key, etag=etag):
                response = screen.get(wall, {"key": key}, HTTP_HX_REQUEST="true",
                                      HTTP_IF_NONE_MATCH=etag)
                assert response.status_code == 304

            p50, queries = _p50(poll, POLL_ROUNDS)
            rows.append(("wall poll, unchanged (304)", f"{p50:.2f} ms p50",
                         f"{queries} queries, {POLL_ROUNDS} rounds"))
    return rows
