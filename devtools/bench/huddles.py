"""`make bench` rows for boards: p50 of the board page with 50 and 300 cards, of the board API
with 300 cards, and of an unchanged wall-screen poll (the 304 answered from the board version).

Runs in the scratch benchmark database with the Django test client."""

from datetime import time as clock
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from huddles import services
from ideas.models import Idea
from org.models import Membership, Team, Tier, User

from .timing import get_expecting, median_ms, query_count

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


def _row(label: str, fn, rounds: int = ROUNDS, precision: int = 1) -> tuple[str, str, str]:
    """A table row: ``fn``'s p50 over ``rounds`` calls after a warm-up, and one call's queries."""
    fn()  # warm up
    queries = query_count(fn)
    return (label, f"{median_ms(fn, rounds):.{precision}f} ms p50",
            f"{queries} queries, {rounds} rounds")


def run() -> list[tuple[str, str, str]]:
    rows = []
    for n in (50, 300):
        team, lead = _team(f"b{n}", n)
        client = Client()
        client.force_login(lead, backend="org.backends.UsernameOrEmailBackend")
        rows.append(_row(f"board page, {n} cards",
                         get_expecting(client, f"/boards/{team.slug}/")))
        if n == 300:
            rows.append(_row(f"board API, {n} cards",
                             get_expecting(client, f"/api/v1/boards/{team.pk}/")))

            _, key = services.display_link_create(team=team, actor=lead, label="Bench TV")
            screen = Client()
            wall = f"/boards/{team.slug}/wall/"
            first = screen.get(wall, {"key": key}, HTTP_HX_REQUEST="true")
            rows.append(_row(f"wall refresh (changed), {n} cards", get_expecting(
                screen, wall, 200, {"key": key}, HTTP_HX_REQUEST="true")))
            rows.append(_row("wall poll, unchanged (304)", get_expecting(
                screen, wall, 304, {"key": key}, HTTP_HX_REQUEST="true",
                HTTP_IF_NONE_MATCH=first["ETag"]), rounds=POLL_ROUNDS, precision=2))
    return rows
