"""Experiments on an item: add one, record its evidence, decide it. Plain POSTs from the item
page's evidence panel (experiments.hooks), which they return to."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from ideas.permissions import access_idea
from strategy.pages import run_posted

from . import services as svc
from .forms import DecideForm, EvidenceForm, ExperimentForm
from .models import Experiment


def _idea_anchor(idea_id: int) -> str:
    return reverse("ideas:detail", args=[idea_id]) + "#evidence"


@require_POST
def experiment_add(request: HttpRequest, pk: int) -> HttpResponse:
    idea = access_idea(request.user, pk)
    run_posted(request, ExperimentForm(request.POST),
               lambda data: svc.experiment_create(idea_id=idea.pk, actor=request.user, **data),
               "Experiment added. Record the evidence as it comes in.")
    return redirect(_idea_anchor(idea.pk))


def _experiment(request, pk: int) -> Experiment:
    exp = get_object_or_404(Experiment, pk=pk)
    access_idea(request.user, exp.idea_id)
    return exp


@require_POST
def experiment_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    exp = _experiment(request, pk)
    run_posted(request, EvidenceForm(request.POST),
               lambda data: svc.experiment_update(experiment_id=exp.pk, actor=request.user,
                                                  evidence=data["evidence"]),
               "Evidence recorded.")
    return redirect(_idea_anchor(exp.idea_id))


@require_POST
def experiment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    exp = _experiment(request, pk)
    run_posted(request, DecideForm(request.POST),
               lambda data: svc.experiment_decide(
                    experiment_id=exp.pk, actor=request.user, decision=data["decision"],
                    evidence=data["evidence"] or None, learning=data["learning"]),
               "Experiment decided.")
    return redirect(_idea_anchor(exp.idea_id))
