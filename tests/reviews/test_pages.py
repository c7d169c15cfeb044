"""Review pages: who may hold a review, a team holding one from the page, private focus items
do not leak, and constant queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment
from reviews.models import Review, ReviewFocus
from systemic.models import SystemicIssue, SystemicLink
from tests.factories import IdeaFactory
from tests.queries import count_queries
from tests.strategy.conftest import link, make_kpi

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _status(client, method, url, data=None):
    return (client.post(url, data or {}) if method == "post" else client.get(url)).status_code


def test_permission_matrix(org, coe, client_as):
    """roles × pages → status (GET reads are open to everyone logged in; writes are not)."""
    review_url = reverse("reviews:team", args=["line1"])
    post_review = {"held_on": today().isoformat(), "assessment": "ok", "focus_note": "x"}
    rows = [
        ("get", reverse("reviews:index"), None,
         {"member": 200, "lead": 200, "executive": 200, "olga": 200, "admin": 200}),
        ("get", review_url, None,
         {"member": 200, "lead": 200, "executive": 200, "olga": 200, "admin": 200}),
        ("post", review_url, post_review,
         {"member": 403, "executive": 403, "olga": 403, "admin": 403, "lead": 302}),
    ]
    users = {"member": org.member, "lead": org.lead, "executive": org.executive,
             "olga": coe, "admin": org.admin}
    for method, url, data, expected in rows:
        for role, code in expected.items():
            got = _status(client_as(users[role]), method, url, data)
            assert got == code, (method, url, role, got)
    assert Review.objects.filter(team=org.line1).count() == 1


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




def test_review_page_runs_a_constant_number_of_queries(org, strat, reading, client_as):
    client = client_as(org.lead)
    url = reverse("reviews:team", args=["line1"])
    reading("4.0", today() - timedelta(days=60))
    _populate(org, strat, 3)
    small = count_queries(client, url)
    assert b"Lesson 2" in client.get(url).content
    _populate(org, strat, 40, offset=3)
    large = count_queries(client, url)
    assert b"Lesson 42" in client.get(url).content
    assert small == large


def test_review_detail_and_index_run_constant_queries(org, strat, client_as):
    client = client_as(org.lead)
    _populate(org, strat, 3)
    review = Review.objects.order_by("pk").first()
    detail = reverse("reviews:detail", args=[review.pk])
    small_d = count_queries(client, detail)
    small_i = count_queries(client, reverse("reviews:index"))
    _populate(org, strat, 30, offset=3)
    large_d = count_queries(client, detail)
    large_i = count_queries(client, reverse("reviews:index"))
    assert (small_d, small_i) == (large_d, large_i)


def test_team_holds_a_review_from_the_page(org, client_as):
    issue = SystemicIssue.objects.create(title="Bracket defects", statement="s",
                                         owner_team=org.sup, created_by=org.supervisor)
    item = IdeaFactory(team=org.line1, reporter=org.member)
    client = client_as(org.lead)
    url = reverse("reviews:team", args=["line1"])
    bad = client.post(url, {"held_on": (today() + timedelta(days=2)).isoformat(),
                            "assessment": "ok", "focus_ideas": [item.pk]})
    assert bad.status_code == 400 and "future date" in bad.content.decode()
    none = client.post(url, {"held_on": today().isoformat(), "assessment": "ok"})
    assert none.status_code == 400 and "at least one focus area" in none.content.decode()
    response = client.post(url, {"held_on": today().isoformat(), "assessment": "Held up",
                                 "focus_ideas": [item.pk], "focus_issues": [issue.pk]})
    review = Review.objects.get()
    assert response.status_code == 302 and response.url == reverse("reviews:detail",
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
    page = client_as(org.other).get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "Secret title" not in page and "A private item" in page
    assert "Secret title" in client_as(org.lead).get(
        reverse("reviews:detail", args=[review.pk])).content.decode()
