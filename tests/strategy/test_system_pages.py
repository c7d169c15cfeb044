"""System-work pages: reviews, standards, planning windows, the evidence panel and the priority
page's resources — who may do what (roles × pages) and constant query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ideas.models import SystemicIssue, SystemicLink
from strategy.models import (
    Experiment,
    PlanningWindow,
    Priority,
    Review,
    ReviewFocus,
    Standard,
    StandardVersion,
    StrategyChange,
)
from tests.factories import IdeaFactory

from .conftest import link, make_kpi

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _status(client, method, url, data=None):
    return (client.post(url, data or {}) if method == "post" else client.get(url)).status_code


def test_permission_matrix(org, coe, standard, client_as):
    """roles × pages → status (GET reads are open to everyone logged in; writes are not)."""
    review_url = reverse("system:team-review", args=["line1"])
    post_review = {"held_on": today().isoformat(), "assessment": "ok", "focus_note": "x"}
    rows = [
        ("get", reverse("system:reviews"), None,
         {"member": 200, "lead": 200, "executive": 200, "olga": 200, "admin": 200}),
        ("get", review_url, None,
         {"member": 200, "lead": 200, "executive": 200, "olga": 200, "admin": 200}),
        ("post", review_url, post_review,
         {"member": 403, "executive": 403, "olga": 403, "admin": 403, "lead": 302}),
        ("get", reverse("system:standards"), None,
         {"member": 200, "executive": 200, "olga": 200}),
        ("get", reverse("system:standard", args=[standard.pk]), None,
         {"member": 200, "executive": 200, "olga": 200}),
        ("get", reverse("system:standard-new"), None,
         {"member": 403, "executive": 403, "admin": 403, "olga": 200}),
        ("post", reverse("system:standard-revise", args=[standard.pk]),
         {"body": "2. New", "change_note": "why"},
         {"member": 403, "executive": 403, "admin": 403, "olga": 302}),
        ("post", reverse("system:standard-comment", args=[standard.pk]), {"text": "Hi"},
         {"member": 302, "executive": 302}),
        ("get", reverse("strategy:changes"), None,
         {"member": 403, "lead": 200, "executive": 200, "admin": 200}),
        ("post", reverse("strategy:changes"),
         {"name": "Q", "start": today().isoformat(), "end": today().isoformat()},
         {"executive": 403, "admin": 302}),
    ]
    users = {"member": org.member, "lead": org.lead, "executive": org.executive,
             "olga": coe, "admin": org.admin}
    for method, url, data, expected in rows:
        for role, code in expected.items():
            got = _status(client_as(users[role]), method, url, data)
            assert got == code, (method, url, role, got)
    assert Review.objects.filter(team=org.line1).count() == 1
    assert standard.versions.count() == 2
    assert PlanningWindow.objects.count() == 1


def _populate(org, strat, n, offset=0):
    """n done items with learning and experiments, n reviews with focus, n systemic issues."""
    stamp = timezone.now() - timedelta(days=1)
    for i in range(offset, offset + n):
        idea = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=stamp,
                           learning=f"Lesson {i}")
        link(strat.priority, idea)
        Experiment.objects.create(idea=idea, hypothesis=f"h{i}", signal="s",
                                  start=today() - timedelta(days=5), evidence="e",
                                  decision="adopt", learning="l", decided_at=stamp,
                                  kpi=strat.kpi)
        issue = SystemicIssue.objects.create(title=f"Issue {i}", statement="s",
                                             owner_team=org.sup, created_by=org.supervisor)
        SystemicLink.objects.create(issue=issue, idea=idea, linked_by=org.supervisor)
        open_item = IdeaFactory(team=org.line1, reporter=org.member)
        review = Review.objects.create(team=org.line1, held_on=today() - timedelta(days=400 + i),
                                       period_start=today() - timedelta(days=407 + i),
                                       assessment="a", held_by=org.lead)
        ReviewFocus.objects.create(review=review, idea=open_item)
        ReviewFocus.objects.create(review=review, systemic_issue=issue)
    make_kpi(strat.priority, org.sup, name=f"KPI {n}")


def _count(client, url):
    with CaptureQueriesContext(connection) as q:
        response = client.get(url)
    assert response.status_code == 200
    return len(q), response


def test_review_page_runs_a_constant_number_of_queries(org, strat, reading, client_as):
    client = client_as(org.lead)
    url = reverse("system:team-review", args=["line1"])
    reading("4.0", today() - timedelta(days=60))
    _populate(org, strat, 3)
    small, response = _count(client, url)
    assert b"Lesson 2" in response.content
    _populate(org, strat, 40, offset=3)
    large, response = _count(client, url)
    assert b"Lesson 42" in response.content
    assert small == large


def test_review_detail_and_index_run_constant_queries(org, strat, client_as):
    client = client_as(org.lead)
    _populate(org, strat, 3)
    review = Review.objects.order_by("pk").first()
    detail = reverse("system:review", args=[review.pk])
    small_d, _ = _count(client, detail)
    small_i, _ = _count(client, reverse("system:reviews"))
    _populate(org, strat, 30, offset=3)
    large_d, _ = _count(client, detail)
    large_i, _ = _count(client, reverse("system:reviews"))
    assert (small_d, small_i) == (large_d, large_i)


def test_standards_pages_run_constant_queries(org, coe, client_as):
    client = client_as(org.executive)
    team = coe.memberships.get().team

    def make(n):
        for i in range(n):
            s = Standard.objects.create(title=f"S{i}", owner_team=team, review_date=today())
            StandardVersion.objects.create(standard=s, number=1, body="b")
        return s

    last = make(10)
    small = _count(client, reverse("system:standards"))[0]
    small_detail = _count(client, reverse("system:standard", args=[last.pk]))[0]
    last = make(90)
    for i in range(20):
        StandardVersion.objects.create(standard=last, number=i + 2, body="b")
    assert _count(client, reverse("system:standards"))[0] == small
    assert _count(client, reverse("system:standard", args=[last.pk]))[0] == small_detail


def test_team_holds_a_review_from_the_page(org, client_as):
    issue = SystemicIssue.objects.create(title="Bracket defects", statement="s",
                                         owner_team=org.sup, created_by=org.supervisor)
    item = IdeaFactory(team=org.line1, reporter=org.member)
    client = client_as(org.lead)
    url = reverse("system:team-review", args=["line1"])
    bad = client.post(url, {"held_on": (today() + timedelta(days=2)).isoformat(),
                            "assessment": "ok", "focus_ideas": [item.pk]})
    assert bad.status_code == 400 and "future date" in bad.content.decode()
    none = client.post(url, {"held_on": today().isoformat(), "assessment": "ok"})
    assert none.status_code == 400 and "at least one focus area" in none.content.decode()
    response = client.post(url, {"held_on": today().isoformat(), "assessment": "Held up",
                                 "focus_ideas": [item.pk], "focus_issues": [issue.pk]})
    review = Review.objects.get()
    assert response.status_code == 302 and response.url == reverse("system:review",
                                                                   args=[review.pk])
    assert {(f.idea_id, f.systemic_issue_id) for f in review.focus_areas.all()} == {
        (item.pk, None), (None, issue.pk)}
    page = client.get(response.url).content.decode()
    assert "Bracket defects" in page and item.title in page


def test_private_focus_items_do_not_leak(org, client_as):
    secret = IdeaFactory(team=org.line1, reporter=org.member, is_private=True,
                         title="Secret title")
    review = Review.objects.create(team=org.line1, held_on=today(), period_start=today(),
                                   assessment="a", held_by=org.lead)
    ReviewFocus.objects.create(review=review, idea=secret)
    page = client_as(org.other).get(reverse("system:review", args=[review.pk])).content.decode()
    assert "Secret title" not in page and "A private item" in page
    assert "Secret title" in client_as(org.lead).get(
        reverse("system:review", args=[review.pk])).content.decode()


def test_priority_page_shows_criteria_resources_and_changes(org, strat, client_as):
    Priority.objects.filter(pk=strat.priority.pk).update(
        success_criteria="Scrap at 2.5% for a quarter", allocated_hours=Decimal("40"),
        allocated_budget=Decimal("1000"))
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="done",
                       required_spend=Decimal("250"))
    link(strat.priority, idea)
    from ideas.models import TimeEntry
    TimeEntry.objects.create(user=org.member, idea=idea, team=org.line1, date=today(),
                             hours=Decimal("5"))
    StrategyChange.objects.create(subject="priority", action="changed", priority=strat.priority,
                                  fields=["title"], outside_window=True, cause="Audit moved",
                                  actor=org.executive, at=timezone.now())
    page = client_as(org.member).get(reverse("strategy:priority", args=[strat.priority.pk]))
    html = page.content.decode()
    assert "Scrap at 2.5% for a quarter" in html
    assert 'data-testid="hours-used">5<' in html and 'data-testid="hours-allocated">40<' in html
    assert 'data-testid="budget-used">250<' in html
    assert "Audit moved" in html


def test_priority_edit_outside_a_window_asks_for_a_cause(org, strat, client_as):
    PlanningWindow.objects.create(name="Q", start=today() - timedelta(days=60),
                                  end=today() - timedelta(days=50))
    client = client_as(org.executive)
    url = reverse("strategy:priority-edit", args=[strat.priority.pk])
    data = {"goal": strat.goal.pk, "title": "Renamed", "why_now": "w",
            "owner_team": org.plant.pk, "start": strat.priority.start.isoformat(),
            "end": strat.priority.end.isoformat()}
    response = client.post(url, data)
    assert response.status_code == 400 and "record the cause" in response.content.decode()
    assert Priority.objects.get(pk=strat.priority.pk).title == "Cut scrap"
    response = client.post(url, {**data, "cause": "Customer audit"})
    assert response.status_code == 302
    assert StrategyChange.objects.get().cause == "Customer audit"


def test_idea_page_evidence_panel_and_experiment_forms(org, strat, reading, client_as):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="in_progress")
    link(strat.priority, idea)
    client = client_as(org.lead)
    add = reverse("system:experiment-add", args=[idea.pk])
    client.post(add, {"hypothesis": "We believe…", "signal": "scrap",
                      "start": today().isoformat(),
                      "end": (today() - timedelta(days=1)).isoformat()})
    assert not Experiment.objects.exists()
    client.post(add, {"hypothesis": "We believe pins matter", "signal": "scrap",
                      "start": today().isoformat(), "kpi": strat.kpi.pk})
    exp = Experiment.objects.get()
    decide = reverse("system:experiment-decide", args=[exp.pk])
    response = client.post(decide, {"decision": "adopt"}, follow=True)
    assert "Record the evidence first" in response.content.decode()
    client.post(reverse("system:experiment-evidence", args=[exp.pk]),
                {"evidence": "Scrap 4.0 → 3.1"})
    client.post(decide, {"decision": "adopt"})
    exp.refresh_from_db()
    assert exp.decision == "adopt"
    reading("4.0", today() - timedelta(days=20))
    reading("3.1", today())
    html = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert 'data-testid="evidence-panel"' in html and "We believe pins matter" in html
    assert 'data-testid="movement"' in html and "better" in html
    # someone who may not edit the item sees the evidence but no forms
    other = client_as(org.other).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "We believe pins matter" in other and "Add an experiment" not in other
    assert client_as(org.other).post(decide, {"decision": "abandon", "learning": "x"}
                                     ).status_code == 403


def test_learning_library_shows_decided_experiments(org, client_as):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="done", learning="x")
    Experiment.objects.create(idea=idea, hypothesis="Second inspection", signal="s",
                              start=today(), evidence="no change", decision="abandon",
                              learning="The cause is at the supplier",
                              decided_at=timezone.now())
    html = client_as(org.member).get(reverse("ideas:learning")).content.decode()
    assert "The cause is at the supplier" in html and "learning, not failure" in html


def test_admin_priority_change_outside_a_window_asks_for_a_cause(org, strat, client_as):
    PlanningWindow.objects.create(name="Q", start=today() - timedelta(days=60),
                                  end=today() - timedelta(days=50))
    client = client_as(org.admin)
    url = reverse("admin:strategy_priority_change", args=[strat.priority.pk])
    data = {"goal": strat.goal.pk, "title": "Renamed in admin", "why_now": "w",
            "owner_team": org.plant.pk, "start": strat.priority.start.isoformat(),
            "end": strat.priority.end.isoformat(), "success_criteria": "",
            "allocated_hours": "", "allocated_budget": ""}
    response = client.post(url, data)
    assert response.status_code == 200 and "record the cause" in response.content.decode()
    assert Priority.objects.get(pk=strat.priority.pk).title == "Cut scrap"
    response = client.post(url, {**data, "cause": "Board decision"})
    assert response.status_code == 302
    assert StrategyChange.objects.get().cause == "Board decision"
    assert client.get(reverse("admin:strategy_planningwindow_changelist")).status_code == 200
    assert client.get(reverse("admin:strategy_review_changelist")).status_code == 200


def test_bad_standard_edits_answer_400_with_the_form_and_change_nothing(org, coe, standard,
                                                                        client_as):
    client = client_as(coe)
    bad_edit = client.post(f"/standards/{standard.pk}/edit/", {"title": "", "review_date": "x"})
    assert bad_edit.status_code == 400
    assert b"This field is required." in bad_edit.content
    bad_revise = client.post(f"/standards/{standard.pk}/revise/", {"body": "", "change_note": ""})
    assert bad_revise.status_code == 400
    standard.refresh_from_db()
    assert standard.title == "Safety walk" and standard.versions.count() == 1
