"""/api/v1/scorecards/…: figures, trends, bad input and who may ask."""

from datetime import timedelta

import pytest
from django.utils import timezone

from scorecards.services import snapshot_take

pytestmark = pytest.mark.django_db

ROLES = ["member", "lead", "other", "supervisor", "manager", "executive", "admin"]


@pytest.fixture
def snapshots(world):
    for back in range(3):
        snapshot_take(day=world.day - timedelta(days=back), now=world.now)
    return world


def test_permission_matrix(org, api):
    urls = {
        "/api/v1/scorecards/organisation/": {"executive", "admin"},
        "/api/v1/scorecards/tiers/2/": {"executive", "admin"},
        f"/api/v1/scorecards/teams/{org.line1.pk}/": {"member", "lead", "supervisor",
                                                       "manager", "executive", "admin"},
        f"/api/v1/scorecards/teams/{org.plant.pk}/": {"manager", "executive", "admin"},
    }
    for url, allowed in urls.items():
        got = {role: api.as_user(getattr(org, role)).get(url).status_code for role in ROLES}
        assert got == {r: 200 if r in allowed else 403 for r in ROLES}, url
    api.force_authenticate(user=None)
    assert api.get("/api/v1/scorecards/organisation/").status_code in (401, 403)


def test_a_non_executive_asking_for_the_organisation_gets_a_clear_403(org, api):
    response = api.as_user(org.manager).get("/api/v1/scorecards/organisation/")
    assert response.status_code == 403
    assert response.json()["detail"] == ("The organisation and tier scorecards are for "
                                         "executives and admins.")


@pytest.mark.parametrize("url", ["/api/v1/scorecards/tiers/9/", "/api/v1/scorecards/teams/999999/"])
def test_unknown_tier_or_team_is_404(org, api, url):
    assert api.as_user(org.executive).get(url).status_code == 404


def test_organisation_figures_trend_and_tiers_from_the_snapshots(org, api, snapshots):
    world = snapshots
    body = api.as_user(org.executive).get("/api/v1/scorecards/organisation/").json()
    assert body["scope"] == {"kind": "org", "id": 0, "name": "Organisation", "tier": None}
    assert body["period"] == {"kind": "month", "from": (world.day - timedelta(days=29))
                              .isoformat(), "to": world.day.isoformat(), "days": 30}
    assert body["source"] == "snapshot"
    metrics = {m["key"]: m for m in body["metrics"]}
    assert metrics["implementation_rate"]["value"] == 0.8
    assert metrics["implementation_rate"]["status"] == "ok"
    assert metrics["implementation_rate"]["target"] == {"direction": "up", "green": 0.7,
                                                        "amber": 0.5, "upper": None}
    assert metrics["escalations_stalled"]["status"] == "warn"  # one stalled: green 0, amber 2
    assert metrics["aging_now"]["items_url"].startswith("/scorecards/items/?scope=org")
    assert [r["id"] for r in body["rows"]] == [4, 3, 2, 1]
    assert body["rows"][3]["values"]["participation"] == 0.75
    # three daily snapshots → three points per metric, oldest first
    assert [p["date"] for p in body["trend"]["submitted"]] == [
        (world.day - timedelta(days=b)).isoformat() for b in (2, 1, 0)]
    assert body["trend"]["submitted"][-1]["value"] == 7


def test_team_week_and_custom_periods(org, api, snapshots):
    world = snapshots
    client = api.as_user(org.lead)
    url = f"/api/v1/scorecards/teams/{org.line1.pk}/"
    week = client.get(url, {"period": "week"}).json()
    assert week["period"]["days"] == 7 and week["source"] == "snapshot"
    assert {m["key"]: m["value"] for m in week["metrics"]}["submitted"] == 3  # B, C, F
    custom = client.get(url, {"period": "custom", "from": world.start.isoformat(),
                              "to": world.day.isoformat()}).json()
    assert custom["source"] == "live"
    values = {m["key"]: m["value"] for m in custom["metrics"]}
    assert (values["submitted"], values["cycle_time_median"], values["participation"]) == \
        (4, 4.0, 0.6667)
    # the team's own table: teams reporting to it (none for a front-line team)
    assert custom["rows"] == []
    sup = api.as_user(org.supervisor).get(f"/api/v1/scorecards/teams/{org.sup.pk}/").json()
    assert [r["name"] for r in sup["rows"]] == ["Line 1", "Line 2"]


def test_a_day_without_snapshot_is_computed_live(org, api, world):
    body = api.as_user(org.executive).get("/api/v1/scorecards/tiers/1/").json()
    assert body["source"] == "live"
    assert {m["key"]: m["value"] for m in body["metrics"]}["submitted"] == 6
    assert sorted(r["name"] for r in body["rows"]) == ["Line 1", "Line 2"]


@pytest.mark.parametrize("params, field, message", [
    ({"period": "custom", "from": "2026-03-05", "to": "2026-03-01"}, "from",
     "“from” must not be after “to”."),
    ({"period": "custom", "from": "2010-01-01", "to": "2019-12-31"}, "to", "at most 731"),
    ({"period": "custom", "to": "2026-03-01"}, "from", "needs both"),
    ({"period": "decade"}, "period", ""),
    ({"period": "month", "from": "2026-01-01"}, "from", "only goes with a custom period"),
    ({"to": "31/12/2026"}, "to", ""),
    ({"period": "custom", "from": "1990-01-01", "to": "1990-02-01"}, "from", "start in 2000"),
])
def test_bad_periods_are_400_with_the_field_at_fault(org, api, params, field, message):
    response = api.as_user(org.executive).get("/api/v1/scorecards/organisation/", params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert message in " ".join(body["errors"][field])


def test_a_future_end_is_refused(org, api):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api.as_user(org.executive).get("/api/v1/scorecards/organisation/",
                                              {"to": tomorrow})
    assert response.status_code == 400 and "to" in response.json()["errors"]


def test_the_longest_allowed_range_answers_quickly(org, api, world):
    """Two years of daily figures: computed live with aggregates (its speed is `make bench`'s)."""
    end = timezone.localdate() - timedelta(days=1)
    response = api.as_user(org.executive).get("/api/v1/scorecards/organisation/", {
        "period": "custom", "from": (end - timedelta(days=730)).isoformat(),
        "to": end.isoformat()})
    assert response.status_code == 200
    assert response.json()["period"]["days"] == 731


def test_the_schema_documents_the_endpoints(org, api):
    schema = api.as_user(org.admin).get("/api/schema/", {"format": "json"}).json()
    for path in ["/api/v1/scorecards/organisation/", "/api/v1/scorecards/tiers/{level}/",
                 "/api/v1/scorecards/teams/{id}/"]:
        assert path in schema["paths"]
