"""The demo data of experiments, reviews and standards, and of the executive layer: every
experiment decision, reviews on cadence and a missed one, the CoE with standards and a pending
proposal, planning windows and an outside-window change."""

import random

import pytest
from django.utils import timezone

from devtools.demo import experiments as experiments_demo
from devtools.demo import org as org_demo
from devtools.demo import reviews as reviews_demo
from devtools.demo import standards as standards_demo
from devtools.demo import strategy as demo
from experiments.models import Experiment
from reviews.models import Review, ReviewCadence
from reviews.selectors import missed_reviews
from standards.models import CentreOfExcellence, Standard, StandardProposal, StandardVersion
from strategy.models import PlanningWindow, StrategyChange
from strategy.windows import change_needs_cause

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Experiment, Review, ReviewCadence, Standard,
                                        StandardVersion, StandardProposal, PlanningWindow,
                                        StrategyChange, CentreOfExcellence)]


def _seed(context):
    """The strategy and the apps built on it, in seed_demo's order."""
    for module in (demo, experiments_demo, reviews_demo, standards_demo):
        module.seed(context)


def test_system_demo_covers_the_issue_and_is_idempotent():
    context = org_demo.seed()
    context.setdefault("rng", random.Random(1))
    from devtools.demo import ideas as ideas_demo

    ideas_demo.seed(context)
    _seed(context)
    decisions = set(Experiment.objects.values_list("decision", flat=True))
    assert decisions == {"", "adopt", "adapt", "abandon"}
    assert Experiment.objects.filter(decision="", evidence="").exists()
    assert not Experiment.objects.exclude(decision="").filter(evidence="").exists()
    assert CentreOfExcellence.objects.get().team.slug == "ci-coe"
    assert Standard.objects.count() >= 3
    assert StandardVersion.objects.filter(number=2).exists()
    assert StandardProposal.objects.filter(state="pending").count() == 1
    today = timezone.localdate()
    per = missed_reviews(start=today.replace(year=today.year - 1), end=today)
    line2 = context["teams"]["line-2-day"].pk
    assert per[line2]["missed"] == 1
    assert sum(v["missed"] for v in per.values()) == 1, {k: v for k, v in per.items() if v["missed"]}
    assert sum(v["held"] for v in per.values()) > 20
    assert change_needs_cause(today)
    outside = StrategyChange.objects.filter(outside_window=True)
    assert outside.count() == 1 and outside.get().cause
    before = _counts()
    _seed(context)
    assert _counts() == before
