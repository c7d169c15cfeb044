"""The executive scorecard (/scorecards/executive/, /api/v1/scorecards/executive/): exact figures
on hand-built data, who may see it, bad periods, constant queries, and the nightly snapshot."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from capacity.models import TeamCapacity, TimeEntry
from scorecards.executive import executive_scorecard
from scorecards.models import Snapshot
from scorecards.services import snapshot_take
from strategy.models import AnnualGoal, Constraint, Priority
from systemic.models import SystemicIssue, SystemicLink
from tests.factories import TeamFactory
from tests.scorecards.conftest import at, change, escalate, make_item
from tests.strategy.conftest import make_kpi, make_priority

pytestmark = pytest.mark.django_db

URL = "/scorecards/executive/"
API = "/api/v1/scorecards/executive/"
ROLES = ["member", "lead", "other", "supervisor", "manager", "executive", "admin"]
ALLOWED = {"executive", "admin"}


# ---------------------------------------------------------------- exact figures


def test_exact_figures_on_hand_built_data(org, exe):
    card = executive_scorecard(org.executive, period=exe.period(), now=exe.now)
    v = card.values
    assert (v["priorities_active"], v["priorities_clear"], v["clarity_share"]) == (3, 1, 0.3333)
    assert [(s.priority.title, s.lacks) for s in card.shortfalls] == [
        ("Cut scrap", ["a KPI"]), ("Vague", ["success criteria", "a KPI"])]
    assert card.shortfalls[0].url == f"/strategy/priorities/{exe.priorities['no_kpi'].pk}/"
    assert (v["changes"], v["churn"], v["priority_churn"], v["constraint_churn"]) == (3, 2, 1, 1)
    assert sum(c["changes"] for c in card.cycles) == 4
    assert sum(c["churn"] for c in card.cycles) == 3
    assert len(card.cycles) == 4 and card.cycles[-1]["end"] >= exe.day
    assert (v["teams"], v["teams_covered"], v["coverage_share"]) == (7, 3, 0.4286)
    assert [t.slug for t in card.uncovered] == ["exec", "plant", "support", "maint"]
    assert (v["received"], v["decided"], v["resolved"], v["returned"]) == (4, 3, 2, 1)
    assert v["median_hours_to_decide"] == 20.0
    assert (v["share_returned"], v["share_resolved"]) == (0.3333, 0.6667)
    assert (v["capacity_protected"], v["capacity_used"], v["capacity_share"]) == (
        120.0, 40.0, 0.3333)
    by_tier = {r["tier"].level: (r["protected"], r["used"], r["percent"])
               for r in card.capacity_tiers}
    assert by_tier[1] == (Decimal("40"), Decimal("30"), 75)
    assert by_tier[2] == (Decimal("80"), Decimal("10"), 12)
    assert by_tier[3] == (0, 0, None) and by_tier[4] == (0, 0, None)
    assert card.capacity["with_capacity"] == 2 and card.capacity["teams"] == 7
    [issue] = card.issues
    assert issue.pk == exe.issue.pk and issue.problem_count == 4
    assert issue.url == f"/systemic-issues/{exe.issue.pk}/"
    assert [p["count"] for p in issue.series][-3:] == [1, 0, 3]
    assert "<svg" in issue.sparkline


def test_the_page_shows_each_figure_with_its_explanation_and_list(org, exe, client_as):
    response = client_as(org.executive).get(URL, exe.params())
    assert response.status_code == 200
    page = response.content.decode()
    tiles = {t.figure.key: t for t in response.context["card"].tiles}
    assert tiles["clarity_share"].display == "33%"
    assert tiles["churn"].display == "2"
    assert tiles["coverage_share"].display == "43%"
    assert tiles["received"].display == "4"
    assert tiles["median_hours_to_decide"].display == "20.0"
    assert tiles["share_returned"].display == "33%"
    assert tiles["capacity_share"].display == "33%"
    for key, href in [("clarity_share", "/strategy/"), ("churn", "/strategy/changes/"),
                      ("coverage_share", "/strategy/constraints/"),
                      ("received", "/escalations/overview/"),
                      ("capacity_share", "/capacity/")]:
        assert f'href="{href}" data-testid="exec-link-{key}"' in page
        assert f'data-testid="exec-help-{key}"' in page
    assert "Active priorities with success criteria, a KPI, an owner team and a why-now." in page
    assert "1 of 3</strong> active priorities are clear" in page
    assert "success criteria, a KPI</td>" in page
    assert f'href="/strategy/priorities/{exe.priorities["vague"].pk}/"' in page
    assert "3 of 7</strong> teams are covered" in page
    assert "<strong>2</strong> of 3 changes in the period were outside a window" in page
    assert "<strong>4</strong> received · 3 decided (2 resolved, 1 returned)" in page
    assert "median 20.0 h to decide" in page
    assert "40.0 h of 120.0 h</strong> used (33%)" in page
    assert f'href="/systemic-issues/{exe.issue.pk}/" data-testid="issue-link"' in page
    assert 'class="sparkline"' in page
    assert "Not covered: Executive" in page


def test_the_trend_comes_from_the_nightly_snapshots(org, exe, client_as):
    for back in (2, 1, 0):
        snapshot_take(day=exe.day - timedelta(days=back), now=exe.now)
    response = client_as(org.executive).get(URL, {"period": "month"})
    card = response.context["card"]
    assert card.snapshots == 3
    assert [v for _, v in card.trend["clarity_share"]] == [0.3333, 0.3333, 0.3333]
    # month windows ending D-2, D-1, D: the constraint change of D-1 arrives on D-1
    assert [v for _, v in card.trend["churn"]] == [2, 3, 3]
    page = response.content.decode()
    for key in ("clarity_share", "churn", "coverage_share", "median_hours_to_decide",
                "share_returned", "capacity_share"):
        trend = page.split(f'data-testid="exec-trend-{key}">')[1].split("</div>")[0]
        assert "<svg" in trend, key


def test_htmx_swaps_the_card_only(org, exe, client_as):
    response = client_as(org.executive).get(URL, {"period": "week"}, HTTP_HX_REQUEST="true",
                                            HTTP_HX_TARGET="executive-card")
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="executive-card"')
    assert "<h1" not in page and "Last 7 days" in page


def test_csv_exports(org, exe, client_as):
    client = client_as(org.executive)
    response = client.get(URL, {**exe.params(), "export": "metrics"})
    assert response["Content-Disposition"] == (
        f'attachment; filename="scorecard-executive-metrics-{exe.start}-{exe.day}.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["figure", "key", "value", "unit", "period_from", "period_to"]
    values = {r[1]: r[2] for r in rows[1:]}
    assert values["clarity_share"] == "0.3333" and values["churn"] == "2"
    assert values["median_hours_to_decide"] == "20.0" and values["capacity_used"] == "40.0"
    snapshot_take(day=exe.day, now=exe.now)
    response = client.get(URL, {"period": "month", "export": "trend"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["date", "Clarity"]
    assert rows[1][:3] == [exe.day.isoformat(), "0.3333", "3"]
    assert client.get(URL, {"export": "nope"}).status_code == 404


# ---------------------------------------------------------------- API


def test_api_figures(org, exe, api):
    body = api.as_user(org.executive).get(API, exe.params()).json()
    assert body["period"] == {"kind": "custom", "from": exe.start.isoformat(),
                              "to": exe.day.isoformat(), "days": 10}
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["clarity_share"]["value"] == 0.3333
    assert figures["clarity_share"]["url"] == "/strategy/"
    assert figures["median_hours_to_decide"]["value"] == 20.0
    assert figures["capacity_share"]["value"] == 0.3333
    assert [s["lacks"] for s in body["shortfalls"]] == [["a KPI"], ["success criteria", "a KPI"]]
    assert body["stability"]["churn"] == 2
    assert body["coverage"]["covered"] == 3
    assert body["decisions"]["share_returned"] == 0.3333
    assert body["systemic_issues"][0]["problems"] == 4
    assert body["systemic_issues"][0]["url"] == f"/systemic-issues/{exe.issue.pk}/"
    # No slack logged: every protected hour not used went back to delivery.
    assert body["capacity"] == {"protected": 120.0, "used": 40.0, "share": 0.3333, "teams": 7,
                                "with_capacity": 2, "sacrificing": 0, "slack": 0.0,
                                "sacrificed": 80.0}
    assert body["capacity_tiers"][2] == {"tier": 2, "name": "Supervisors", "teams": 2,
                                         "with_capacity": 1, "protected": 80.0, "used": 10.0,
                                         "share": 0.125, "sacrificing": 0, "slack": 0.0,
                                         "sacrificed": 70.0}


def test_the_api_is_in_the_openapi_schema(org, api):
    schema = api.as_user(org.admin).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/scorecards/executive/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"period", "from", "to"}
    assert "executive" in operation["summary"].lower()


# ---------------------------------------------------------------- access and bad input


def test_access_matrix_page_and_api(org, client, api):
    for role in ROLES:
        user = getattr(org, role)
        client.force_login(user, backend="org.backends.UsernameOrEmailBackend")
        expected = 200 if role in ALLOWED else 403
        assert client.get(URL).status_code == expected, role
        assert api.as_user(user).get(API).status_code == expected, role
        client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    api.force_authenticate(user=None)
    assert api.get(API).status_code in (401, 403)
    response = api.as_user(org.manager).get(API)
    assert response.json()["detail"] == ("The executive scorecard is for the executive team "
                                         "and admins.")


def test_the_links_to_it(org, client_as):
    client = client_as(org.executive)
    home = client.get("/").content.decode()
    assert 'href="/scorecards/executive/" data-testid="open-executive-scorecard"' in home
    organisation = client.get("/scorecards/?period=week").content.decode()
    assert ('href="/scorecards/executive/?period=week" data-testid="open-executive-scorecard"'
            in organisation)
    assert "open-executive-scorecard" not in client_as(org.manager).get("/").content.decode()


def test_a_bad_period_shows_a_form_error_on_the_page_and_400_in_the_api(org, client_as, api):
    day = timezone.localdate() - timedelta(days=1)
    params = {"period": "custom", "from": day.isoformat(),
              "to": (day - timedelta(days=5)).isoformat()}
    response = client_as(org.executive).get(URL, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="period-errors"' in page and "“from” must not be after “to”." in page
    assert response.context["card"].period.kind == "month"
    response = api.as_user(org.executive).get(API, params)
    assert response.status_code == 400
    assert response.json()["errors"]["from"] == ["“from” must not be after “to”."]
    for bad in ({"period": "decade"}, {"to": "31/12/2026"},
                {"to": (timezone.localdate() + timedelta(days=1)).isoformat()}):
        assert api.as_user(org.executive).get(API, bad).status_code == 400, bad
        assert client_as(org.executive).get(URL, bad).status_code == 200, bad


# ---------------------------------------------------------------- query counts


def _grow(org, numbers: range, day: date) -> None:
    """n more priorities (half of them unclear), teams, constraints, changes, escalations,
    systemic issues with linked problems and time entries."""
    goal = AnnualGoal.objects.first()
    span = {"start": day - timedelta(days=30), "end": day + timedelta(days=30)}
    for i in numbers:
        p = make_priority(goal, org.plant, title=f"Priority {i}", **span)
        if i % 2:
            make_kpi(p, org.plant, name=f"KPI {i}")
        team = TeamFactory(name=f"Cell {i}", slug=f"cell-{i}", tier=org.tiers[1],
                           parent=org.sup if i % 2 else org.maint)
        TeamCapacity.objects.create(team=team, amount=Decimal("4"),
                                    created_at=timezone.now() - timedelta(days=90))
        Constraint.objects.create(statement=f"Rule {i}", team=org.sup,
                                  start=day - timedelta(days=3))
        change(day, i % 9, outside=bool(i % 2), priority=p)
        escalate(org, to_team=org.exec, raised=at(day, i % 9, 1), state="resolved", hours=i + 1)
        issue = SystemicIssue.objects.create(title=f"Issue {i}", statement="x",
                                             owner_team=org.plant, created_by=org.manager)
        problem = make_item(team, created=timezone.now(), reporter=org.member)
        SystemicLink.objects.create(issue=issue, idea=problem, linked_by=org.manager)
        TimeEntry.objects.create(user=org.member, idea=problem, team=team, date=day,
                                 hours=Decimal("1.5"))
    snapshot_take(day=day, now=timezone.now())


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_constant_queries_small_and_large(org, exe, client_as, api):
    client = client_as(org.executive)
    api.as_user(org.executive)

    def counts():
        return (_count(lambda: executive_scorecard(org.executive, period=exe.period())),
                _count(lambda: client.get(URL, exe.params())),
                _count(lambda: api.get(API, exe.params())))

    _grow(org, range(3), exe.day)
    counts()  # warm the per-user and per-process caches (team ids, the top tier)
    small = counts()
    assert Priority.objects.count() == 8 and SystemicIssue.objects.count() == 4
    _grow(org, range(3, 30), exe.day)
    assert Priority.objects.count() == 35 and SystemicIssue.objects.count() == 31
    large = counts()
    assert small == large
    assert small[0] <= 16, small


# ---------------------------------------------------------------- the nightly snapshot


def test_the_snapshot_keeps_the_executive_figures_and_a_rerun_replaces_them(org, exe):
    snapshot_take(day=exe.day, now=exe.now)
    snap = Snapshot.objects.get(scope="org", scope_id=0, date=exe.day)
    assert set(snap.metrics["executive"]) == {"week", "month", "quarter"}
    month, week = snap.metrics["executive"]["month"], snap.metrics["executive"]["week"]
    assert month["clarity_share"] == 0.3333 and week["clarity_share"] == 0.3333
    assert (month["changes"], month["churn"]) == (4, 3)
    assert (week["changes"], week["churn"]) == (3, 2)
    assert month["coverage_share"] == 0.4286
    # month: 10, 30, 20, 40 h → 25; one of four returned. week (D-6…D): 30, 20 → 25; 1 of 2.
    assert (month["received"], month["median_hours_to_decide"], month["share_returned"]) == (
        5, 25.0, 0.25)
    assert (week["received"], week["median_hours_to_decide"], week["share_returned"]) == (
        3, 25.0, 0.5)
    assert month["capacity_share"] == 0.3333 and month["capacity_used"] == 40.0
    assert "executive" not in Snapshot.objects.get(scope="team", scope_id=org.line1.pk,
                                                   date=exe.day).metrics

    change(exe.day, 1, outside=True, priority=exe.priorities["vague"])
    snapshot_take(day=exe.day, now=exe.now)
    snapshot_take(day=exe.day, now=exe.now)
    assert Snapshot.objects.filter(scope="org", date=exe.day).count() == 1
    again = Snapshot.objects.get(scope="org", date=exe.day).metrics["executive"]["month"]
    assert (again["changes"], again["churn"]) == (5, 4)
