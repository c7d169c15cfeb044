"""A systemic issue is escalated like an idea, through its tracking item: the service, the page
flow (the issue page's Escalate button, the item's escalate form and back), who may do it (the
escalation app's own rules, the same as on the item page), the API's read-only escalation
state, privacy and constant queries."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from core.errors import Forbidden
from escalation import services as esc
from escalation.models import Escalation
from ideas import services
from ideas.models import Idea
from systemic import services as svc
from systemic.models import SystemicIssue, SystemicLink
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

ASK = "Approve a second supplier for brackets"


@pytest.fixture
def tracked(org, issue):
    svc.systemic_issue_track(issue_id=issue.pk, actor=org.supervisor)
    issue.refresh_from_db()
    return issue


def _page(client, issue) -> str:
    response = client.get(f"/systemic-issues/{issue.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _escalate_href(html: str) -> str:
    marker = 'data-testid="systemic-escalate"'
    assert marker in html
    tag = html[html.rindex("<a ", 0, html.index(marker)):html.index(marker)]
    return tag.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def _form(idea, org, **extra):
    data = {"idea": idea.pk, "reason": "resources", "ask": ASK,
            "expected_to_team": org.plant.pk}
    data.update(extra)
    return data


# ---------------------------------------------------------------- service level


def test_a_lead_escalates_a_systemic_issue_through_its_tracking_item(org, issue, api):
    idea = svc.systemic_issue_track(issue_id=issue.pk, actor=org.supervisor)
    assert (idea.team, idea.level, idea.kind) == (org.sup, Idea.Level.SYSTEM, Idea.Kind.PROBLEM)
    escalation = esc.escalation_raise(idea_id=idea.pk, actor=org.supervisor, reason="resources",
                                      ask=ASK, expected_to_team_id=org.plant.pk)
    assert (escalation.from_team, escalation.to_team, escalation.state) == (
        org.sup, org.plant, "open")
    assert list(Escalation.objects.values_list("idea_id", flat=True)) == [idea.pk]
    # Starting the work again returns the same item: still one item, one escalation.
    assert svc.systemic_issue_track(issue_id=issue.pk, actor=org.supervisor) == idea
    assert Idea.objects.filter(level=Idea.Level.SYSTEM).count() == 1

    data = api.as_user(org.member).get(f"/api/v1/systemic-issues/{issue.pk}/").json()
    assert data["tracking_idea"] == idea.pk
    assert data["tracking_escalation"] == {
        "id": escalation.pk, "state": "open", "state_label": "Open", "active": True,
        "to_team": {"id": org.plant.pk, "name": "Plant", "slug": "plant"},
        "raised_at": data["tracking_escalation"]["raised_at"],
        "url": f"/escalations/{escalation.pk}/"}

    esc.escalation_acknowledge(escalation_id=escalation.pk, actor=org.manager)
    rows = api.as_user(org.supervisor).get("/api/v1/systemic-issues/").json()["results"]
    assert [(r["id"], r["tracking_escalation"]["state"]) for r in rows] == [
        (issue.pk, "acknowledged")]


@pytest.mark.parametrize("who", ["member", "other", "lead", "manager", "executive"])
def test_outside_the_owner_team_nobody_escalates_the_tracking_item(org, tracked, who):
    with pytest.raises(Forbidden):
        esc.escalation_raise(idea_id=tracked.tracking_idea_id, actor=getattr(org, who),
                             reason="resources", ask=ASK)
    assert not Escalation.objects.exists()


def test_api_state_is_null_until_escalated_and_read_only(org, issue, api):
    client = api.as_user(org.supervisor)
    data = client.get(f"/api/v1/systemic-issues/{issue.pk}/").json()
    assert (data["tracking_idea"], data["tracking_escalation"]) == (None, None)
    data = client.post(f"/api/v1/systemic-issues/{issue.pk}/track/").json()
    assert data["tracking_idea"] == SystemicIssue.objects.get().tracking_idea_id
    assert data["tracking_escalation"] is None
    # Read-only: a PATCH naming them changes nothing.
    response = client.patch(f"/api/v1/systemic-issues/{issue.pk}/",
                            {"tracking_idea": None, "tracking_escalation": {"state": "resolved"}},
                            format="json")
    assert response.status_code == 200
    assert response.json()["tracking_idea"] == data["tracking_idea"]


# ---------------------------------------------------------------- page flow


def test_page_flow_escalate_button_form_and_back(org, client_as, tracked):
    client = client_as(org.supervisor)
    idea = tracked.tracking_idea
    html = _page(client, tracked)
    assert "Not escalated." in html
    href = _escalate_href(html)
    url = urlsplit(href)
    assert url.path == "/escalations/new/"
    assert parse_qs(url.query) == {"idea": [str(idea.pk)],
                                   "next": [f"/systemic-issues/{tracked.pk}/"]}

    form_page = client.get(href)
    assert form_page.status_code == 200
    body = form_page.content.decode()
    assert f'name="next" value="/systemic-issues/{tracked.pk}/"' in body
    assert 'data-testid="route-team">Plant<' in body

    response = client.post(f"/escalations/new/?idea={idea.pk}",
                           _form(idea, org, next=f"/systemic-issues/{tracked.pk}/"))
    assert response.status_code == 302 and response.url == f"/systemic-issues/{tracked.pk}/"
    [escalation] = Escalation.objects.all()
    assert (escalation.idea_id, escalation.to_team, escalation.raised_by, escalation.ask) == (
        idea.pk, org.plant, org.supervisor, ASK)

    html = _page(client, tracked)
    assert "Escalated to <strong>Plant</strong>" in html
    assert f'href="/escalations/{escalation.pk}/"' in html
    assert 'data-testid="systemic-escalate"' not in html  # one open escalation at a time
    # Everyone who may see the issue sees the state (not the button).
    onlooker = Client()
    onlooker.force_login(org.other, backend="org.backends.UsernameOrEmailBackend")
    html = _page(onlooker, tracked)
    assert "Escalated to <strong>Plant</strong>" in html
    assert 'data-testid="systemic-escalate"' not in html

    # A second post (a double click, a stale tab) adds nothing.
    again = client.post(f"/escalations/new/?idea={idea.pk}", _form(idea, org))
    assert again.status_code == 302 and again.url == f"/escalations/{escalation.pk}/"
    assert Escalation.objects.count() == 1

    # Once decided the page says so and the button comes back.
    esc.escalation_resolve(escalation_id=escalation.pk, actor=org.manager,
                           decision="Second supplier approved.")
    html = _page(client, tracked)
    assert "Not escalated now. Last escalation:" in html and "Resolved" in html
    assert 'data-testid="systemic-escalate"' in html


def test_owner_lead_starts_the_tracking_item_and_escalates_in_one_action(org, client_as, issue):
    client = client_as(org.supervisor)
    html = _page(client, issue)
    assert 'data-testid="systemic-track-escalate"' in html
    response = client.post(f"/systemic-issues/{issue.pk}/track/", {"escalate": "1"})
    idea = SystemicIssue.objects.get().tracking_idea
    assert idea is not None and idea.team == org.sup
    assert response.status_code == 302
    url = urlsplit(response.url)
    assert url.path == "/escalations/new/"
    assert parse_qs(url.query) == {"idea": [str(idea.pk)],
                                   "next": [f"/systemic-issues/{issue.pk}/"]}
    response = client.post(response.url, _form(idea, org, next=f"/systemic-issues/{issue.pk}/"))
    assert response.url == f"/systemic-issues/{issue.pk}/"
    assert list(Escalation.objects.values_list("idea_id", "to_team_id")) == [
        (idea.pk, org.plant.pk)]
    assert "Escalated to <strong>Plant</strong>" in _page(client, issue)


def test_bad_input_on_the_escalate_form_keeps_the_way_back(org, client_as, tracked):
    client = client_as(org.supervisor)
    idea = tracked.tracking_idea
    back = f"/systemic-issues/{tracked.pk}/"
    response = client.post(f"/escalations/new/?idea={idea.pk}",
                           _form(idea, org, ask="", next=back))
    assert response.status_code == 400
    body = response.content.decode()
    assert "the ask is required" in body and f'name="next" value="{back}"' in body
    assert not Escalation.objects.exists()
    # Somewhere else entirely is not a way back: the escalation's own page instead.
    response = client.post(f"/escalations/new/?idea={idea.pk}",
                           _form(idea, org, next="https://example.com/"))
    [escalation] = Escalation.objects.all()
    assert response.url == f"/escalations/{escalation.pk}/"


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize("who", ["member", "other", "lead", "manager", "executive"])
def test_others_see_no_button_and_cannot_escalate(org, client_as, tracked, who):
    client = client_as(getattr(org, who))
    idea = tracked.tracking_idea
    html = _page(client, tracked)
    assert 'data-testid="systemic-escalate"' not in html
    assert 'data-testid="systemic-track-escalate"' not in html
    assert "Not escalated." in html  # the state is no secret
    assert client.get(f"/escalations/new/?idea={idea.pk}&next=/systemic-issues/"
                      f"{tracked.pk}/").status_code == 403
    assert client.post(f"/escalations/new/?idea={idea.pk}", _form(idea, org)).status_code == 403
    assert not Escalation.objects.exists()


@pytest.mark.parametrize("who", ["member", "other", "lead", "manager", "executive"])
def test_only_who_may_escalate_is_offered_the_one_step_start(org, client_as, issue, who):
    html = _page(client_as(getattr(org, who)), issue)
    assert 'data-testid="systemic-track-escalate"' not in html


@pytest.mark.parametrize("who", ["member", "other", "lead", "supervisor", "manager",
                                 "executive", "admin"])
def test_the_issue_page_offers_escalation_exactly_as_the_item_page(org, client_as, tracked, who):
    """The escalation app's rules decide, on both pages alike (no rules of the page's own)."""
    client = client_as(getattr(org, who))
    item = client.get(f"/ideas/{tracked.tracking_idea_id}/").content.decode()
    on_issue = 'data-testid="systemic-escalate"' in _page(client, tracked)
    assert on_issue == ('data-testid="escalate-button"' in item)
    assert on_issue == (who in ("supervisor", "admin"))


def test_the_top_tier_has_nobody_to_escalate_to(org, client_as):
    top = svc.systemic_issue_create(actor=org.executive, title="Plans change mid-cycle",
                                    statement="Priorities churn.", category="delivery",
                                    owner_team=org.exec)
    client = client_as(org.executive)
    assert 'data-testid="systemic-track-escalate"' not in _page(client, top)
    svc.systemic_issue_track(issue_id=top.pk, actor=org.executive)
    html = _page(client, top)
    assert 'data-testid="systemic-escalate"' not in html
    assert "is at the top tier" in html


# ---------------------------------------------------------------- privacy


def test_a_private_item_linked_to_the_issue_never_leaks_its_title(org, client_as, tracked, api):
    secret = services.idea_create(actor=org.other, team=org.line2, category="delivery",
                                  title="Secret bracket shortage at line two", is_private=True)
    SystemicLink.objects.create(issue=tracked, idea=secret, linked_by=org.other)
    html = _page(client_as(org.member), tracked)
    assert "Secret bracket shortage" not in html and "Private item" in html
    assert "Secret bracket shortage" in _page(client_as(org.other), tracked)
    assert "Secret bracket shortage" not in api.as_user(org.member).get(
        f"/api/v1/systemic-issues/{tracked.pk}/").content.decode()


def test_a_private_tracking_item_keeps_its_title_and_escalation_to_its_teams(
        org, client_as, tracked, api):
    idea = tracked.tracking_idea
    services.idea_update(idea_id=idea.pk, actor=org.supervisor, is_private=True,
                         title="Secret supplier switch")
    escalation = esc.escalation_raise(idea_id=idea.pk, actor=org.supervisor,
                                      reason="resources", ask=ASK)
    html = _page(client_as(org.member), tracked)
    assert "Secret supplier switch" not in html and "a private item" in html
    assert 'data-testid="systemic-escalation"' not in html
    data = api.as_user(org.member).get(f"/api/v1/systemic-issues/{tracked.pk}/").json()
    assert (data["tracking_idea"], data["tracking_escalation"]) == (None, None)
    # The chain (Supervisors → Plant) sees it.
    assert "Escalated to <strong>Plant</strong>" in _page(client_as(org.manager), tracked)
    data = api.as_user(org.manager).get(f"/api/v1/systemic-issues/{tracked.pk}/").json()
    assert data["tracking_escalation"]["id"] == escalation.pk


# ---------------------------------------------------------------- queries


def _fill(org, issue, n):
    now = timezone.now()
    ideas = Idea.objects.bulk_create([
        Idea(title=f"Brackets run short {i}", team=org.line1 if i % 2 else org.line2,
             reporter=org.member, category="delivery", is_private=i % 3 == 0,
             last_activity_at=now, status_changed_at=now) for i in range(n)])
    SystemicLink.objects.bulk_create([SystemicLink(issue=issue, idea=idea,
                                                   linked_by=org.supervisor) for idea in ideas])


@pytest.mark.parametrize("who", ["member", "supervisor", "manager"])
def test_issue_page_with_an_escalated_tracking_item_is_constant(org, client_as, tracked, who):
    escalation = esc.escalation_raise(idea_id=tracked.tracking_idea_id, actor=org.supervisor,
                                      reason="resources", ask=ASK)
    client = client_as(getattr(org, who))
    url = f"/systemic-issues/{tracked.pk}/"
    _fill(org, tracked, 10)
    small = count_queries(client, url)
    _fill(org, tracked, 90)
    esc.escalation_acknowledge(escalation_id=escalation.pk, actor=org.manager)
    assert count_queries(client, url) == small


def test_api_list_with_tracking_items_is_constant(org, api):
    client = api.as_user(org.supervisor)

    def add(n):
        for i in range(n):
            issue = svc.systemic_issue_create(actor=org.supervisor, title=f"Recurs {i}",
                                              statement="x", category="delivery",
                                              owner_team=org.sup)
            idea = svc.systemic_issue_track(issue_id=issue.pk, actor=org.supervisor)
            if i % 2:
                esc.escalation_raise(idea_id=idea.pk, actor=org.supervisor,
                                     reason="resources", ask=ASK)

    add(3)
    small = count_queries(client, "/api/v1/systemic-issues/")
    add(12)
    assert count_queries(client, "/api/v1/systemic-issues/") == small
    rows = client.get("/api/v1/systemic-issues/?page_size=100").json()["results"]
    assert sum(1 for r in rows if r["tracking_escalation"]) == 7


# ---------------------------------------------------------------- demo data


def test_demo_issues_have_tracking_items_and_one_is_escalated():
    from devtools.demo import escalation as escalation_demo
    from devtools.demo import ideas as ideas_demo
    from devtools.demo import org as org_demo
    from devtools.demo import systemic as systemic_demo

    context = org_demo.seed()
    ideas_demo.seed(context)
    systemic_demo.seed(context)
    escalation_demo.seed(context)
    issues = {i.title: i for i in SystemicIssue.objects.select_related("tracking_idea")}
    assert len(issues) == 2
    for issue in issues.values():
        idea = issue.tracking_idea
        assert idea is not None and idea.team_id == issue.owner_team_id
        assert idea.level == Idea.Level.SYSTEM and idea.change_kind
    [escalation] = Escalation.objects.filter(
        idea__tracked_systemic_issue__isnull=False).select_related("idea")
    assert escalation.idea == issues[escalation_demo.SYSTEMIC_TITLE].tracking_idea
    assert escalation.state == "acknowledged"
    assert escalation.to_team == context["teams"]["maintenance"].parent
    # Re-runnable: nothing new the second time.
    counts = (Idea.objects.count(), Escalation.objects.count())
    ideas_demo.seed(org_demo.seed())
    systemic_demo.seed(context)
    escalation_demo.seed(context)
    assert (Idea.objects.count(), Escalation.objects.count()) == counts
