"""What the method rewards, on the scorecard: solved at the owning tier as a healthy band,
under-escalation (over authority and never escalated, aging and never escalated, stalled teams
that do not escalate), structured learning and learning other teams used — exact figures on
hand-built data, drill-downs, groups on the page, the API and the CSV."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from escalation.models import Escalation
from ideas.models import LearningMark
from scorecards.compute import compute
from scorecards.definitions import BAND, BY_KEY, GROUPS, TILES, status_for
from scorecards.models import Target
from tests.factories import IdeaFactory
from tests.queries import count_queries
from tests.scorecards.conftest import at, make_item

pytestmark = pytest.mark.django_db

PARTS = {"learning_expected": "Scrap halves", "learning_happened": "Scrap fell by a third",
         "learning_next_time": "Measure the first week before we widen it"}


@dataclass
class MethodWorld:
    now: datetime
    day: date
    start: date
    items: dict

    def params(self) -> dict:
        return {"period": "custom", "from": self.start.isoformat(), "to": self.day.isoformat()}


def _escalate(org, idea, *, from_team, to_team, raised, state="returned"):
    return Escalation.objects.create(
        idea=idea, from_team=from_team, to_team=to_team, reason="authority", ask="Approve",
        raised_by=org.lead, raised_at=raised, state=state, resolved_at=raised + timedelta(hours=5),
        decision="Not now", due_ack_at=raised + timedelta(hours=8),
        due_resolve_at=raised + timedelta(hours=48))


def _mark(idea, team, kind, when):
    mark = LearningMark.objects.create(idea=idea, team=team, kind=kind)
    LearningMark.objects.filter(pk=mark.pk).update(created_at=when)


@pytest.fixture
def mw(org) -> MethodWorld:
    """Ten days D-9 … D (D = yesterday). Tier 1's authority limit is 500.

    line1: P1 new, spend 800, never escalated · P2 parked, spend 1000, never escalated ·
      P3 new, spend 900, escalated D-3 (returned) · P4 new, spend 400 · P5 done D-1, spend
      2000 · P6 new, aging, never escalated · P7 new, aging, escalated D-25 (returned) ·
      L1 done D-2 structured · L2 done D-3, two parts only · L3 done D-5 structured ·
      L0 done D-30.
    line2: Q1 in progress, aging, never escalated · Q2 private, new, spend 600.
    Marks: L1 reused by line2 (D-1) and useful to maint (D-1); L0 reused by sup (D-2);
      L3 by line1 itself (D-1, never counts) and by line2 on D-12 (before the period).
    """
    now = timezone.now()
    day = timezone.localdate(now) - timedelta(days=1)

    def a(offset, hour=12):
        return at(day, offset, hour)

    line1, line2 = org.line1, org.line2
    it = {}
    for key, fields in {
        "P1": dict(required_spend=Decimal("800")),
        "P2": dict(required_spend=Decimal("1000"), status="parked", status_changed_at=a(6)),
        "P3": dict(required_spend=Decimal("900")),
        "P4": dict(required_spend=Decimal("400")),
        "P5": dict(required_spend=Decimal("2000"), status="done", done_at=a(1), learning="x"),
        "P6": dict(aging_flagged_at=a(0)),
        "P7": dict(aging_flagged_at=a(0)),
        "L1": dict(status="done", done_at=a(2), learning="Structured", **PARTS),
        "L2": dict(status="done", done_at=a(3), learning="Half",
                   learning_expected="More", learning_happened="Less"),
        "L3": dict(status="done", done_at=a(5), learning="Structured too", **PARTS),
        "L0": dict(status="done", done_at=a(30), learning="Old and good"),
    }.items():
        created = a(40) if key in ("P7", "L0") else a(8)
        it[key] = make_item(line1, created=created, reporter=org.member, **fields)
    it["Q1"] = make_item(line2, created=a(8), reporter=org.other, status="in_progress",
                         aging_flagged_at=a(0))
    it["Q2"] = make_item(line2, created=a(1), reporter=org.other, is_private=True,
                         required_spend=Decimal("600"))
    _escalate(org, it["P3"], from_team=line1, to_team=org.sup, raised=a(3))
    _escalate(org, it["P7"], from_team=line1, to_team=org.sup, raised=a(25))
    _mark(it["L1"], line2, "reused", a(1))
    _mark(it["L1"], org.maint, "useful", a(1))
    _mark(it["L0"], org.sup, "reused", a(2))
    _mark(it["L3"], line1, "useful", a(1))
    _mark(it["L3"], line2, "reused", a(12))
    return MethodWorld(now=now, day=day, start=day - timedelta(days=9), items=it)


def test_under_escalation_and_learning_figures_per_team_tier_and_organisation(org, mw):
    figures = compute(mw.start, mw.day, now=mw.now)
    line1 = figures[("team", org.line1.pk)]
    assert line1["over_authority_unescalated"] == 2  # P1 and P2 (parked counts); not P3-P5
    assert line1["aging_unescalated"] == 1  # P6; P7 was escalated (before the period)
    assert line1["escalations_raised"] == 1  # P3's, on D-3
    assert line1["silent_teams"] == 0  # aging work, but it escalated
    assert line1["implemented"] == 4  # P5, L1, L2, L3
    assert (line1["learning_structured"], line1["learning_structured_count"]) == (0.5, 2)
    assert line1["learning_reused"] == 2  # L1 (twice, once) and L0; never L3
    assert line1["held_share"] is None  # no check answered
    line2 = figures[("team", org.line2.pk)]
    assert (line2["over_authority_unescalated"], line2["aging_unescalated"],
            line2["silent_teams"]) == (1, 1, 1)  # Q2 private still counts
    tier1 = figures[("tier", 1)]
    assert (tier1["over_authority_unescalated"], tier1["aging_unescalated"],
            tier1["silent_teams"]) == (3, 2, 1)
    everyone = figures[("org", 0)]
    assert (everyone["over_authority_unescalated"], everyone["silent_teams"],
            everyone["learning_reused"]) == (3, 1, 2)
    # maint, sup and the rest have no aging work: not silent.
    assert figures[("team", org.maint.pk)]["silent_teams"] == 0


def test_a_day_in_the_past_is_rebuilt_from_the_timestamps(org, mw):
    end = mw.day - timedelta(days=7)
    line1 = compute(end - timedelta(days=9), end, now=mw.now)[("team", org.line1.pk)]
    # At the end of D-7: P1, P2 (parked only on D-6), P3 (escalated only on D-3) and P5 (done
    # only on D-1) were open over the limit and not escalated yet.
    assert line1["over_authority_unescalated"] == 4
    assert line1["escalations_raised"] == 0


def test_a_team_page_computes_the_same_figures_as_the_organisation(org, mw):
    figures = compute(mw.start, mw.day, team_ids=[org.line1.pk], now=mw.now)
    line1 = figures[("team", org.line1.pk)]
    assert (line1["over_authority_unescalated"], line1["learning_reused"],
            line1["learning_structured"]) == (2, 2, 0.5)


@pytest.mark.parametrize("value, status", [
    (0.3, "bad"), (0.4, "warn"), (0.59, "warn"), (0.6, "ok"), (0.9, "ok"), (0.91, "warn"),
    (1.0, "warn"), (None, "none")])
def test_solved_at_the_owning_tier_is_healthy_inside_its_band(value, status):
    metric = BY_KEY["solved_at_tier"]
    assert (metric.direction, metric.green, metric.upper, metric.amber) == (BAND, 0.6, 0.9, 0.4)
    assert status_for(value, direction=BAND, green=0.6, amber=0.4, upper=0.9) == status


def test_a_band_without_its_top_reads_as_higher_is_better():
    assert status_for(1.0, direction=BAND, green=0.6, amber=0.4) == "ok"


@pytest.mark.parametrize("fields, error", [
    (dict(metric="solved_at_tier", green=0.6, amber=0.4), "upper"),
    (dict(metric="solved_at_tier", green=0.6, amber=0.4, upper=0.5), "upper"),
    (dict(metric="solved_at_tier", green=0.6, amber=0.7, upper=0.9), "amber"),
    (dict(metric="solved_at_tier", green=0.6, amber=0.4, upper=1.5), "upper"),
    (dict(metric="implementation_rate", green=0.6, amber=0.4, upper=0.9), "upper"),
])
def test_band_targets_are_checked(fields, error):
    with pytest.raises(ValidationError) as exc:
        Target(**fields).clean()
    assert error in exc.value.message_dict


def test_a_valid_band_target_passes():
    Target(metric="solved_at_tier", green=0.5, amber=0.3, upper=0.8).clean()


def test_the_scorecard_groups_flow_and_learning_first_and_activity_after():
    order = [m.key for m in TILES]
    flow = [k for k in GROUPS[0][2] if BY_KEY[k].tile]
    assert order[:len(flow)] == flow
    assert order.index("evidence_share") < order.index("solved_at_tier") < order.index(
        "submitted") < order.index("participation")


def test_the_page_shows_the_groups_the_band_and_the_reserved_hold_figure(org, client_as, mw):
    Target.objects.create(metric="solved_at_tier", tier=org.tiers[1], green=0.5, amber=0.3,
                          upper=0.8)
    page = client_as(org.lead).get("/scorecards/teams/line1/", mw.params()).content.decode()
    flow, esc, activity = (page.index(f'data-testid="group-{g}"')
                           for g in ("flow", "escalation", "activity"))
    assert flow < esc < activity
    assert page.index('data-testid="tile-evidence_share"') < esc
    assert esc < page.index('data-testid="tile-over_authority_unescalated"') < activity
    assert activity < page.index('data-testid="tile-submitted"')
    assert "healthy 50%–80%" in page  # line1's tier target, not the shipped 60–90
    hold = page[page.index('data-testid="tile-held_share"'):]
    assert re.search(r'<p class="tile-value">(<a [^>]*>)?—', hold[:600])  # none answered
    assert "metric=over_authority_unescalated" in page
    assert "metric=learning_reused" in page and "metric=silent_teams" in page


def test_a_share_above_the_band_says_so(org, client_as, mw):
    # line1 solved everything it finished without escalation (P3 is not done): 100%.
    page = client_as(org.lead).get("/scorecards/teams/line1/", mw.params()).content.decode()
    tile = page[page.index('data-testid="tile-solved_at_tier"'):][:1500]
    assert "100%" in tile and "above the healthy band" in tile and "tile-warn" in page


def _titles(response) -> set[str]:
    assert response.status_code == 200
    return {i.title for i in response.context["page"].object_list}


@pytest.mark.parametrize("scope, drill, who, keys", [
    ("org", "over_authority_unescalated", "admin", {"P1", "P2", "Q2"}),
    ("org", "over_authority_unescalated", "executive", {"P1", "P2"}),  # Q2 is private
    ("team:line1", "aging_unescalated", "lead", {"P6"}),
    ("tier:1", "aging_unescalated", "executive", {"P6", "Q1"}),
    ("tier:1", "silent_teams", "executive", {"Q1"}),
    ("team:line1", "learning_structured", "member", {"L1", "L3"}),
    ("team:line1", "learning_reused", "member", {"L1", "L0"}),
])
def test_drill_down_to_the_items(org, client_as, mw, scope, drill, who, keys):
    response = client_as(getattr(org, who)).get(
        "/scorecards/items/", {"scope": scope, "metric": drill, **mw.params()})
    assert _titles(response) == {mw.items[k].title for k in keys}


@pytest.mark.parametrize("who, status", [("member", 200), ("other", 403), ("supervisor", 200),
                                         ("executive", 200), ("admin", 200)])
def test_who_may_open_the_new_drill_downs(org, client_as, mw, who, status):
    for drill in ("over_authority_unescalated", "silent_teams", "learning_reused"):
        response = client_as(getattr(org, who)).get(
            "/scorecards/items/", {"scope": "team:line1", "metric": drill})
        assert response.status_code == status


def test_the_over_authority_list_runs_the_same_queries_for_10_and_100_rows(org, client_as):
    client = client_as(org.admin)
    url = "/scorecards/items/?scope=org&metric=over_authority_unescalated"

    def add(n):
        IdeaFactory.create_batch(n, team=org.line1, reporter=org.member,
                                 required_spend=Decimal("9000"))

    add(10)
    small = count_queries(client, url, warm=True)
    add(90)
    assert count_queries(client, url, warm=True) == small


def test_api_and_csv_carry_the_groups_and_the_band(org, api, client_as, mw):
    body = api.as_user(org.lead).get(f"/api/v1/scorecards/teams/{org.line1.pk}/",
                                     mw.params()).json()
    assert [g["key"] for g in body["groups"]] == ["flow", "escalation", "activity", "more"]
    metrics = {m["key"]: m for m in body["metrics"]}
    assert body["metrics"][0]["key"] == "evidence_share"
    assert metrics["solved_at_tier"]["target"] == {"direction": "band", "green": 0.6,
                                                   "amber": 0.4, "upper": 0.9}
    assert metrics["solved_at_tier"]["group"] == "escalation"
    assert metrics["over_authority_unescalated"]["value"] == 2
    assert metrics["held_share"]["value"] is None
    assert body["values"]["learning_reused"] == 2
    response = client_as(org.lead).get("/scorecards/teams/line1/",
                                       {**mw.params(), "export": "metrics"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-2:] == ["group", "upper"]
    by_label = {r[0]: r for r in rows[1:]}
    assert by_label["Solved at the owning tier"][-2:] == ["escalation", "0.9"]
    assert by_label["Over authority, never escalated"][1] == "2"
    assert rows[1][0] == "Done with evidence"


def test_the_snapshot_keeps_the_new_figures(org, mw):
    from scorecards.models import Snapshot
    from scorecards.services import snapshot_take

    snapshot_take(day=mw.day, now=mw.now)
    snap = Snapshot.objects.get(scope="team", scope_id=org.line1.pk, date=mw.day)
    assert snap.metrics["week"]["over_authority_unescalated"] == 2
    assert snap.metrics["week"]["learning_reused"] == 2
    assert snap.metrics["month"]["learning_reused"] == 3  # line2's mark on L3, D-12
