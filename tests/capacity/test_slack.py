"""Slack counts as protected time: improvement time logged without an item, in categories
(reflection, experimentation, recovery, training, standard work upkeep). It counts toward
the protected capacity honoured; only protected hours nobody logged went back to delivery
(sacrificed). Services, figures on hand-built weeks, pages, API and who may do what."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from capacity import jobs
from capacity import selectors as sel
from capacity import services as svc
from capacity.models import TeamCapacity, TimeEntry
from core.errors import DomainError, Forbidden
from ideas.models import IdeaEvent
from scorecards.compute import compute
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 18)  # a Wednesday
MONDAY = date(2026, 11, 16)
WEEK1, WEEK2 = MONDAY - timedelta(weeks=2), MONDAY - timedelta(weeks=1)


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY if not a else
                        timezone.localtime(a[0]).date())
    return TODAY


def _capacity(team, actor, amount="10"):
    cap = svc.capacity_set(team=team, actor=actor, unit="hours", amount=amount)
    TeamCapacity.objects.filter(pk=cap.pk).update(
        created_at=timezone.now() - timedelta(weeks=70))
    return cap


def _slack(user, team, category, hours, day):
    return TimeEntry.objects.create(user=user, idea=None, category=category, team=team,
                                    date=day, hours=Decimal(str(hours)))


# ---------------------------------------------------------------- the service


def test_slack_is_logged_without_an_item_in_a_category(org, frozen_today):
    entry = svc.slack_entry_create(actor=org.member, category="training", hours="1.5",
                                   note="Lockout-tagout refresher")
    assert (entry.idea, entry.category, entry.team, entry.date, entry.hours) == (
        None, "training", org.line1, TODAY, Decimal("1.5"))
    assert entry.is_slack and not IdeaEvent.objects.exists()  # no item, no timeline


@pytest.mark.parametrize("kwargs, field", [
    ({"category": "item"}, "category"), ({"category": "coffee"}, "category"),
    ({"category": ""}, "category"), ({"hours": "0"}, "hours"), ({"hours": "-2"}, "hours"),
    ({"hours": "25"}, "hours"), ({"hours": "0.1"}, "hours"), ({"hours": "x"}, "hours"),
    ({"day": TODAY + timedelta(days=1)}, "date"), ({"day": TODAY - timedelta(days=91)}, "date"),
    ({"note": "n" * 301}, "note"),
])
def test_bad_slack_is_refused_with_the_field(org, frozen_today, kwargs, field):
    args = {"actor": org.member, "category": "reflection", "hours": "1", **kwargs}
    with pytest.raises(DomainError) as exc:
        svc.slack_entry_create(**args)
    assert exc.value.field == field
    assert not TimeEntry.objects.exists()


def test_slack_counts_for_ones_own_team_only(org, frozen_today):
    with pytest.raises(DomainError) as exc:
        svc.slack_entry_create(actor=org.member, category="recovery", hours=1, team=org.line2)
    assert exc.value.field == "team"
    with pytest.raises(DomainError) as exc:  # a lead above is not one of the team's people
        svc.slack_entry_create(actor=org.supervisor, category="recovery", hours=1,
                               team=org.line1)
    assert exc.value.field == "team"
    with pytest.raises(DomainError) as exc:  # no team at all
        svc.slack_entry_create(actor=org.admin, category="recovery", hours=1)
    assert exc.value.field == "team"
    assert not TimeEntry.objects.exists()


def test_items_and_slack_share_the_24_hours_of_a_day(org, frozen_today, make_idea):
    idea = make_idea()
    svc.time_entry_create(idea_id=idea.pk, actor=org.member, hours="20")
    with pytest.raises(DomainError) as exc:
        svc.slack_entry_create(actor=org.member, category="reflection", hours="5")
    assert exc.value.field == "hours" and "a day has 24" in exc.value.message
    svc.slack_entry_create(actor=org.member, category="reflection", hours="4")
    with pytest.raises(DomainError):
        svc.time_entry_create(idea_id=idea.pk, actor=org.member, hours="0.25")


def test_slack_is_removed_by_its_author_or_the_teams_leads(org, frozen_today):
    mine = svc.slack_entry_create(actor=org.member, category="training", hours=1)
    with pytest.raises(Forbidden):
        svc.time_entry_delete(entry_id=mine.pk, actor=org.executive)
    with pytest.raises(DomainError) as exc:  # line2 may not even see it
        svc.time_entry_delete(entry_id=mine.pk, actor=org.other)
    assert exc.value.code == "not_found"
    svc.time_entry_delete(entry_id=mine.pk, actor=org.lead)
    again = svc.slack_entry_create(actor=org.member, category="training", hours=1)
    svc.time_entry_delete(entry_id=again.pk, actor=org.member)
    assert not TimeEntry.objects.exists()


def test_the_database_keeps_items_and_slack_apart(org, make_idea):
    from django.db import IntegrityError, transaction
    idea = make_idea()
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(user=org.member, idea=None, category="item", team=org.line1,
                                 date=TODAY, hours=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(user=org.member, idea=idea, category="training",
                                 team=org.line1, date=TODAY, hours=1)


# ---------------------------------------------------------------- the figures


@pytest.fixture
def weeks(org, make_idea):
    """Line 1 protects 10 h a week.

    week 1: 2 h on an item, 3 h training, 1 h reflection → used 6, slack 4, back to delivery 4
    week 2: 4 h recovery only → used 4 (under half: sacrificed), back to delivery 6
    week 3 (current, not complete): 1 h standard work upkeep
    Line 2 (no capacity): 2 h experimentation in week 2 — counted nowhere."""
    _capacity(org.line1, org.lead)
    idea = make_idea()
    TimeEntry.objects.create(user=org.member, idea=idea, team=org.line1, date=WEEK1,
                             hours=Decimal("2"))
    _slack(org.member, org.line1, "training", 3, WEEK1 + timedelta(days=1))
    _slack(org.lead, org.line1, "reflection", 1, WEEK1 + timedelta(days=4))
    _slack(org.member, org.line1, "recovery", 4, WEEK2 + timedelta(days=2))
    _slack(org.member, org.line1, "standard_work", 1, MONDAY)
    _slack(org.other, org.line2, "experimentation", 2, WEEK2)


def test_capacity_weeks_count_slack_and_show_the_mix(org, weeks):
    view = sel.capacity_by_week([org.line1.pk], 2, today=TODAY, include_current=False)[
        org.line1.pk]
    w1, w2 = view.weeks
    assert (w1.week, w1.used, w1.slack, w1.sacrificed_hours, w1.sacrificed) == (
        WEEK1, Decimal("6"), Decimal("4"), Decimal("4"), False)
    assert w1.mix == {"item": Decimal("2"), "training": Decimal("3"),
                      "reflection": Decimal("1")}
    assert (w2.used, w2.slack, w2.sacrificed_hours, w2.sacrificed) == (
        Decimal("4"), Decimal("4"), Decimal("6"), True)
    assert view.mix == {"item": Decimal("2"), "reflection": Decimal("1"),
                        "recovery": Decimal("4"), "training": Decimal("3")}
    assert list(view.mix) == ["item", "reflection", "recovery", "training"]  # choice order
    assert view.sacrificed_hours == Decimal("10")
    rows = {r["category"]: r for r in sel.mix_rows(view.mix)}
    assert (rows["recovery"]["percent"], rows["item"]["percent"],
            rows["experimentation"]["hours"]) == (40, 20, 0)


def test_tiers_add_slack_and_hours_back_to_delivery(org, weeks):
    [tier1] = [r for r in sel.capacity_by_tier(2, today=TODAY) if r["tier"].level == 1]
    assert (tier1["protected"], tier1["used"], tier1["slack"], tier1["sacrificed"]) == (
        Decimal("20"), Decimal("10"), Decimal("8"), Decimal("10"))
    assert tier1["mix"]["recovery"] == Decimal("4") and "experimentation" not in tier1["mix"]


def test_scorecard_figures_count_slack(org, weeks):
    sunday = MONDAY - timedelta(days=1)
    figures = compute(sunday - timedelta(days=13), sunday, team_ids=[org.line1.pk],
                      now=timezone.now())[("team", org.line1.pk)]
    assert (figures["capacity_protected"], figures["capacity_used"],
            figures["capacity_slack"], figures["capacity_sacrificed"],
            figures["capacity_honoured"]) == (20.0, 10.0, 8.0, 10.0, 0.5)


def test_slack_keeps_a_team_from_being_nudged(org, make_idea):
    """Three weeks of retrospectives and training at the protected level: nobody is told the
    team sacrifices its improvement time. Only time that went back to delivery counts."""
    _capacity(org.line1, org.lead, amount="4")
    for week in range(1, 4):
        _slack(org.member, org.line1, "training", 3, MONDAY - timedelta(weeks=week))
    assert jobs.check_improvement_capacity(today=TODAY)["sacrificing"] == 0
    TimeEntry.objects.all().delete()
    assert jobs.check_improvement_capacity(today=TODAY)["sacrificing"] == 1


# ---------------------------------------------------------------- pages


PAGE_MATRIX = {
    # role: (capacity page GET, slack POST)
    "member": (200, 302), "lead": (200, 302), "other": (404, 404),
    "supervisor": (200, 403), "executive": (200, 403), "admin": (200, 403),
}


@pytest.mark.parametrize("role", list(PAGE_MATRIX))
def test_slack_page_matrix(org, client_as, role):
    get_code, post_code = PAGE_MATRIX[role]
    client = client_as(getattr(org, role))
    assert client.get(f"/capacity/{org.line1.slug}/").status_code == get_code
    r = client.post(f"/capacity/{org.line1.slug}/time/",
                    {"category": "reflection", "hours": "1", "date": timezone.localdate()})
    assert r.status_code == post_code
    assert TimeEntry.objects.count() == (1 if post_code == 302 else 0)


def test_anonymous_is_sent_to_log_in(org, client):
    r = client.post(f"/capacity/{org.line1.slug}/time/", {"category": "reflection", "hours": 1})
    assert r.status_code == 302 and "/login" in r["Location"]
    assert not TimeEntry.objects.exists()


def test_slack_page_refusal_is_a_form_error(org, client_as):
    client = client_as(org.member)
    r = client.post(f"/capacity/{org.line1.slug}/time/",
                    {"category": "reflection", "hours": "30", "date": timezone.localdate()})
    assert r.status_code == 400 and "log at most 24" in r.content.decode()
    r = client.post(f"/capacity/{org.line1.slug}/time/", {"hours": "2"})
    assert r.status_code == 400 and "What did the time go on?" in r.content.decode()
    assert not TimeEntry.objects.exists()


def test_team_page_shows_the_mix_and_the_slack(org, client_as, weeks):
    html = client_as(org.lead).get(f"/capacity/{org.line1.slug}/").content.decode()
    assert 'data-testid="capacity-mix"' in html and 'data-testid="slack-form"' in html
    assert 'data-testid="mix-recovery">4 h' in html
    assert "Training / capability building" in html
    # People above see the mix, not the form (they are not the team's people).
    html = client_as(org.supervisor).get(f"/capacity/{org.line1.slug}/").content.decode()
    assert 'data-testid="capacity-mix"' in html and 'data-testid="slack-form"' not in html


def test_overview_by_tier_shows_slack_and_back_to_delivery(org, client_as, weeks):
    html = client_as(org.executive).get("/capacity/").content.decode()
    assert 'data-testid="tier-slack"' in html and 'data-testid="tier-sacrificed"' in html
    assert 'data-testid="capacity-mix"' in html


# ---------------------------------------------------------------- API


def test_slack_via_api(org, api):
    r = api.as_user(org.member).post("/api/v1/time-entries/", {
        "category": "experimentation", "hours": "2", "note": "Tried a kanban for bins"},
        format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["idea"], body["category"], body["category_label"], body["team"]["id"]) == (
        None, "experimentation", "Experimentation", org.line1.pk)


@pytest.mark.parametrize("payload, field", [
    ({"hours": "1"}, "category"), ({"hours": "1", "category": "item"}, "category"),
    ({"hours": "1", "category": "nap"}, "category"),
    ({"hours": "1", "category": "training", "team": 999999}, "team"),
    ({"hours": "0", "category": "training"}, "hours"),
])
def test_bad_slack_via_api_is_400(org, api, payload, field):
    r = api.as_user(org.member).post("/api/v1/time-entries/", payload, format="json")
    assert r.status_code == 400, r.json()
    assert field in r.json()["errors"]
    assert not TimeEntry.objects.exists()


def test_item_time_with_a_slack_category_is_400(org, api, make_idea):
    idea = make_idea()
    r = api.as_user(org.member).post("/api/v1/time-entries/", {
        "idea": idea.pk, "hours": "1", "category": "training"}, format="json")
    assert r.status_code == 400 and "category" in r.json()["errors"]


API_SEES = {"member": True, "lead": True, "other": False, "supervisor": True,
            "manager": True, "executive": True, "admin": True}


@pytest.mark.parametrize("role", list(API_SEES))
def test_who_sees_a_teams_slack(org, api, role):
    entry = _slack(org.member, org.line1, "recovery", 1, timezone.localdate())
    client = api.as_user(getattr(org, role))
    ids = [e["id"] for e in client.get("/api/v1/time-entries/").json()["results"]]
    assert (entry.pk in ids) == API_SEES[role]
    assert client.get(f"/api/v1/time-entries/{entry.pk}/").status_code == (
        200 if API_SEES[role] else 404)


def test_category_filter(org, api, make_idea):
    idea = make_idea()
    TimeEntry.objects.create(user=org.member, idea=idea, team=org.line1, date=TODAY, hours=1)
    training = _slack(org.member, org.line1, "training", 1, TODAY)
    recovery = _slack(org.member, org.line1, "recovery", 1, TODAY)
    client = api.as_user(org.member)

    def ids(q):
        return {e["id"] for e in client.get(f"/api/v1/time-entries/?{q}").json()["results"]}

    assert ids("category=slack") == {training.pk, recovery.pk}
    assert ids("category=training") == {training.pk}
    assert len(ids("category=item")) == 1
    assert client.get("/api/v1/time-entries/?category=nap").status_code == 400


@pytest.mark.parametrize("who", ["member", "supervisor", "executive"])
def test_slack_list_is_constant(org, api, who):
    client = api.as_user(getattr(org, who))
    url = "/api/v1/time-entries/?page_size=100"
    client.get(url)

    def fill(n):
        TimeEntry.objects.bulk_create([
            TimeEntry(user=org.member, team=org.line1, category="reflection",
                      date=timezone.localdate(), hours=Decimal("0.25")) for _ in range(n)])

    fill(10)
    small = count_queries(client, url)
    fill(90)
    large = count_queries(client, url)
    assert small == large


def test_executive_csv_and_api_carry_slack(org, client_as, api, weeks):
    """The executive scorecard's last four complete weeks up to its period's end: weeks 1 and
    2 of Line 1 (the earlier two without time): slack 8 h, 10 + 20 h back to delivery."""
    params = {"period": "custom", "from": (MONDAY - timedelta(days=14)).isoformat(),
              "to": (MONDAY - timedelta(days=1)).isoformat()}
    response = client_as(org.executive).get("/scorecards/executive/",
                                            {**params, "export": "metrics"})
    rows = {r.split(",")[1]: r.split(",")[2]
            for r in b"".join(response.streaming_content).decode().splitlines()[1:]}
    assert (rows["capacity_slack"], rows["capacity_sacrificed"]) == ("8.0", "30.0")
    body = api.as_user(org.executive).get("/api/v1/scorecards/executive/", params).json()
    assert (body["capacity"]["slack"], body["capacity"]["sacrificed"]) == (8.0, 30.0)
