""""Held after the check" on the scorecards: exact figures on hand-built checks, per team, tier
and organisation, in the snapshot, the API, the CSV and the items behind the number."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from holdcheck.models import HoldCheck
from scorecards.compute import compute
from scorecards.models import Snapshot
from scorecards.services import snapshot_take
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _check(team, answer, *, answered_days_ago, now, title="Change"):
    """A check answered ``answered_days_ago`` days before ``now`` ('' = still pending)."""
    done = now - timedelta(days=answered_days_ago + 31)
    idea = IdeaFactory(team=team, title=title, status="done", done_at=done)
    return HoldCheck.objects.create(
        idea=idea, done_at=done, due_on=(done + timedelta(days=30)).date(),
        asked_at=done + timedelta(days=30), answer=answer,
        answered_at=now - timedelta(days=answered_days_ago) if answer else None)


@pytest.fixture
def held_world(org):
    now = timezone.now()
    day = timezone.localdate(now) - timedelta(days=1)
    at = now - timedelta(days=1)
    checks = {
        "l1_held": _check(org.line1, "held", answered_days_ago=3, now=at, title="Held 1"),
        "l1_held2": _check(org.line1, "held", answered_days_ago=10, now=at, title="Held 2"),
        "l1_slipped": _check(org.line1, "slipped", answered_days_ago=20, now=at,
                             title="Slipped"),
        "l2_partly": _check(org.line2, "partly", answered_days_ago=5, now=at, title="Partly"),
        # Not in the month: answered 40 days before; and one still pending.
        "old": _check(org.line1, "slipped", answered_days_ago=40, now=at, title="Old"),
        "pending": _check(org.line2, "", answered_days_ago=2, now=at, title="Pending"),
    }
    return {"day": day, "now": now, "checks": checks}


def test_exact_figures_per_team_tier_and_organisation(org, held_world):
    day = held_world["day"]
    figures = compute(day - timedelta(days=29), day, now=held_world["now"])
    line1, line2 = figures[("team", org.line1.pk)], figures[("team", org.line2.pk)]
    assert (line1["hold_checked"], line1["hold_held"], line1["hold_slipped"],
            line1["held_share"]) == (3, 2, 1, 0.6667)
    assert (line2["hold_checked"], line2["hold_partly"], line2["held_share"]) == (1, 1, 0.0)
    assert figures[("tier", 1)]["held_share"] == 0.5
    assert figures[("org", 0)]["hold_checked"] == 4
    assert figures[("team", org.sup.pk)]["held_share"] is None  # nothing checked: no figure
    week = compute(day - timedelta(days=6), day, now=held_world["now"])
    assert week[("team", org.line1.pk)]["held_share"] == 1.0  # only the check 3 days ago


def test_snapshot_api_csv_and_items_behind_the_number(org, api, client_as, held_world):
    snapshot_take(day=held_world["day"], now=held_world["now"])
    snap = Snapshot.objects.get(scope="team", scope_id=org.line1.pk, date=held_world["day"])
    assert snap.metrics["month"]["held_share"] == 0.6667

    body = api.as_user(org.executive).get("/api/v1/scorecards/organisation/").json()
    metric = {m["key"]: m for m in body["metrics"]}["held_share"]
    assert metric["value"] == 0.5 and metric["status"] == "bad"
    assert metric["items_url"].startswith("/scorecards/items/?scope=org&metric=held_checked")
    front = next(r for r in body["rows"] if r["id"] == 1)
    assert front["values"]["held_share"] == 0.5

    client = client_as(org.executive)
    rows = list(csv.reader(io.StringIO(b"".join(
        client.get("/scorecards/tiers/1/?export=table").streaming_content).decode())))
    header = rows[0]
    line1 = next(r for r in rows[1:] if r[0] == org.line1.name)
    assert line1[header.index("Held after the check")] == "0.6667"

    page = client_as(org.lead).get("/scorecards/teams/line1/").content.decode()
    assert 'data-testid="tile-held_share"' in page
    listed = client_as(org.lead).get(
        "/scorecards/items/?scope=team:line1&metric=held_checked&export=csv")
    ids = {int(r[0]) for r in list(csv.reader(io.StringIO(
        b"".join(listed.streaming_content).decode())))[1:]}
    checks = held_world["checks"]
    assert ids == {checks[k].idea_id for k in ("l1_held", "l1_held2", "l1_slipped")}
