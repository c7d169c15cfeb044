"""Pages: /systemic-issues/ (list, new, detail), quick time entry on the item page, capacity
pages, level and change kind on the form, filters and badges — and constant queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas import services
from ideas import system_services as svc
from ideas.models import Idea, SystemicIssue, SystemicLink, TeamCapacity, TimeEntry

pytestmark = pytest.mark.django_db


def _idea(org, **kw):
    kw.setdefault("title", "Brackets run short at station 4")
    kw.setdefault("category", "delivery")
    return services.idea_create(actor=kw.pop("actor", org.member), team=kw.pop("team", org.line1),
                                **kw)


# ---------------------------------------------------------------- systemic issue pages


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


# ---------------------------------------------------------------- improvement time


def test_quick_time_entry_on_the_item_page(org, client_as):
    idea = _idea(org)
    client = client_as(org.lead)
    page = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert 'data-testid="time-form"' in page
    response = client.post(f"/ideas/{idea.pk}/time/", {
        "hours": "1.5", "date": timezone.localdate().isoformat(), "team": org.line1.pk},
        HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"1.5 h" in response.content
    assert TimeEntry.objects.get().hours == Decimal("1.5")


@pytest.mark.parametrize("hours, message", [("0", "positive"), ("-3", "positive"),
                                            ("30", "at most 24"), ("", "How many hours")])
def test_bad_time_on_the_page(org, client_as, hours, message):
    idea = _idea(org)
    response = client_as(org.member).post(f"/ideas/{idea.pk}/time/", {
        "hours": hours, "date": timezone.localdate().isoformat()}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and message in response.content.decode()
    assert not TimeEntry.objects.exists()
    # Without JavaScript: the whole page, with the message.
    response = client_as(org.member).post(f"/ideas/{idea.pk}/time/", {
        "hours": hours, "date": timezone.localdate().isoformat()})
    assert response.status_code == 400 and message in response.content.decode()


def test_time_on_an_invisible_item_is_404(org, client_as):
    secret = _idea(org, is_private=True)
    response = client_as(org.other).post(f"/ideas/{secret.pk}/time/", {
        "hours": "1", "date": timezone.localdate().isoformat()})
    assert response.status_code == 404


def test_remove_time_entry_from_the_page(org, client_as):
    idea = _idea(org)
    entry = svc.time_entry_create(idea_id=idea.pk, actor=org.member, hours=1)
    client_as(org.other).post(f"/time-entries/{entry.pk}/delete/")
    assert TimeEntry.objects.exists()
    client_as(org.member).post(f"/time-entries/{entry.pk}/delete/")
    assert not TimeEntry.objects.exists()


# ---------------------------------------------------------------- capacity pages


def test_lead_sets_capacity_on_the_team_page(org, client_as):
    client = client_as(org.lead)
    assert client.get("/capacity/line1/").status_code == 200
    response = client.post("/capacity/line1/", {"unit": "percent", "amount": "120"})
    assert response.status_code == 400 and "cannot exceed 100 %" in response.content.decode()
    assert not TeamCapacity.objects.exists()
    client.post("/capacity/line1/", {"unit": "hours", "amount": "6"})
    assert TeamCapacity.objects.get().amount == 6
    # A member sees it, cannot change it; an outsider gets 404.
    member = client_as(org.member)
    assert b"6 h a week" in member.get("/capacity/line1/").content
    member.post("/capacity/line1/", {"unit": "hours", "amount": "0"})
    assert TeamCapacity.objects.get().amount == 6
    assert client_as(org.other).get("/capacity/line1/").status_code == 404


def test_capacity_overview_by_tier_for_executives(org, client_as):
    svc.capacity_set(team=org.line1, actor=org.lead, unit="hours", amount="6")
    exec_page = client_as(org.executive).get("/capacity/").content.decode()
    assert 'data-testid="capacity-by-tier"' in exec_page and "Line 2" in exec_page
    member_page = client_as(org.member).get("/capacity/").content.decode()
    assert "capacity-by-tier" not in member_page and "Line 2" not in member_page


# ---------------------------------------------------------------- level and change kind


def test_form_requires_a_change_kind_for_system_changes(org, client_as):
    client = client_as(org.member)
    data = {"kind": "problem", "title": "Release approvals wait a week", "category": "delivery",
            "team": org.line1.pk, "level": "system"}
    response = client.post("/ideas/new/", data)
    assert response.status_code == 400 and b"Say what this system change changes" in \
        response.content
    response = client.post("/ideas/new/", {**data, "change_kind": "decision_boundaries"})
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert (idea.level, idea.change_kind) == ("system", "decision_boundaries")


def test_level_filter_and_badge_on_the_list(org, client_as):
    _idea(org, title="Cross-team handover", level="cross_team")
    _idea(org, title="Team-only tweak")
    client = client_as(org.member)
    html = client.get("/ideas/?level=cross_team").content.decode()
    assert "Cross-team handover" in html and "Team-only tweak" not in html
    assert "level-badge level-cross_team" in html
    html = client.get("/ideas/").content.decode()
    assert html.count("level-badge") == 1


# ---------------------------------------------------------------- constant queries


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


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
@pytest.mark.parametrize("url", ["/systemic-issues/", "/capacity/", "/capacity/line1/"])
def test_pages_are_constant(org, client_as, who, url):
    user = getattr(org, who)
    if url == "/capacity/line1/" and who in ("supervisor",):
        return  # not a member of Line 1 (404)
    client = client_as(user)
    _fill(org, 10)
    small = _count(client, url)
    _fill(org, 90)
    assert _count(client, url) == small, url


@pytest.mark.parametrize("who", ["member", "other", "supervisor"])
def test_issue_detail_is_constant(org, client_as, issue, who):
    client = client_as(getattr(org, who))
    _fill(org, 10, issue)
    small = _count(client, f"/systemic-issues/{issue.pk}/")
    _fill(org, 90, issue)
    assert _count(client, f"/systemic-issues/{issue.pk}/") == small


def test_item_page_with_time_and_issues_is_constant(org, client_as, issue):
    idea = _idea(org)
    svc.systemic_link(issue_id=issue.pk, idea_ids=[idea.pk], actor=org.supervisor)
    client = client_as(org.lead)
    svc.time_entry_create(idea_id=idea.pk, actor=org.member, hours=1)
    small = _count(client, f"/ideas/{idea.pk}/")
    TimeEntry.objects.bulk_create([TimeEntry(user=org.lead, idea=idea, team=org.line1,
                                             date=timezone.localdate(), hours=Decimal("0.25"))
                                   for _ in range(30)])
    for i in range(5):
        other = svc.systemic_issue_create(actor=org.lead, title=f"Other {i}", statement="x",
                                          category="delivery", owner_team=org.line1)
        svc.systemic_link(issue_id=other.pk, idea_ids=[idea.pk], actor=org.lead)
    assert _count(client, f"/ideas/{idea.pk}/") == small


def test_a_lead_is_offered_only_the_suggestions_they_may_link(org, client_as, issue):
    mine = _idea(org, title="Brackets run short at the line side 1")
    theirs = _idea(org, title="Brackets run short at the line side 2", team=org.line2,
                   actor=org.other)
    html = client_as(org.lead).get(f"/systemic-issues/{issue.pk}/").content.decode()
    assert f'value="{mine.pk}"' in html and f'value="{theirs.pk}"' not in html
    html = client_as(org.supervisor).get(f"/systemic-issues/{issue.pk}/").content.decode()
    assert f'value="{mine.pk}"' in html and f'value="{theirs.pk}"' in html
