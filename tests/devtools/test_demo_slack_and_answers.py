"""The demo shows what the method rewards: slack logged as protected time (every category,
one team building capability) and the raising teams' verdicts on escalation answers (one
returned answer that didn't help, its deciders told); idempotent."""

import pytest
from django.db.models import Sum

from capacity.models import TimeEntry
from capacity.selectors import capacity_by_week
from devtools.demo import capacity as capacity_demo
from devtools.demo import escalation as escalation_demo
from devtools.demo import ideas as ideas_demo
from devtools.demo import org as org_demo
from escalation.models import AnswerFeedback
from org.models import Notification


@pytest.mark.django_db(transaction=True)
def test_demo_slack_and_answer_verdicts():
    context = org_demo.seed()
    for module in (ideas_demo, capacity_demo, escalation_demo):
        module.seed(context)
    slack = TimeEntry.objects.filter(idea__isnull=True)
    assert set(slack.values_list("category", flat=True)) == {
        v for v, _ in TimeEntry.slack_categories()}
    assert not slack.filter(team__slug=capacity_demo.SACRIFICING_TEAM).exists()
    per_day = TimeEntry.objects.values("user", "date").annotate(h=Sum("hours"))
    assert max(row["h"] for row in per_day) <= 24
    training = context["teams"][capacity_demo.TRAINING_TEAM]
    view = capacity_by_week([training.pk], 4)[training.pk]
    assert view.mix["training"] >= 4 * 3

    ratings = dict(AnswerFeedback.objects.values_list("escalation__idea__title", "rating"))
    assert set(ratings.values()) == {"helped", "partly", "not_helped"}
    assert ratings["Label printer jams on humid days"] == "not_helped"
    assert Notification.objects.filter(text__contains="didn't help").exists()

    counts = (TimeEntry.objects.count(), AnswerFeedback.objects.count(),
              Notification.objects.count())
    context = org_demo.seed()
    for module in (ideas_demo, capacity_demo, escalation_demo):
        module.seed(context)
    assert (TimeEntry.objects.count(), AnswerFeedback.objects.count(),
            Notification.objects.count()) == counts
