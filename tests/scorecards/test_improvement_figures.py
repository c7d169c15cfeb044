"""System work on the scorecards: balance across levels (and its flag), done items with
evidence, protected capacity honoured, reviews missed — exact figures on hand-built data, the
items behind them, the snapshots, the API, the CSV, constant queries — and the top systemic
issues on the executive home."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from capacity.models import TeamCapacity, TimeEntry
from capacity.selectors import capacity_by_tier
from core.dates import week_start
from ideas.models import Idea
from reviews.models import ReviewCadence
from scorecards.compute import compute, compute_windows
from scorecards.models import Snapshot
from scorecards.selectors import executive_overview
from scorecards.services import snapshot_take
from strategy.models import KPIReading
from systemic.models import SystemicIssue, SystemicLink
from tests.factories import IdeaFactory, MembershipFactory, TeamFactory, UserFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def month(sys_world):
    return compute(sys_world.day - timedelta(days=29), sys_world.day, now=sys_world.now)


# ---------------------------------------------------------------- arithmetic


def test_evidence_share_beside_the_learning_note(org, sys_world):
    line1 = month(sys_world)[("team", org.line1.pk)]
    # 4 done: one with an experiment decided, one with a KPI that moved around its done day
    assert (line1["implemented"], line1["evidence_count"], line1["evidence_share"]) == (4, 2, 0.5)
    assert "learning_share" in line1
    # the KPI movement needs a reading before the done day: without it, no evidence
    KPIReading.objects.filter(date=sys_world.day - timedelta(days=20)).delete()
    line1 = month(sys_world)[("team", org.line1.pk)]
    assert (line1["evidence_count"], line1["evidence_share"]) == (1, 0.25)


def test_levels_and_the_single_level_flag(org, sys_world):
    figures = month(sys_world)
    line1, line2 = figures[("team", org.line1.pk)], figures[("team", org.line2.pk)]
    assert [line1[k] for k in ("level_team", "level_cross_team", "level_system")] == [2, 1, 1]
    assert line1["level_focus"] is None
    # five items, every one at system level: flagged
    assert [line2[k] for k in ("level_team", "level_cross_team", "level_system")] == [0, 0, 5]
    assert line2["level_focus"] == "system"
    tier1 = figures[("tier", 1)]
    assert [tier1[k] for k in ("level_team", "level_cross_team", "level_system")] == [2, 1, 6]
    assert tier1["level_focus"] is None
    assert tier1["submitted"] == 9  # the levels add up to the items logged
    # four items at one level are too few to flag
    Idea.objects.filter(pk=sys_world.secret.pk).delete()
    assert month(sys_world)[("team", org.line2.pk)]["level_focus"] is None


def test_protected_capacity_honoured(org, sys_world):
    figures = month(sys_world)
    line1 = figures[("team", org.line1.pk)]
    # 10 h protected a week, 4 h used, over the month's four complete weeks
    assert (line1["capacity_protected"], line1["capacity_used"]) == (40.0, 16.0)
    assert line1["capacity_honoured"] == 0.4
    assert (line1["capacity_teams"], line1["capacity_sacrificing"]) == (1, 1)
    weeks = line1["capacity_weeks"]
    assert [w["week"] for w in weeks[-4:]] == [m.isoformat() for m in sys_world.mondays]
    assert [(w["protected"], w["used"], w["share"]) for w in weeks[-4:]] == [(10.0, 4.0, 0.4)] * 4
    assert len(weeks) == 6 and weeks[1]["used"] == 2.0  # five weeks back: shown, not counted
    line2 = figures[("team", org.line2.pk)]
    assert (line2["capacity_honoured"], line2["capacity_sacrificing"]) == (1.2, 0)
    tier1 = figures[("tier", 1)]
    assert (tier1["capacity_protected"], tier1["capacity_used"]) == (80.0, 64.0)
    assert tier1["capacity_honoured"] == 0.8
    assert (tier1["capacity_teams"], tier1["capacity_sacrificing"]) == (2, 1)
    assert figures[("tier", 2)]["capacity_honoured"] is None  # nobody protects time there
    assert figures[("org", 0)]["capacity_honoured"] == 0.8
    # the same figure as the org-wide picture by tier of the capacity pages
    by_tier = {row["tier"].level: row for row in capacity_by_tier(4)}
    assert (by_tier[1]["protected"], by_tier[1]["used"], by_tier[1]["percent"]) == (
        Decimal("80"), Decimal("64"), 80)
    # a week: the last complete week only
    week = compute_windows(sys_world.day, {"week": 7}, now=sys_world.now)["week"]
    assert week[("team", org.line1.pk)]["capacity_honoured"] == 0.4
    assert week[("team", org.line1.pk)]["capacity_protected"] == 10.0


def test_missed_reviews(org, sys_world):
    figures = month(sys_world)
    # line1 reviews weekly: held in weeks 1 and 3 of 4
    assert figures[("team", org.line1.pk)]["missed_reviews"] == 2
    assert figures[("team", org.line2.pk)]["missed_reviews"] is None  # no cadence
    # tier 1 adds its leads' four missed joint reviews
    assert figures[("tier", 1)]["missed_reviews"] == 6
    assert figures[("org", 0)]["missed_reviews"] == 6
    assert figures[("tier", 2)]["missed_reviews"] is None
    # the last week alone: its slot was missed
    week = compute_windows(sys_world.day, {"week": 7}, now=sys_world.now)["week"]
    assert week[("team", org.line1.pk)]["missed_reviews"] == 1
    # a team page computes its teams' reviews only
    only = compute(sys_world.day - timedelta(days=29), sys_world.day,
                   team_ids=[org.line1.pk], now=sys_world.now)
    assert only[("team", org.line1.pk)]["missed_reviews"] == 2


# ---------------------------------------------------------------- the items behind a number


def _ids(client, url):
    body = client.get(url + "&export=csv")
    assert body.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(body.streaming_content).decode())))
    return {int(r[0]) for r in rows[1:]}


def test_drill_downs_list_exactly_the_items_behind_the_figures(org, client_as, sys_world):
    lead = client_as(org.lead)
    d = sys_world.done
    base = "/scorecards/items/?scope=team:line1&period=month"
    assert _ids(lead, base + "&metric=evidence") == {d["exp"].pk, d["kpi"].pk}
    assert _ids(lead, base + "&metric=no_evidence") == {d["plain"].pk, d["undecided"].pk}
    assert _ids(lead, base + "&metric=level_team") == {d["exp"].pk, d["undecided"].pk}
    assert _ids(lead, base + "&metric=level_cross_team") == {d["kpi"].pk}
    assert _ids(lead, base + "&metric=level_system") == {d["plain"].pk}
    # a private item counts (5 at system level in line2) but never shows to others
    tier = "/scorecards/items/?scope=tier:1&period=month&metric=level_system"
    public = set(Idea.objects.filter(team=org.line2, is_private=False).values_list("pk",
                                                                                  flat=True))
    assert _ids(client_as(org.executive), tier) == public | {d["plain"].pk}
    page = client_as(org.executive).get(tier).content.decode()
    assert "Secret system item" not in page
    assert sys_world.secret.pk in _ids(client_as(org.admin), tier)
    assert client_as(org.member).get(tier).status_code == 403


# ---------------------------------------------------------------- pages, API, CSV, snapshots


def test_the_snapshot_keeps_the_new_figures(org, sys_world):
    snapshot_take(day=sys_world.day, now=sys_world.now)
    line1 = Snapshot.objects.get(scope="team", scope_id=org.line1.pk, date=sys_world.day)
    figures = line1.metrics["month"]
    assert (figures["evidence_share"], figures["capacity_honoured"],
            figures["missed_reviews"]) == (0.5, 0.4, 2)
    assert (figures["level_team"], figures["level_cross_team"], figures["level_system"]) == (
        2, 1, 1)
    assert len(figures["capacity_weeks"]) == 6
    tier1 = Snapshot.objects.get(scope="tier", scope_id=1, date=sys_world.day)
    assert tier1.metrics["month"]["missed_reviews"] == 6
    # a quarter: 13 complete weeks, of which those since the capacities were set count
    since = week_start(timezone.localdate(sys_world.now - timedelta(days=60)))
    counted = sum(1 for i in range(13) if sys_world.mondays[-1] - timedelta(weeks=i) >= since)
    assert tier1.metrics["quarter"]["capacity_protected"] == counted * 10.0 * 2
    assert tier1.metrics["quarter"]["capacity_used"] == 4 * (4.0 + 12.0) + 2.0


def test_the_team_scorecard_shows_the_system_work(org, client_as, sys_world):
    snapshot_take(day=sys_world.day, now=sys_world.now)
    page = client_as(org.lead).get("/scorecards/teams/line1/").content.decode()
    assert 'data-testid="tile-evidence_share"' in page
    assert 'data-testid="tile-learning_share"' in page
    # Evidence leads the flow-and-learning group; the length-checked note follows.
    assert page.index('data-testid="tile-evidence_share"') < page.index(
        'data-testid="tile-learning_share"')
    assert 'data-testid="tile-capacity_honoured"' in page
    assert 'data-testid="tile-missed_reviews"' in page
    assert 'href="/reviews/teams/line1/"' in page
    assert 'data-testid="system-work"' in page
    assert 'data-testid="level-focus"' not in page
    assert "<strong>2</strong> of 4 done items" in page
    assert page.count('<g data-week="') == 6  # protected vs used per week
    assert "10.0 h" in page and "4.0 h" in page
    assert "metric=level_system" in page and "metric=no_evidence" in page
    line2 = client_as(org.other).get("/scorecards/teams/line2/").content.decode()
    assert 'data-testid="level-focus"' in line2 and "Focused on one level only" in line2


def test_organisation_page_api_and_csv_carry_the_figures(org, client_as, api, sys_world):
    snapshot_take(day=sys_world.day, now=sys_world.now)
    client = client_as(org.executive)
    page = client.get("/scorecards/").content.decode()
    assert 'data-testid="capacity-by-row"' in page and "Tier 1 · Front line" in page
    body = api.as_user(org.executive).get("/api/v1/scorecards/organisation/").json()
    metrics = {m["key"]: m for m in body["metrics"]}
    assert metrics["capacity_honoured"]["value"] == 0.8
    assert metrics["capacity_honoured"]["status"] == "ok"
    assert metrics["missed_reviews"]["value"] == 6
    assert metrics["missed_reviews"]["target"]["direction"] == "down"
    assert metrics["evidence_share"]["value"] == 0.5
    assert metrics["evidence_share"]["items_url"].startswith(
        "/scorecards/items/?scope=org&metric=evidence")
    assert body["values"]["level_system"] == 6
    front = body["rows"][3]
    assert front["values"]["capacity_honoured"] == 0.8 and front["values"]["level_system"] == 6
    assert front["values"]["missed_reviews"] == 6
    assert [p["value"] for p in body["trend"]["evidence_share"]] == [0.5]
    team = api.as_user(org.lead).get(f"/api/v1/scorecards/teams/{org.line1.pk}/").json()
    assert team["values"]["capacity_weeks"][-1] == {
        "week": sys_world.mondays[-1].isoformat(), "protected": 10.0, "used": 4.0,
        "share": 0.4}
    assert {m["key"]: m["value"] for m in team["metrics"]}["missed_reviews"] == 2
    rows = list(csv.reader(io.StringIO(b"".join(
        client.get("/scorecards/tiers/1/?export=table").streaming_content).decode())))
    header = rows[0]
    for label in ("Done with evidence", "Capacity honoured", "Reviews missed", "Team level",
                  "Cross-team level", "System level"):
        assert label in header
    line1 = next(r for r in rows[1:] if r[0] == org.line1.name)
    assert line1[header.index("Done with evidence")] == "0.5"
    assert line1[header.index("Capacity honoured")] == "0.4"
    assert line1[header.index("Reviews missed")] == "2"


def test_a_live_custom_period_computes_the_same(org, api, sys_world):
    day = sys_world.day
    url = (f"/api/v1/scorecards/teams/{org.line1.pk}/?period=custom"
           f"&from={(day - timedelta(days=29)).isoformat()}&to={day.isoformat()}")
    body = api.as_user(org.lead).get(url).json()
    assert body["source"] == "live"
    values = {m["key"]: m["value"] for m in body["metrics"]}
    assert (values["evidence_share"], values["capacity_honoured"], values["missed_reviews"]) \
        == (0.5, 0.4, 2)


# ---------------------------------------------------------------- constant queries


def _grow(org, n: int, prefix: str, day: date) -> None:
    """``n`` front-line teams, each with a member, an item per level, a capacity with time
    logged and a weekly review cadence; then the snapshots again."""
    for i in range(n):
        team = TeamFactory(name=f"{prefix} {i}", slug=f"{prefix}-{i}", tier=org.tiers[1],
                           parent=org.sup)
        person = UserFactory()
        MembershipFactory(user=person, team=team)
        for level in ("team", "cross_team", "system"):
            idea = IdeaFactory(team=team, reporter=person, level=level)
        TeamCapacity.objects.create(team=team, amount=Decimal("5"),
                                    created_at=timezone.now() - timedelta(days=60))
        TimeEntry.objects.create(user=person, idea=idea, team=team,
                                 date=day - timedelta(days=3), hours=Decimal("2"))
        ReviewCadence.objects.create(team=team, every="weekly", since=day - timedelta(days=40))
    snapshot_take(day=day)




@pytest.mark.parametrize("url", [
    "/scorecards/", "/scorecards/tiers/1/", "/scorecards/teams/sup/",
    "/scorecards/tiers/1/?export=table", "/api/v1/scorecards/organisation/",
    "/api/v1/scorecards/tiers/1/", "/api/v1/scorecards/teams/{sup}/",
    "/scorecards/tiers/1/?period=custom&from={start}&to={end}",
    "/scorecards/teams/sup/?period=custom&from={start}&to={end}",
    "/scorecards/items/?scope=tier:1&metric=level_system",
    "/scorecards/items/?scope=org&metric=no_evidence",
])
def test_system_figures_keep_the_queries_constant(org, client_as, url):
    client = client_as(org.executive)
    day = timezone.localdate() - timedelta(days=1)
    url = url.format(start=(day - timedelta(days=29)).isoformat(), end=day.isoformat(),
                     sup=org.sup.pk)
    _grow(org, 3, "cell", day)
    small = count_queries(client, url)
    _grow(org, 45, "more", day)
    assert count_queries(client, url) == small


# ---------------------------------------------------------------- the executive home


def _issue(org, title, problems, *, status="open"):
    issue = SystemicIssue.objects.create(title=title, statement="Recurs", owner_team=org.plant,
                                         created_by=org.manager, status=status)
    for idea in problems:
        SystemicLink.objects.create(issue=issue, idea=idea, linked_by=org.manager)
    return issue


def test_the_executive_home_shows_the_top_systemic_issues(org, client_as):
    now = timezone.now()
    secret = IdeaFactory(team=org.line2, reporter=org.other, is_private=True,
                         title="Secret bracket crack")
    public = [IdeaFactory(team=org.line1, reporter=org.member, title=f"Bracket {i}")
              for i in range(3)]
    busy = _issue(org, "Brackets crack on every line", [*public, secret])
    quiet = _issue(org, "Late drawings", public[:1])
    _issue(org, "Old and solved", public, status="resolved")

    figures = executive_overview(org.executive, now=now)
    issues = figures["systemic"]
    assert [i["title"] for i in issues] == [busy.title, quiet.title]
    top = issues[0]
    assert (top["problems"], top["recent"]) == (4, 4)
    assert len(top["series"]) == 6 and top["series"][-1][1] == 4  # all logged this month
    assert top["url"] == f"/systemic-issues/{busy.pk}/"
    assert figures["systemic_url"] == "/systemic-issues/"

    html = client_as(org.executive).get("/").content.decode()
    start = html.index('data-testid="exec-systemic"')
    card = html[start:html.index("</article>", start)]
    assert f'href="/systemic-issues/{busy.pk}/"' in card
    assert f'href="/systemic-issues/{quiet.pk}/"' in card
    assert 'href="/systemic-issues/"' in card
    assert "Old and solved" not in card
    assert '<svg class="sparkline"' in card
    assert "Secret bracket crack" not in html  # a private problem counts, never shows


def test_the_executive_home_runs_the_same_queries_for_few_and_many_issues(org):
    problems = [IdeaFactory(team=org.line1, reporter=org.member) for _ in range(3)]
    _issue(org, "First", problems)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            executive_overview(org.executive)
        return len(ctx.captured_queries)

    count()  # the first read also caches the executive's memberships on the user
    small = count()
    more = [IdeaFactory(team=org.line2, reporter=org.other) for _ in range(30)]
    for i in range(8):
        _issue(org, f"Issue {i}", more[i:i + 20])
    assert count() == small
    assert len(executive_overview(org.executive)["systemic"]) == 5
