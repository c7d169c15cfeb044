"""Experiments on the item page (the evidence panel and its forms) and in the learning library."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment
from tests.factories import IdeaFactory
from tests.strategy.conftest import link

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def test_idea_page_evidence_panel_and_experiment_forms(org, strat, reading, client_as):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="in_progress")
    link(strat.priority, idea)
    client = client_as(org.lead)
    add = reverse("experiments:add", args=[idea.pk])
    client.post(add, {"hypothesis": "We believe…", "signal": "scrap",
                      "start": today().isoformat(),
                      "end": (today() - timedelta(days=1)).isoformat()})
    assert not Experiment.objects.exists()
    client.post(add, {"hypothesis": "We believe pins matter", "signal": "scrap",
                      "start": today().isoformat(), "kpi": strat.kpi.pk})
    exp = Experiment.objects.get()
    decide = reverse("experiments:decide", args=[exp.pk])
    response = client.post(decide, {"decision": "adopt"}, follow=True)
    assert "Record the evidence first" in response.content.decode()
    client.post(reverse("experiments:evidence", args=[exp.pk]),
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
