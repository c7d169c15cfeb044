"""Scorecard pages: who sees what, the drill-down to the items behind a number, CSV exports,
htmx fragments, and a constant number of queries whatever the organisation's size."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from ideas.models import Idea
from scorecards.models import Target
from scorecards.services import snapshot_take
from tests.factories import IdeaFactory, MembershipFactory, TeamFactory, UserFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

ROLES = ["member", "lead", "other", "supervisor", "manager", "executive", "admin"]


def _status(client_as, user, url):
    return client_as(user).get(url).status_code


@pytest.mark.parametrize("url, allowed", [
    ("/scorecards/tiers/1/", {"executive", "admin"}),
    ("/scorecards/tiers/3/", {"executive", "admin"}),
    # line1's scorecard: its members and the teams above it (sup, plant, exec)
    ("/scorecards/teams/line1/", {"member", "lead", "supervisor", "manager", "executive",
                                  "admin"}),
    ("/scorecards/teams/sup/", {"supervisor", "manager", "executive", "admin"}),
    ("/scorecards/teams/line2/", {"other", "supervisor", "manager", "executive", "admin"}),
    ("/scorecards/teams/maint/", {"executive", "admin"}),
    ("/scorecards/items/?scope=team:line1&metric=aging", {"member", "lead", "supervisor",
                                                          "manager", "executive", "admin"}),
    ("/scorecards/items/?scope=org&metric=submitted", {"executive", "admin"}),
    ("/scorecards/items/?scope=tier:2&metric=implemented", {"executive", "admin"}),
])
def test_permission_matrix(org, client_as, url, allowed):
    got = {role: _status(client_as, getattr(org, role), url) for role in ROLES}
    assert got == {role: 200 if role in allowed else 403 for role in ROLES}


def test_the_index_is_the_organisation_for_executives_and_a_list_for_everyone_else(
        org, client_as):
    page = client_as(org.executive).get("/scorecards/").content.decode()
    assert "Organisation scorecard" in page and 'data-testid="score-table"' in page
    page = client_as(org.supervisor).get("/scorecards/").content.decode()
    assert "Organisation scorecard" not in page
    # the supervisor's own team and the two lines below it
    assert page.count('href="/scorecards/teams/') == 3
    for slug in ("sup", "line1", "line2"):
        assert f'href="/scorecards/teams/{slug}/"' in page


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/scorecards/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", ["/scorecards/tiers/9/", "/scorecards/teams/nope/",
                                 "/scorecards/items/?scope=team:nope&metric=aging",
                                 "/scorecards/items/?scope=tier:9&metric=aging",
                                 "/scorecards/items/?scope=org&metric=nonsense",
                                 "/scorecards/?export=nonsense"])
def test_unknown_things_are_404(org, client_as, url):
    assert client_as(org.executive).get(url).status_code == 404


def test_a_bad_period_shows_an_error_and_the_default_period(org, client_as):
    response = client_as(org.executive).get("/scorecards/?period=custom&from=2026-03-05"
                                            "&to=2026-03-01")
    assert response.status_code == 200
    page = response.content.decode()
    assert "“from” must not be after “to”." in page
    assert "Last 30 days" in page


def test_drill_down_from_the_organisation_to_the_aging_items_of_a_team(org, client_as, world):
    snapshot_take(day=world.day, now=world.now)
    client = client_as(org.executive)
    page = client.get("/scorecards/").content.decode()
    assert 'href="/scorecards/tiers/1/?period=month' in page
    assert "from the nightly snapshot" in page
    page = client.get("/scorecards/tiers/1/?period=month").content.decode()
    assert 'href="/scorecards/teams/line1/?period=month' in page
    page = client.get("/scorecards/teams/line1/?period=month").content.decode()
    assert "/scorecards/items/?scope=team%3Aline1&amp;metric=aging" in page
    page = client.get("/scorecards/items/?scope=team:line1&metric=aging").content.decode()
    assert f"#{world.items['E'].pk} " in page
    assert f"#{world.items['G'].pk} " not in page  # line2's
    assert "1 item you may see" in page


def test_private_items_count_but_never_show_to_people_who_may_not_see_them(org, client_as,
                                                                           now=None):
    now = timezone.now()
    secret = IdeaFactory(team=org.line1, reporter=org.member, is_private=True,
                         title="Secret aging item", aging_flagged_at=now,
                         last_activity_at=now - timedelta(days=30))
    url = "/scorecards/items/?scope=org&metric=aging"
    assert "Secret aging item" not in client_as(org.executive).get(url).content.decode()
    csv_body = b"".join(client_as(org.executive).get(url + "&export=csv").streaming_content)
    assert b"Secret aging item" not in csv_body
    team_url = "/scorecards/items/?scope=team:line1&metric=aging"
    assert "Secret aging item" in client_as(org.lead).get(team_url).content.decode()
    assert "Secret aging item" in client_as(org.admin).get(url).content.decode()
    assert secret.pk


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_exports_of_every_table(org, client_as, world):
    snapshot_take(day=world.day, now=world.now)
    client = client_as(org.executive)
    rows = _csv(client.get("/scorecards/?export=table"))
    # Flow and learning first, activity counts after.
    assert rows[0][:3] == ["tier", "Members", "Done with evidence"]
    assert [r[0] for r in rows[1:]] == ["Tier 4 · Executive", "Tier 3 · Managers",
                                        "Tier 2 · Supervisors", "Tier 1 · Front line"]
    front = rows[4]
    submitted = rows[0].index("Ideas submitted")
    assert [front[1], front[submitted]] == ["4", "6"]  # members; A, B, C, D, F, G in 30 days
    figures = _csv(client.get("/scorecards/teams/line1/?export=metrics"))
    by_label = {r[0]: r for r in figures[1:]}
    assert by_label["Median cycle time"][1:4] == ["4.0", "days", "on target"]
    trend = _csv(client.get("/scorecards/?export=trend"))
    assert trend[0][0] == "date" and trend[1][0] == world.day.isoformat()
    items = _csv(client.get("/scorecards/items/?scope=team:line1&metric=implemented"
                            "&export=csv"))
    assert items[0][:3] == ["id", "title", "team"]
    assert sorted(int(r[0]) for r in items[1:]) == sorted(
        world.items[k].pk for k in "ABD")


def test_the_period_form_swaps_the_card_only_with_htmx(org, client_as, world):
    response = client_as(org.executive).get(
        "/scorecards/?period=week", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="scorecard")
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="scorecard"')
    assert "<html" not in page and "Last 7 days" in page


def test_targets_set_by_an_admin_colour_the_tiles(org, client_as, world):
    snapshot_take(day=world.day, now=world.now)
    url = "/scorecards/teams/line1/"
    page = client_as(org.executive).get(url).content.decode()
    # line1's implementation rate is 75%: green against the shipped 70%…
    assert 'class="tile tile-ok" data-testid="tile-implementation_rate"' in page
    # …red once an admin asks tier 1 for 90% (amber from 80%)
    Target.objects.create(metric="implementation_rate", tier=org.tiers[1], green=0.9,
                          amber=0.8)
    page = client_as(org.executive).get(url).content.decode()
    assert 'class="tile tile-bad" data-testid="tile-implementation_rate"' in page
    assert "target ≥ 90%" in page


# ---------------------------------------------------------------- constant queries


def _grow(org, teams: int, prefix: str):
    """``teams`` more front-line teams under the supervisors, each with a member and an
    item, then last night's snapshots (taken again)."""
    for i in range(teams):
        team = TeamFactory(name=f"{prefix} {i}", slug=f"{prefix}-{i}", tier=org.tiers[1],
                           parent=org.sup)
        person = UserFactory()
        MembershipFactory(user=person, team=team)
        IdeaFactory(team=team, reporter=person)
    snapshot_take(day=timezone.localdate() - timedelta(days=1))




@pytest.mark.parametrize("url", ["/scorecards/", "/scorecards/tiers/1/",
                                 "/scorecards/teams/sup/", "/scorecards/?export=table",
                                 "/api/v1/scorecards/organisation/",
                                 "/api/v1/scorecards/tiers/1/"])
def test_scorecards_run_the_same_queries_for_5_and_50_teams(org, client_as, url):
    client = client_as(org.executive)
    _grow(org, 3, "cell")  # 5 front-line teams (line1 and line2 exist)
    small = count_queries(client, url)
    _grow(org, 45, "more")  # 50
    assert count_queries(client, url) == small


def test_the_items_list_runs_the_same_queries_for_10_and_100_rows(org, client_as):
    client = client_as(org.executive)
    url = "/scorecards/items/?scope=org&metric=important"

    def add(n):
        for _ in range(n):
            IdeaFactory(team=org.line1, reporter=org.member, owner=org.lead)

    add(10)
    small = count_queries(client, url)
    add(90)
    assert Idea.objects.count() == 100
    assert count_queries(client, url) == small
    assert "100 items you may see" in client.get(url).content.decode()


def test_the_items_csv_defuses_formulas_typed_into_titles(org, client_as):
    """Every download goes through core.downloads: text a spreadsheet would run as a formula
    gets a leading apostrophe; numbers stay numbers."""
    idea = Idea.objects.create(title='=HYPERLINK("http://evil.test","Click")', team=org.line1,
                               reporter=org.member, last_activity_at=timezone.now(),
                               status_changed_at=timezone.now())
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - timedelta(days=2))
    url = "/scorecards/items/?scope=org&metric=submitted&export=csv"
    body = b"".join(client_as(org.executive).get(url).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    row = next(r for r in rows if r[0] == str(idea.pk))
    assert row[1] == '\'=HYPERLINK("http://evil.test","Click")'
