"""Real Chromium: a team lead opens the team's improvement review, sees the learning captured
since the last review (and not the learning before it), picks a focus for the next cycle and
records the review; the record shows the focus and the assessment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from experiments.models import Experiment
from reviews.models import Review, ReviewCadence
from systemic.models import SystemicIssue
from tests.conftest import browser_login
from tests.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_team_holds_a_review_and_picks_a_focus(org, new_page):
    today = timezone.localdate()
    ReviewCadence.objects.create(team=org.line1, every="weekly", since=today - timedelta(days=30))
    last = today - timedelta(days=7)
    Review.objects.create(team=org.line1, held_on=last, period_start=last - timedelta(days=6),
                          assessment="First cycle", held_by=org.lead)
    IdeaFactory(team=org.line1, reporter=org.member, status="done",
                done_at=timezone.now() - timedelta(days=10), learning="Lesson before the last")
    fresh = IdeaFactory(team=org.line1, reporter=org.member, status="done",
                        done_at=timezone.now() - timedelta(days=2),
                        learning="Torque drift comes from the worn socket")
    Experiment.objects.create(idea=fresh, hypothesis="New socket", signal="rework",
                              start=last, evidence="Rework 9 → 2", decision="abandon",
                              learning="Calibrating weekly beats buying sockets",
                              decided_at=timezone.now() - timedelta(days=2))
    focus = IdeaFactory(team=org.line1, reporter=org.member, title="Night-shift handover gaps")
    issue = SystemicIssue.objects.create(title="Supplier bracket defects", statement="s",
                                         owner_team=org.sup, created_by=org.supervisor)

    page = new_page()
    browser_login(page, "lead")
    page.wait_for_url("**/")
    page.goto("/reviews/")
    page.get_by_role("link", name="Open review").click()
    page.wait_for_url("**/reviews/teams/line1/")
    learning = page.get_by_test_id("review-learning").inner_text()
    assert "Torque drift comes from the worn socket" in learning
    assert "Calibrating weekly beats buying sockets" in learning
    assert "Lesson before the last" not in learning
    assert last.strftime("%-d %b %Y") in page.get_by_test_id("review-period").inner_text()

    page.fill("#id_assessment", "The socket experiment gave a clear answer.")
    page.get_by_test_id("focus-ideas").get_by_label(f"#{focus.pk} Night-shift handover gaps"
                                                    ).check()
    page.get_by_test_id("focus-issues").get_by_label("Supplier bracket defects").check()
    page.get_by_role("button", name="Record review").click()
    page.wait_for_url("**/reviews/*/")
    focus_text = page.get_by_test_id("review-focus").inner_text()
    assert "Night-shift handover gaps" in focus_text and "Supplier bracket defects" in focus_text
    assert "clear answer" in page.get_by_test_id("review-assessment").inner_text()
    review = Review.objects.get(held_on=today)
    assert review.focus_areas.count() == 2 and review.period_start == last + timedelta(days=1)
    assert issue.pk in set(review.focus_areas.values_list("systemic_issue_id", flat=True))
