"""`make bench` rows for system work: systemic-issue suggestions among 100,000 open items —
one query over the pg_trgm GIN index on the title (target: under 200 ms) — and the capacity
aggregate for every team.

Runs in the scratch benchmark database (scripts/bench.py)."""

import random
import statistics
from datetime import time as clock
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from capacity.models import TimeEntry
from capacity.selectors import capacity_by_week
from ideas.models import Idea
from org.models import Membership, Team, Tier, User
from systemic.selectors import suggestions

from .timing import median_ms

N_ITEMS = 100_000
ROUNDS = 20
WORDS = ["conveyor", "jams", "merge", "brackets", "short", "torque", "gun", "slips", "label",
         "printer", "leak", "air", "manifold", "forklift", "blind", "spot", "scanner", "misread",
         "pallet", "wrap", "tears", "changeover", "press", "slow", "bearing", "spindle", "fails",
         "oven", "calibration", "drift", "glove", "dispenser", "empty", "cable", "trip",
         "hazard", "sensor", "fault", "door", "panel", "scratch", "paint", "cover", "clip",
         "harness", "missing", "terminal", "logout", "wifi", "canteen"]
QUERIES = ["Conveyor jams at the merge", "Brackets run short at the line side",
           "Compressed air leak at the manifold", "Label printer jams on roll change",
           "Forklift blind spot at the crossing"]


def _setup() -> tuple[User, list[Team]]:
    tier, _ = Tier.objects.get_or_create(
        level=1, defaults={"name": "Front line", "huddle_time": clock(7, 30),
                           "authority_limit": Decimal("500")})
    teams = [Team.objects.create(name=f"Bench ideas {i}", slug=f"bench-ideas-{i}", tier=tier)
             for i in range(20)]
    user = User.objects.create_user(username="bench-ideas", password="x")
    Membership.objects.create(user=user, team=teams[0], role=Membership.Role.LEAD)
    rng = random.Random(42)
    now = timezone.now()
    categories = Idea.Category.values
    batch = []
    for i in range(N_ITEMS):
        words = rng.sample(WORDS, rng.randint(3, 6))
        batch.append(Idea(
            title=" ".join(words).capitalize() + f" {i % 97}", team=teams[i % len(teams)],
            reporter=user, category=categories[i % len(categories)], kind="problem",
            status="new" if i % 3 else "in_progress", last_activity_at=now,
            status_changed_at=now))
        if len(batch) == 10_000:
            Idea.objects.bulk_create(batch)
            batch = []
    if batch:
        Idea.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ideas_idea")
    return user, teams


def run() -> list[tuple[str, str, str]]:
    user, teams = _setup()
    rows = []
    admin = User.objects.create_user(username="bench-ideas-admin", password="x", is_staff=True)
    for who, label in ((admin, "admin"), (user, "team lead")):
        samples = []
        for text in QUERIES:
            suggestions(who, text=text, category="delivery")  # warm
            samples.append(median_ms(
                lambda t=text, w=who: suggestions(w, text=t, category="delivery"), ROUNDS))
        with CaptureQueriesContext(connection) as ctx:
            found = suggestions(who, text=QUERIES[0], category="delivery")
        n = len(ctx.captured_queries)
        rows.append((f"systemic suggestions, {N_ITEMS:,} open items ({label})",
                     f"p50 {statistics.median(samples):.1f} ms, worst {max(samples):.1f} ms",
                     f"{n} quer{'y' if n == 1 else 'ies'} (a lead's includes its teams), "
                     f"{len(found.items)} suggestions; target < 200 ms"))
    qs = Idea.objects.filter(title__trigram_similar=QUERIES[0]).only("pk").order_by()
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(r[0] for r in cursor.fetchall())
    rows.append(("suggestion plan", "idea_title_trgm" if "idea_title_trgm" in plan
                 else "NO INDEX", "GIN trigram index on the title (migration 0005)"))

    today = timezone.localdate()
    ids = list(Idea.objects.values_list("pk", flat=True)[:2000])
    TimeEntry.objects.bulk_create([
        TimeEntry(user=user, idea_id=idea_id, team=teams[i % len(teams)], date=today,
                  hours=Decimal("0.25")) for i, idea_id in enumerate(ids)])
    ms = median_ms(lambda: capacity_by_week([t.pk for t in teams], 8), ROUNDS)
    rows.append(("capacity by week, 20 teams × 8 weeks", f"p50 {ms:.1f} ms",
                 "3 queries (teams, capacities, one aggregate)"))
    return rows
