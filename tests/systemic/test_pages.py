"""Systemic-issue pages: list and detail with the trend, private items masked, opening an issue
with suggested problems, linking from the issue and from the item page, editing, tracking, and
constant queries."""

from decimal import Decimal

import pytest
from django.utils import timezone

from capacity import services as capacity_services
from capacity.models import TimeEntry
from ideas import services
from ideas.models import Idea
from systemic import services as svc
from systemic.models import SystemicIssue, SystemicLink
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def _idea(org, **kw):
    kw.setdefault("title", "Brackets run short at station 4")
    kw.setdefault("category", "delivery")
    return services.idea_create(actor=kw.pop("actor", org.member), team=kw.pop("team", org.line1),
                                **kw)


def test_list_and_detail_render_with_trend(org, client_as, issue):
    problem = _idea(org)
    svc.systemic_link(issue_id=issue.pk, idea_ids=[problem.pk], actor=org.supervisor)
    client = client_as(org.member)
    page = client.get("/systemic-issues/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Brackets run short at the line side" in html and 'class="sparkline"' in html
    assert "Open a systemic issue" not in html  # a member may not open one
    detail = client.get(f"/systemic-issues/{issue.pk}/").content.decode()
    assert 'data-testid="trend-chart"' in detail and problem.title in detail
    assert "Suggested problems" not in detail
    assert client.get("/systemic-issues/?status=resolved").content.decode().count(
        'data-testid="issue-row"') == 0
    fragment = client.get("/systemic-issues/?q=brackets", HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b"issue-row" in fragment.content


def test_unknown_issue_is_404(org, client_as):
    assert client_as(org.member).get("/systemic-issues/999999/").status_code == 404


def test_private_item_shows_as_private_item_on_the_page(org, client_as, issue):
    secret = _idea(org, title="Secret bracket dispute", is_private=True)
    svc.systemic_link(issue_id=issue.pk, idea_ids=[secret.pk], actor=org.lead)
    outsider = client_as(org.other).get(f"/systemic-issues/{issue.pk}/").content.decode()
    assert "Private item" in outsider and "Secret" not in outsider
    assert f"/ideas/{secret.pk}/" not in outsider
    insider = client_as(org.member).get(f"/systemic-issues/{issue.pk}/").content.decode()
    assert "Secret bracket dispute" in insider


def test_lead_opens_an_issue_linking_suggested_problems(org, client_as):
    a = _idea(org)
    b = _idea(org, title="Brackets run short on line 2", team=org.line2, actor=org.other)
    client = client_as(org.supervisor)
    suggest = client.get("/systemic-issues/suggest/", {"title": "Brackets run short",
                                                       "category": "delivery"},
                         HTTP_HX_REQUEST="true").content.decode()
    assert a.title in suggest and b.title in suggest and "Recurs in 2 teams" in suggest
    response = client.post("/systemic-issues/new/", {
        "title": "Brackets run short", "statement": "Twice a week.", "category": "delivery",
        "owner_team": org.sup.pk, "problems": [a.pk, b.pk]})
    issue = SystemicIssue.objects.get()
    assert response.status_code == 302 and response.url == f"/systemic-issues/{issue.pk}/"
    assert set(issue.problems.values_list("pk", flat=True)) == {a.pk, b.pk}


def test_new_issue_form_errors_and_refusals(org, client_as):
    response = client_as(org.supervisor).post("/systemic-issues/new/", {"title": ""})
    assert response.status_code == 400 and b"Give the systemic issue a short title" in \
        response.content
    # A team one does not lead is not a choice.
    response = client_as(org.lead).post("/systemic-issues/new/", {
        "title": "X", "statement": "Y", "category": "cost", "owner_team": org.sup.pk})
    assert response.status_code == 400 and b"Choose a team you lead" in response.content
    # A member is sent back to the list.
    assert client_as(org.member).get("/systemic-issues/new/").status_code == 302
    assert not SystemicIssue.objects.exists()


def test_link_from_the_detail_page_and_from_the_item_page(org, client_as, issue):
    a, b = _idea(org), _idea(org, title="Brackets again", team=org.line2, actor=org.other)
    client = client_as(org.supervisor)
    detail = client.get(f"/systemic-issues/{issue.pk}/").content.decode()
    assert "Suggested problems" in detail and a.title in detail
    client.post(f"/systemic-issues/{issue.pk}/link/", {"ideas": [a.pk]})
    assert SystemicLink.objects.filter(idea=a).exists()
    # The lead of Line 2 links their own problem from its page.
    lead2 = org.other
    from org.models import Membership

    Membership.objects.filter(user=lead2, team=org.line2).update(role="lead")
    item = client_as(lead2).get(f"/ideas/{b.pk}/").content.decode()
    assert 'data-testid="link-to-issue"' in item
    client_as(lead2).post(f"/ideas/{b.pk}/systemic-issue/", {"issue": issue.pk})
    assert SystemicLink.objects.filter(idea=b).exists()
    assert "Brackets run short at the line side" in client_as(lead2).get(
        f"/ideas/{b.pk}/").content.decode()


def test_bad_link_input_on_the_page(org, client_as, issue):
    response = client_as(org.supervisor).post(f"/systemic-issues/{issue.pk}/link/",
                                              {"ideas": "abc"}, follow=True)
    assert b"Give item numbers" in response.content
    assert not SystemicLink.objects.exists()


def test_edit_status_and_track_from_the_page(org, client_as, issue):
    client = client_as(org.supervisor)
    response = client.post(f"/systemic-issues/{issue.pk}/edit/", {
        "title": issue.title, "statement": issue.statement, "category": "delivery",
        "owner_team": org.sup.pk, "status": "monitoring"})
    assert response.status_code == 302
    assert SystemicIssue.objects.get().status == "monitoring"
    response = client.post(f"/systemic-issues/{issue.pk}/track/")
    tracking = SystemicIssue.objects.get().tracking_idea
    assert tracking and response.url == f"/ideas/{tracking.pk}/"
    assert client_as(org.member).post(f"/systemic-issues/{issue.pk}/edit/", {
        "title": "Hijacked", "statement": "x", "category": "cost", "owner_team": org.sup.pk,
    }).status_code == 302
    assert SystemicIssue.objects.get().title == issue.title


def _fill(org, n, issue=None):
    now = timezone.now()
    ideas = Idea.objects.bulk_create([
        Idea(title=f"Brackets run short {i}", team=org.line1 if i % 2 else org.line2,
             reporter=org.member, category="delivery", is_private=i % 3 == 0,
             last_activity_at=now, status_changed_at=now) for i in range(n)])
    if issue is None:
        issues = SystemicIssue.objects.bulk_create([
            SystemicIssue(title=f"Issue {i}", statement="Recurs.", category="delivery",
                          owner_team=org.sup, created_by=org.supervisor) for i in range(n)])
        links = [SystemicLink(issue=issues[i], idea=ideas[i], linked_by=org.supervisor)
                 for i in range(n)]
    else:
        links = [SystemicLink(issue=issue, idea=idea, linked_by=org.supervisor)
                 for idea in ideas]
    SystemicLink.objects.bulk_create(links)
    TimeEntry.objects.bulk_create([TimeEntry(user=org.member, idea=ideas[i], team=org.line1,
                                             date=timezone.localdate(), hours=1)
                                   for i in range(n)])


@pytest.mark.parametrize("who", ["member", "supervisor", "executive", "admin"])
@pytest.mark.parametrize("url", ["/systemic-issues/"])
def test_pages_are_constant(org, client_as, who, url):
    user = getattr(org, who)
    client = client_as(user)
    _fill(org, 10)
    small = count_queries(client, url)
    _fill(org, 90)
    assert count_queries(client, url) == small, url


@pytest.mark.parametrize("who", ["member", "other", "supervisor"])
def test_issue_detail_is_constant(org, client_as, issue, who):
    client = client_as(getattr(org, who))
    _fill(org, 10, issue)
    small = count_queries(client, f"/systemic-issues/{issue.pk}/")
    _fill(org, 90, issue)
    assert count_queries(client, f"/systemic-issues/{issue.pk}/") == small


def test_item_page_with_time_and_issues_is_constant(org, client_as, issue):
    idea = _idea(org)
    svc.systemic_link(issue_id=issue.pk, idea_ids=[idea.pk], actor=org.supervisor)
    client = client_as(org.lead)
    capacity_services.time_entry_create(idea_id=idea.pk, actor=org.member, hours=1)
    small = count_queries(client, f"/ideas/{idea.pk}/")
    TimeEntry.objects.bulk_create([TimeEntry(user=org.lead, idea=idea, team=org.line1,
                                             date=timezone.localdate(), hours=Decimal("0.25"))
                                   for _ in range(30)])
    for i in range(5):
        other = svc.systemic_issue_create(actor=org.lead, title=f"Other {i}", statement="x",
                                          category="delivery", owner_team=org.line1)
        svc.systemic_link(issue_id=other.pk, idea_ids=[idea.pk], actor=org.lead)
    assert count_queries(client, f"/ideas/{idea.pk}/") == small


def test_a_lead_is_offered_only_the_suggestions_they_may_link(org, client_as, issue):
    mine = _idea(org, title="Brackets run short at the line side 1")
    theirs = _idea(org, title="Brackets run short at the line side 2", team=org.line2,
                   actor=org.other)
    html = client_as(org.lead).get(f"/systemic-issues/{issue.pk}/").content.decode()
    assert f'value="{mine.pk}"' in html and f'value="{theirs.pk}"' not in html
    html = client_as(org.supervisor).get(f"/systemic-issues/{issue.pk}/").content.decode()
    assert f'value="{mine.pk}"' in html and f'value="{theirs.pk}"' in html
