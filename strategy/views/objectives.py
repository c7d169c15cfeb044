"""The executives' forms for breakthrough objectives and annual goals."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.params import parse_id

from .. import services
from ..forms import GoalForm, ObjectiveForm
from ..models import AnnualGoal, Objective
from ..pages import form_view, require_manager


@require_http_methods(["GET", "POST"])
def objective_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)

    def save(data):
        objective = services.objective_create(actor=request.user, **data)
        return (f"Objective “{objective.title}” added. Give it an annual goal next.",
                reverse("strategy:goal-new") + f"?objective={objective.pk}")

    return form_view(request, ObjectiveForm(request.POST or None), save,
                     title="New breakthrough objective", submit="Add objective",
                     cancel=reverse("strategy:index"))


@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    objective = get_object_or_404(Objective, pk=pk)
    form = ObjectiveForm(request.POST or None, initial={
        "title": objective.title, "description": objective.description,
        "horizon_year": objective.horizon_year})

    def save(data):
        services.objective_update(objective_id=objective.pk, actor=request.user, **data)
        return "Objective saved.", reverse("strategy:index") + f"#objective-{objective.pk}"

    return form_view(request, form, save, title=f"Edit “{objective.title}”", submit="Save",
                     cancel=reverse("strategy:index"))


@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
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


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    goal = get_object_or_404(AnnualGoal, pk=pk)
    form = GoalForm(request.POST or None, initial={
        "objective": goal.objective_id, "year": goal.year, "title": goal.title,
        "measure": goal.measure})

    def save(data):
        services.goal_update(goal_id=goal.pk, actor=request.user, **data)
        return "Annual goal saved.", reverse("strategy:index") + f"?year={data['year']}"

    return form_view(request, form, save, title=f"Edit “{goal.title}”", submit="Save",
                     cancel=reverse("strategy:index"))
