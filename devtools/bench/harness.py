"""`make bench`: everything of issue 15 measured side by side in one run, over HTTP, against
Tierline served as `make run` serves it.

1. The database: an embedded PostgreSQL folder of its own per scale, migrated, the demo seeded
   and ``generate_load`` at ``BENCH_IDEAS`` (1,000,000) items over ``BENCH_TEAMS`` (1,000)
   teams — reused by the next run at the same scale (devtools/bench/server.py).
2. The nightly snapshot (``run_job snapshot_scorecards``), which the scorecards read.
3. gunicorn with uvicorn workers and ``make run``'s settings on a free loopback port, with a bare
   view beside the product's (the floor): server CPU at rest; the floor and the unchanged wall
   poll at saturation (requests/s, server CPU per request, the poll's cost as a ratio to the
   floor); ``BENCH_SCREENS`` (2,000) wall screens polling, then the same number holding a push
   stream (when the push URL exists): server CPU while nothing changes, change-to-screen
   latency p95 after a lead moves a card; 10,000 screens extrapolated from the measured ones.
   Again with Redis when ``BENCH_REDIS_URL`` answers (versions kept in Redis exist only there).
4. The page table (devtools/bench/pages.py).
5. The aging scan: 10 % of the items made stale, then ``manage.py run_job flag_aging_items`` as a
   whole process, and again with nothing to do.

Every figure comes from this one run on this machine; what other processes do to the machine
shows in the load average printed first. Figures are for reading, never asserted.
"""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .server import BASE_DIR, BenchDatabase, WebServer, log, manage
from .table import format_table, ms, quotient, ratio
from .walls import Screens

AGING_TARGET_S, RERUN_TARGET_S = 3.0, 1.0


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, "") or default)


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, "") or default)


@dataclass
class Config:
    ideas: int = field(default_factory=lambda: _int("BENCH_IDEAS", 1_000_000))
    teams: int = field(default_factory=lambda: _int("BENCH_TEAMS", 1000))
    screens: int = field(default_factory=lambda: _int("BENCH_SCREENS", 2000))
    boards: int = field(default_factory=lambda: _int("BENCH_BOARDS", 100))
    changed: int = field(default_factory=lambda: _int("BENCH_CHANGED_BOARDS", 10))
    poll_seconds: float = field(default_factory=lambda: _float("BENCH_POLL_SECONDS", 0))
    idle_seconds: float = field(default_factory=lambda: _float("BENCH_IDLE_SECONDS", 10))
    rate_seconds: float = field(default_factory=lambda: _float("BENCH_RATE_SECONDS", 5))
    concurrency: int = field(default_factory=lambda: _int("BENCH_CONCURRENCY", 32))
    rounds: int = field(default_factory=lambda: _int("BENCH_ROUNDS", 7))
    cold_rounds: int = field(default_factory=lambda: _int("BENCH_COLD_ROUNDS", 3))
    clients: int = field(default_factory=lambda: _int("BENCH_CLIENTS", 8))
    client_rounds: int = field(default_factory=lambda: _int("BENCH_CLIENT_ROUNDS", 3))
    page_budget: float = field(default_factory=lambda: _float("BENCH_PAGE_BUDGET", 30))
    redis_url: str = field(default_factory=lambda: os.environ.get("BENCH_REDIS_URL", ""))
    data_dir: Path | None = None

    def __post_init__(self):
        # One data folder per scale: a quick run does not throw away the million items.
        if self.data_dir is None:
            self.data_dir = Path(os.environ.get("BENCH_PGDATA", "") or BASE_DIR / ".tierline"
                                 / f"postgres-bench-{self.ideas}-{self.teams}")


@dataclass
class Context:
    """What the run found in the data: who looks, which boards, which screens."""

    executive_cookie: str
    lead_cookie: str
    largest_slug: str
    largest_items: int
    screen_targets: list[dict]  # {"id": slug, "poll": path, "push": path}
    api_lists: list[str]
    refresh_seconds: int


# ------------------------------------------------------------------ set-up in this process
def _django(db: BenchDatabase) -> None:
    os.environ.update({"DJANGO_SETTINGS_MODULE": "devtools.bench.settings",
                       "DATABASE_URL": db.url})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "org.backends.UsernameOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _api_lists() -> list[str]:
    from django.urls import NoReverseMatch, reverse

    from config.api_urls import router

    paths = []
    for _prefix, viewset, basename in router.registry:
        if not hasattr(viewset, "list"):
            continue
        try:
            paths.append(reverse(f"{basename}-list"))
        except NoReverseMatch:
            continue
    return sorted(set(paths))


def discover(cfg: Config) -> Context:
    from django.db.models import Count

    from huddles import services
    from huddles.models import BoardSettings
    from ideas.models import Idea
    from org.models import Membership, Team, User

    def lead_of(team: Team) -> User:
        return (Membership.objects.filter(team=team, role=Membership.Role.LEAD)
                .select_related("user").order_by("pk").first().user)

    executive = User.objects.filter(username="helen").first() or lead_of(
        Team.objects.get(parent__isnull=True))
    top = (Idea.objects.values("team").annotate(n=Count("pk")).order_by("-n").first())
    largest = Team.objects.get(pk=top["team"])
    boards = list(Team.objects.filter(slug__startswith="bench-t1-").order_by("pk")[:cfg.boards])
    targets = []
    for team in boards:
        _, key = services.display_link_create(team=team, actor=lead_of(team),
                                              label="make bench screen")
        targets.append({"id": team.slug,
                        "poll": f"/boards/{team.slug}/wall/?key={quote(key)}",
                        "push": f"/boards/{team.slug}/wall/events/?key={quote(key)}"})
    refresh = BoardSettings._meta.get_field("refresh_seconds").default
    return Context(executive_cookie=_session_cookie(executive),
                   lead_cookie=_session_cookie(lead_of(largest)), largest_slug=largest.slug,
                   largest_items=top["n"], screen_targets=targets, api_lists=_api_lists(),
                   refresh_seconds=int(refresh))


def clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def make_stale(share: float = 0.1) -> dict:
    """Every open item that waits on nobody made fresh, then ``share`` of all items made idle
    beyond their tier's threshold (chosen by id), every flag and aging nudge removed: the aging
    scan finds the same work on every run, whatever earlier runs did."""
    from django.db import connection

    from ideas.models import Idea
    from org.models import Notification, Team, Tier

    idea, team, tier = Idea._meta.db_table, Team._meta.db_table, Tier._meta.db_table
    open_ = [str(s) for s in Idea.OPEN_STATUSES]
    total = Idea.objects.count()
    candidates = Idea.objects.filter(status__in=open_, waiting_on_team__isnull=True).count()
    permille = min(1000, round(1000 * share * total / max(1, candidates)))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {idea} SET aging_flagged_at = NULL "
                       "WHERE aging_flagged_at IS NOT NULL")
        cursor.execute(
            f"UPDATE {idea} i SET aging_flagged_at = NULL, last_activity_at = CASE "
            "WHEN i.id %% 1000 < %s THEN now() - make_interval(days => r.aging_threshold_days "
            "+ 1 + (i.id %% 30)::int) "
            "ELSE now() - make_interval(hours => (i.id %% 48)::int) END "
            f"FROM {team} t JOIN {tier} r ON r.id = t.tier_id "
            "WHERE t.id = i.team_id AND i.status = ANY(%s) AND i.waiting_on_team_id IS NULL",
            [permille, open_])
        cursor.execute(f"DELETE FROM {Notification._meta.db_table} WHERE verb = 'aging'")
        cursor.execute(f"VACUUM ANALYZE {idea}")
    return {"total": total, "open": candidates, "permille": permille}


# ------------------------------------------------------------------ the page table
def page_table(cfg: Config, ctx: Context, web: WebServer) -> list[tuple]:
    from .pages import Page, measure, pages

    cookies = {"executive": ctx.executive_cookie, "lead": ctx.lead_cookie, "anyone": ""}
    floor = measure(Page("bare Django view (floor)", "anyone", "/bench/floor/"),
                    host=web.host, port=web.port, cookie="", rounds=cfg.rounds * 3,
                    cold_rounds=0, concurrent=cfg.clients, clear_cache=clear_cache,
                    client_rounds=cfg.client_rounds * 3)
    rows = []
    todo = pages(board_slug=ctx.largest_slug, team_slug=ctx.largest_slug, search="conveyor",
                 api_lists=ctx.api_lists)
    results = [floor]
    for page in todo:
        log(f"page {page.path} ({page.who})")
        results.append(measure(page, host=web.host, port=web.port, cookie=cookies[page.who],
                               rounds=cfg.rounds, cold_rounds=cfg.cold_rounds,
                               concurrent=cfg.clients, clear_cache=clear_cache,
                               client_rounds=cfg.client_rounds, budget=cfg.page_budget))
        r = results[-1]
        log(f"  p50 {ms(r.warm_ms)}, cold {ms(r.cold_ms)}, {cfg.clients} clients "
            f"{ms(r.concurrent_ms)}" + (" (fewer rounds: slow)" if r.shrunk else ""))
    for r in results:
        target = "" if r.page.who == "anyone" else f"< {r.page.target_ms} ms " + (
            "ok" if r.warm_ms is not None and r.warm_ms < r.page.target_ms else "OVER")
        bad = {k: v for k, v in (r.statuses or {}).items() if k != 200}
        if r.shrunk:
            target += " (slow: fewer rounds)"
        rows.append((r.page.label, r.page.who, ms(r.warm_ms), ms(r.cold_ms),
                     "skipped: slow" if r.skipped else ms(r.concurrent_ms),
                     f"{r.concurrent_rps:.0f}" if r.concurrent_rps else "–",
                     ratio(quotient(r.warm_ms, floor.warm_ms), 0) if r.warm_ms else "–",
                     target if not bad else f"status {bad}"))
    return rows


# ------------------------------------------------------------------ the jobs
def timed_job(db: BenchDatabase, name: str) -> tuple[float, dict]:
    began = time.perf_counter()
    done = manage("run_job", name, env=db.env(), capture=True)
    seconds = time.perf_counter() - began
    line = done.stdout.strip().splitlines()[-1]
    try:
        return seconds, json.loads(line.split(": ", 1)[1])
    except (IndexError, ValueError):
        return seconds, {}


def aging_rows(db: BenchDatabase, cfg: Config) -> list[tuple]:
    log("aging: 10 % of the items made stale")
    began = time.perf_counter()
    shape = make_stale(0.1)
    log(f"aging: made stale in {time.perf_counter() - began:.0f} s; run_job flag_aging_items")
    first, result = timed_job(db, "flag_aging_items")
    log(f"  aging scan {first:.2f} s: {result}")
    again, second = timed_job(db, "flag_aging_items")
    log(f"  aging rerun {again:.2f} s: {second}")
    return [
        ("aging scan, whole run_job process", f"{first:.2f} s",
         f"{first / AGING_TARGET_S:.2f}× target",
         f"{shape['total']:,} items, {result.get('flagged', '?'):,} flagged, "
         f"{result.get('notified', '?'):,} nudges, {result.get('batches', '?')} batches; "
         f"{shape['total'] / first:,.0f} items/s; target ≤ {AGING_TARGET_S:.0f} s incl. start-up"),
        ("aging scan rerun, nothing to do", f"{again:.2f} s",
         f"{again / RERUN_TARGET_S:.2f}× target",
         f"{second.get('flagged', '?')} flagged, {second.get('notified', '?')} nudges; "
         f"target < {RERUN_TARGET_S:.0f} s"),
    ]


def redis_answers(url: str) -> bool:
    if not url:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001 - any failure means: no Redis phase
        return False


# ------------------------------------------------------------------ the run
def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    argv = list(argv or [])
    # SIGTERM (and SIGINT, even when started in the background) stops the run cleanly: the web
    # server and the embedded database stop in the ``finally`` blocks.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    skip = {a.removeprefix("--skip-") for a in argv if a.startswith("--skip-")}
    cfg = Config()
    load = os.getloadavg()
    began = time.perf_counter()
    db = BenchDatabase(cfg.data_dir, ideas=cfg.ideas, teams=cfg.teams)
    db.start()
    main_rows: list[tuple] = []
    page_rows: list[tuple] = []
    try:
        prepared = db.prepare()
        _django(db)
        if "snapshot" not in skip:
            log("nightly snapshot (run_job snapshot_scorecards)")
            seconds, _ = timed_job(db, "snapshot_scorecards")
            log(f"  snapshot {seconds:.1f} s")
            main_rows.append(("nightly scorecard snapshot, run_job", f"{seconds:.1f} s", None,
                              f"{cfg.teams:,}+ teams, tiers, organisation"))
        ctx = discover(cfg)
        from django.db import connection

        connection.close()
        web = WebServer(db)
        web.start()
        try:
            main_rows.append(("the floor, the poll, the push",))
            screens = Screens(cfg, ctx, web, db.postmaster_pid)
            if "screens" not in skip:
                screens.run()
                main_rows += screens.rows
            if "pages" not in skip:
                page_rows = page_table(cfg, ctx, web)
        finally:
            web.stop()
        if "screens" not in skip and redis_answers(cfg.redis_url):
            redis_web = WebServer(db, label="Redis", REDIS_URL=cfg.redis_url)
            redis_web.start()
            try:
                screens = Screens(cfg, ctx, redis_web, db.postmaster_pid)
                screens.run()
                main_rows += screens.rows
            finally:
                redis_web.stop()
        elif "screens" not in skip:
            main_rows.append(("with Redis", "not measured", None,
                              f"BENCH_REDIS_URL={cfg.redis_url} does not answer"
                              if cfg.redis_url else "BENCH_REDIS_URL is empty"))
        if "aging" not in skip:
            main_rows.append(("jobs",))
            main_rows += aging_rows(db, cfg)
        from django.db import connection

        connection.close()
    finally:
        db.stop()
    cores = os.cpu_count()
    print(f"make bench: {cfg.ideas:,} items, {cfg.teams:,} teams (largest: {ctx.largest_items:,} "
          f"items), {cfg.screens:,} screens over {len(ctx.screen_targets)} boards, "
          f"{os.environ.get('WEB_CONCURRENCY', '3')} gunicorn workers, {cores} cores, load "
          f"average at start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; "
          f"{time.perf_counter() - began:.0f} s"
          + (f" (data loaded in {prepared['generate_load']:.0f} s)"
             if "generate_load" in prepared else " (data reused)"))
    print()
    print(format_table(("benchmark", "figure", "ratio", "note"), main_rows))
    if page_rows:
        print()
        print(format_table(("page", "as", "p50 1 client", "cold p50", f"p50 {cfg.clients} "
                            "clients", "req/s", "× floor", "target (1 client)"), page_rows))
        print("cold: the application cache emptied before each request; × floor: p50 at 1 "
              "client ÷ the bare view's")
    return 0
