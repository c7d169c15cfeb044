"""Improvement reviews: bad inputs, who holds a team's and a tier's review, the period a review
covers, what it looks at, missed reviews and who sets the cadence."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from experiments.models import Experiment
from reviews import services as svc
from reviews.models import Review, ReviewCadence
from systemic.models import SystemicIssue, SystemicLink
from tests.factories import IdeaFactory
from tests.strategy.conftest import link

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _review(actor, team=None, tier=None, **kw):
    data = dict(held_on=today(), assessment="The changeover fix held.",
                focus_notes=["Night-shift handover"])
    data.update(kw)
    return svc.review_create(actor=actor, team=team, tier=tier, **data)


def test_review_bad_inputs(org):
    with pytest.raises(DomainError) as exc:
        _review(org.lead, team=org.line1, held_on=today() + timedelta(days=1))
    assert exc.value.code == "future_date"
    with pytest.raises(Forbidden):
        _review(org.member, team=org.line1)
    with pytest.raises(Forbidden):
        _review(org.supervisor, team=org.line1)  # leads the team above, not this one
    with pytest.raises(Forbidden):
        _review(org.executive, team=org.line1)
    with pytest.raises(DomainError) as exc:
        _review(org.lead, team=org.line1, focus_notes=[])
    assert exc.value.field == "focus"
    private = IdeaFactory(team=org.line2, reporter=org.other, is_private=True)
    with pytest.raises(DomainError) as exc:
        _review(org.lead, team=org.line1, focus_ideas=[private.pk])
    assert exc.value.field == "focus_ideas"
    with pytest.raises(DomainError):
        _review(org.lead, team=org.line1, assessment=" ")
    assert not Review.objects.exists()
    _review(org.lead, team=org.line1)
    with pytest.raises(Conflict):
        _review(org.lead, team=org.line1)


def test_tier_review_is_held_by_leads_of_that_tier(org):
    review = _review(org.lead, tier=org.tiers[1])
    assert review.tier_id == org.tiers[1].pk and review.team_id is None
    with pytest.raises(Forbidden):
        _review(org.member, tier=org.tiers[1], held_on=today() - timedelta(days=1))
    with pytest.raises(Forbidden):
        _review(org.supervisor, tier=org.tiers[1], held_on=today() - timedelta(days=1))


def test_review_period_runs_from_the_last_review(org):
    ReviewCadence.objects.create(team=org.line1, every="weekly", since=today())
    first = _review(org.lead, team=org.line1, held_on=today() - timedelta(days=7))
    assert first.period_start == today() - timedelta(days=13)  # one cadence back
    second = _review(org.lead, team=org.line1)
    assert second.period_start == today() - timedelta(days=6)


def test_review_content_assembles_since_the_last_review(org, strat, reading):
    from reviews.selectors import review_content, team_scope

    last = today() - timedelta(days=7)
    Review.objects.create(team=org.line1, held_on=last, period_start=last - timedelta(days=6),
                          assessment="a", held_by=org.lead)
    old_stamp = timezone.now() - timedelta(days=9)
    new_stamp = timezone.now() - timedelta(days=2)
    old = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=old_stamp,
                      learning="Old lesson")
    new = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=new_stamp,
                      learning="New lesson")
    IdeaFactory(team=org.line2, reporter=org.other, status="done", done_at=new_stamp,
                learning="Another team's lesson")
    hidden = IdeaFactory(team=org.line1, reporter=org.lead, status="done", done_at=new_stamp,
                         learning="Private lesson", is_private=True)
    exp = Experiment.objects.create(idea=new, hypothesis="h", signal="s", start=last,
                                    evidence="e", decision="abandon", learning="Upstream",
                                    decided_at=new_stamp)
    link(strat.priority, new)
    issue = SystemicIssue.objects.create(title="Bracket defects", statement="s",
                                         owner_team=org.sup, created_by=org.supervisor)
    SystemicLink.objects.create(issue=issue, idea=new, linked_by=org.supervisor)
    reading("4.0", last - timedelta(days=30))
    reading("3.5", today() - timedelta(days=1))
    start = svc.review_period_start(team_id=org.line1.pk, held_on=today())
    assert start == last + timedelta(days=1)
    content = review_content(team_scope(org.line1), start=start, end=today(), user=org.lead)
    assert {i.pk for i in content["learning"]} == {new.pk, hidden.pk}
    assert old.pk not in {i.pk for i in content["done"]}
    assert [e.pk for e in content["learning_experiments"]] == [exp.pk]
    assert [e.pk for e in content["decided"]] == [exp.pk]
    assert [s.pk for s in content["recurring"]] == [issue.pk]
    assert content["recurring"][0].here == 1 and content["recurring"][0].recent == 1
    assert [k.pk for k in content["kpis"]] == [strat.kpi.pk]
    assert content["kpis"][0].at_start.value == Decimal("4.0")
    assert content["done_with_evidence"] == 1  # the decided experiment (and the KPI moved)
    # someone outside line1 does not see its private item in the review
    outsider = review_content(team_scope(org.line1), start=start, end=today(), user=org.other)
    assert hidden.pk not in {i.pk for i in outsider["done"]}


def test_missed_reviews_arithmetic(org):
    from reviews.selectors import missed_reviews, missed_tier_reviews

    monday = today() - timedelta(days=today().weekday()) - timedelta(days=28)
    ReviewCadence.objects.create(team=org.line1, every="weekly", since=monday)
    ReviewCadence.objects.create(team=org.line2, every="fortnightly", since=monday)
    ReviewCadence.objects.create(tier=org.tiers[1], every="monthly", since=monday)
    for week in (0, 2):  # weeks 1 and 3 of 4 are missed
        Review.objects.create(team=org.line1, held_on=monday + timedelta(days=7 * week + 3),
                              period_start=monday, assessment="a", held_by=org.lead)
    Review.objects.create(team=org.line2, held_on=monday + timedelta(days=20),
                          period_start=monday, assessment="a", held_by=org.lead)
    per = missed_reviews(start=monday, end=today())
    assert per[org.line1.pk]["expected"] == 4
    assert per[org.line1.pk]["held"] == 2 and per[org.line1.pk]["missed"] == 2
    assert per[org.line1.pk]["missed_slots"][0] == (monday + timedelta(days=7),
                                                    monday + timedelta(days=13))
    assert per[org.line2.pk]["expected"] == 2 and per[org.line2.pk]["missed"] == 1
    assert per[org.line1.pk]["next_due"] == monday + timedelta(days=17 + 7)
    assert 1 in missed_tier_reviews(start=monday, end=today())


def test_cadence_is_set_by_leads(org):
    with pytest.raises(Forbidden):
        svc.cadence_set(actor=org.member, team=org.line1, every="weekly")
    with pytest.raises(DomainError):
        svc.cadence_set(actor=org.lead, team=org.line1, every="daily")
    cadence = svc.cadence_set(actor=org.lead, team=org.line1, every="weekly")
    assert svc.cadence_set(actor=org.lead, team=org.line1, every="monthly").pk == cadence.pk
