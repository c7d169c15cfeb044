"""Constraints: what applies now, next and before (or to one team), and the executives'
forms."""

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from org.models import Team

from .. import selectors, services
from ..forms import ConstraintForm
from ..models import Constraint
from ..pages import edit_view, executives_form, form_view, run_action
from ..permissions import can_manage_strategy


def constraints(request: HttpRequest) -> HttpResponse:
    """Current, upcoming and ended constraints; ``?team=<slug>`` shows what applies to a team."""
    today = timezone.localdate()
    team = None
    slug = request.GET.get("team", "")
    if slug:
        team = Team.objects.filter(slug=slug).select_related("tier").first()
    if team is not None:
        current = list(selectors.constraints_for_team(team, on=today))
        upcoming, ended = [], []
    else:
        rows = list(selectors.constraints_listing().order_by("-start", "pk"))
        current = [c for c in rows if c.is_active_on(today)]
        upcoming = [c for c in rows if c.start > today]
        ended = [c for c in rows if c.end is not None and c.end < today][:50]
    return render(request, "strategy/constraints.html", {
        "current": current, "upcoming": upcoming, "ended": ended, "team": team,
        "teams": list(Team.objects.filter(active=True).select_related("tier")
                      .order_by("-tier__level", "name")),
        "can_manage": can_manage_strategy(request.user), "today": today,
    })


@executives_form
def constraint_create(request: HttpRequest) -> HttpResponse:
    def save(data):
        services.constraint_create(actor=request.user, **data)
        return ("Constraint set. Teams see it on their boards and when they log improvements.",
                reverse("strategy:constraints"))

    return form_view(request, ConstraintForm(request.POST or None), save,
                     title="New constraint", submit="Set constraint",
                     cancel=reverse("strategy:constraints"))


@executives_form
def constraint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    constraint = get_object_or_404(Constraint, pk=pk)
    listing = reverse("strategy:constraints")
    return edit_view(
        request, constraint, ConstraintForm,
        partial(services.constraint_update, constraint_id=constraint.pk, actor=request.user),
        saved="Constraint saved.", then=listing, title="Edit constraint", cancel=listing)


@require_POST
def constraint_lift(request: HttpRequest, pk: int) -> HttpResponse:
    constraint = get_object_or_404(Constraint, pk=pk)
    run_action(request, lambda: services.constraint_lift(constraint_id=constraint.pk,
                                                         actor=request.user,
                                                         cause=request.POST.get("cause", "")),
               "Constraint lifted: it ends today.")
    return redirect("strategy:constraints")
