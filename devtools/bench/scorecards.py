"""`make bench` rows for the jobs and scorecards (scripts/bench.py runs this in a scratch
database and drops it afterwards).

1. ``generate_load``: a million items over 200 teams, 10% of them stale.
2. The naive way, for comparison: an ORM loop over a 20,000-item sample that checks each open
   item in Python, saves each stale one and notifies through ``org.notifications.notify`` — then
   undone, so the real job starts from the same state.
3. The aging job over the million: keyset batches, one UPDATE each, bulk nudges.
4. The nightly snapshot over the same data, then the organisation scorecard page and API,
   the tier page, the executive scorecard and the executive home: median (p50) of 20 requests
   each.
"""

import os
import time
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

from .timing import get_expecting, median_ms

IDEAS = int(os.environ.get("BENCH_IDEAS", "1000000"))
TEAMS = int(os.environ.get("BENCH_TEAMS", "200"))
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "20000"))
REQUESTS = 20


def _naive_loop(first_id: int, now) -> tuple[float, int, int]:
    """What one writes without thinking of sets: read every item, decide in Python, save each
    stale one and notify through the usual service. Seconds, items read, items flagged."""
    from ideas.models import Idea
    from org.notifications import notify
    from org.selectors import team_leads

    began = time.perf_counter()
    read = flagged = 0
    sample = (Idea.objects.filter(pk__gte=first_id, pk__lt=first_id + SAMPLE)
              .select_related("team__tier").order_by("pk"))
    for idea in sample.iterator(chunk_size=2000):
        read += 1
        if not idea.is_open or idea.is_waiting or idea.aging_flagged_at:
            continue
        if idea.last_activity_at < now - timedelta(days=idea.team.tier.aging_threshold_days):
            idea.aging_flagged_at = now
            idea.save()
            recipients = [idea.owner_id] if idea.owner_id else list(team_leads(idea.team))
            notify(recipients=recipients, verb="aging", text=f"No activity: {idea.title}",
                   url=f"/ideas/{idea.pk}/", target=idea,
                   event_key=f"naive:{idea.pk}:{now.isoformat()}")
            flagged += 1
    return time.perf_counter() - began, read, flagged


def _undo_naive(first_id: int) -> None:
    from ideas.models import Idea
    from org.models import Notification

    Idea.objects.filter(pk__gte=first_id, pk__lt=first_id + SAMPLE).update(aging_flagged_at=None)
    Notification.objects.filter(event_key__startswith="naive:").delete()


def _p50(client: Client, url: str) -> float:
    client.get(url)  # warm up
    return median_ms(get_expecting(client, url), REQUESTS)


def run() -> list[tuple[str, str, str]]:
    from devtools.load import generate_load
    from ideas.jobs import flag_aging_items
    from org.models import Membership, Team, User
    from scorecards.services import snapshot_nightly

    rows = []
    began = time.perf_counter()
    load = generate_load(ideas=IDEAS, teams=TEAMS, stale=0.1, prefix="bench")
    seconds = time.perf_counter() - began
    rows.append(("generate_load", f"{seconds:.1f} s",
                 f"{IDEAS:,} items ({load.stale:,} stale), {load.escalations:,} escalations, "
                 f"{load.teams} teams, COPY"))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ideas_idea")

    now = timezone.now()
    naive_seconds, read, naive_flagged = _naive_loop(load.first_idea_id, now)
    _undo_naive(load.first_idea_id)
    per_item = naive_seconds / SAMPLE
    rows.append(("aging scan, naive ORM loop", f"{naive_seconds:.1f} s",
                 f"{SAMPLE:,}-item sample: {read:,} read, {naive_flagged:,} flagged "
                 f"one by one; {per_item * 1e6:.0f} µs/item → {per_item * IDEAS:,.0f} s "
                 f"for {IDEAS:,}"))

    began = time.perf_counter()
    result = flag_aging_items(now=now)
    fast = time.perf_counter() - began
    rows.append(("aging scan, set-based job", f"{fast:.2f} s",
                 f"{IDEAS / fast:,.0f} items/s over {IDEAS:,}; {result['flagged']:,} flagged, "
                 f"{result['notified']:,} nudges, {result['batches']} batches "
                 f"(target < 10 s)"))
    rows.append(("aging scan, speed-up", f"{per_item * IDEAS / fast:,.0f}×",
                 "naive time per item × 1,000,000 ÷ job time (target ≥ 100×)"))
    rerun_began = time.perf_counter()
    again = flag_aging_items(now=now + timedelta(minutes=1))
    rows.append(("aging scan, rerun", f"{time.perf_counter() - rerun_began:.2f} s",
                 f"{again['flagged']} flagged, {again['notified']} nudges (nothing twice)"))

    began = time.perf_counter()
    snapshot_nightly()
    rows.append(("nightly snapshot", f"{time.perf_counter() - began:.1f} s",
                 f"{Team.objects.count()} teams + tiers + organisation, 3 windows"))

    root = Team.objects.get(parent__isnull=True)
    chief = User.objects.create(username="bench-chief", display_name="Bench Chief")
    Membership.objects.create(user=chief, team=root, role="lead")
    client = Client()
    client.force_login(chief, backend="org.backends.UsernameOrEmailBackend")
    page = _p50(client, "/scorecards/")
    rows.append(("organisation scorecard page p50", f"{page:.0f} ms",
                 f"{REQUESTS} requests over {IDEAS:,} items, from snapshots (target < 300 ms)"))
    api = _p50(client, "/api/v1/scorecards/organisation/")
    rows.append(("organisation scorecard API p50", f"{api:.0f} ms", f"{REQUESTS} requests"))
    tier = _p50(client, "/scorecards/tiers/1/")
    rows.append(("tier 1 scorecard page p50", f"{tier:.0f} ms",
                 f"{Team.objects.filter(tier__level=1).count()} team rows"))
    executive = _p50(client, "/scorecards/executive/")
    rows.append(("executive scorecard page p50", f"{executive:.0f} ms",
                 f"{REQUESTS} requests, the default month, over {IDEAS:,} items"))
    from scorecards.selectors import executive_overview

    began = time.perf_counter()
    executive_overview(chief)
    rows.append(("executive panel, uncached", f"{(time.perf_counter() - began) * 1000:.0f} ms",
                 "the first load; then cached for 60 s"))
    home = _p50(client, "/")
    rows.append(("executive home (My work) p50", f"{home:.0f} ms", f"{REQUESTS} requests"))
    return rows
