"""The executives' forms for breakthrough objectives and annual goals."""

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from core.params import parse_id

from .. import services
from ..forms import GoalForm, ObjectiveForm
from ..models import AnnualGoal, Objective
from ..pages import edit_view, executives_form, form_view


@executives_form
def objective_create(request: HttpRequest) -> HttpResponse:
    def save(data):
        objective = services.objective_create(actor=request.user, **data)
        return (f"Objective “{objective.title}” added. Give it an annual goal next.",
                reverse("strategy:goal-new") + f"?objective={objective.pk}")

    return form_view(request, ObjectiveForm(request.POST or None), save,
                     title="New breakthrough objective", submit="Add objective",
                     cancel=reverse("strategy:index"))


@executives_form
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_object_or_404(Objective, pk=pk)
    return edit_view(
        request, objective, ObjectiveForm,
        partial(services.objective_update, objective_id=objective.pk, actor=request.user),
        saved="Objective saved.", then=reverse("strategy:index") + f"#objective-{objective.pk}",
        title=f"Edit “{objective.title}”", cancel=reverse("strategy:index"))


@executives_form
def goal_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (objective_id := parse_id(request.GET.get("objective"))) is not None:
        initial["objective"] = objective_id

    def save(data):
        goal = services.goal_create(actor=request.user, **data)
        return (f"Annual goal “{goal.title}” added.",
                reverse("strategy:index") + f"?year={goal.year}#goal-{goal.pk}")

    return form_view(request, GoalForm(request.POST or None, initial=initial), save,
                     title="New annual goal", submit="Add goal",
                     cancel=reverse("strategy:index"))


@executives_form
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(AnnualGoal, pk=pk)
    index = reverse("strategy:index")
    return edit_view(request, goal, GoalForm,
                     partial(services.goal_update, goal_id=goal.pk, actor=request.user),
                     saved="Annual goal saved.", then=lambda saved: f"{index}?year={saved.year}",
                     title=f"Edit “{goal.title}”", cancel=index)
