"""Improvement-time and capacity pages: quick time entry on the item page, its refusals, removing
an entry, a team's capacity page and the overview, and constant queries."""

from decimal import Decimal

import pytest
from django.utils import timezone

from capacity import services as svc
from capacity.models import TeamCapacity, TimeEntry
from ideas import services
from ideas.models import Idea
from systemic.models import SystemicIssue, SystemicLink
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def _idea(org, **kw):
    kw.setdefault("title", "Brackets run short at station 4")
    kw.setdefault("category", "delivery")
    return services.idea_create(actor=kw.pop("actor", org.member), team=kw.pop("team", org.line1),
                                **kw)


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
@pytest.mark.parametrize("url", ["/capacity/", "/capacity/line1/"])
def test_pages_are_constant(org, client_as, who, url):
    user = getattr(org, who)
    if url == "/capacity/line1/" and who in ("supervisor",):
        return  # not a member of Line 1 (404)
    client = client_as(user)
    _fill(org, 10)
    small = count_queries(client, url)
    _fill(org, 90)
    assert count_queries(client, url) == small, url
