"""The demo of what the method rewards: structured learning notes, marks by other teams and
the CoE (their counters agree), a band target for the front line, and under-escalation to see
on the scorecard. Idempotent."""

import random
from datetime import timedelta

import pytest
from django.db.models import Count, F
from django.utils import timezone

from devtools.demo import ideas as ideas_demo
from devtools.demo import method as method_demo
from devtools.demo import org as org_demo
from devtools.demo import standards as standards_demo
from ideas.learning import structured_q
from ideas.models import Idea, LearningMark
from scorecards.compute import compute
from scorecards.models import Target

pytestmark = pytest.mark.django_db


def test_the_method_demo_shows_every_figure_and_is_idempotent():
    context = org_demo.seed()
    context.setdefault("rng", random.Random(1))
    ideas_demo.seed(context)
    standards_demo.seed(context)
    method_demo.seed(context)
    assert Idea.objects.filter(status="done").filter(structured_q()).count() > 10
    marks = LearningMark.objects.count()
    assert marks >= 20
    assert LearningMark.objects.filter(kind="useful", team__slug="ci-coe").exists()
    assert not LearningMark.objects.filter(team_id=F("idea__team_id")).exists()
    counted = Idea.objects.annotate(n=Count("learning_marks_set")).exclude(n=F("learning_marks"))
    assert not counted.exists()
    band = Target.objects.get(metric="solved_at_tier", tier__level=1)
    assert (band.green, band.upper) == (0.55, 0.85)
    band.full_clean()
    today = timezone.localdate()
    figures = compute(today - timedelta(days=29), today)[("org", 0)]
    assert figures["over_authority_unescalated"] > 0
    method_demo.seed(context)
    assert LearningMark.objects.count() == marks
