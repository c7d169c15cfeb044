"""A priority's page and the executives' forms for priorities: create, edit, close, reopen,
link items and deploy to teams."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import Forbidden
from core.forms import initial_from
from core.params import parse_id
from ideas.permissions import can_edit as can_edit_idea
from org.models import Team

from .. import selectors, services
from ..clarity import clarity_gaps
from ..figures import priority_resources
from ..forms import CascadeForm, CloseForm, DeployForm, LinkForm, PriorityForm, ReadingForm
from ..kpi import kpi_notes, kpi_warnings
from ..models import Deployment, Priority
from ..pages import executives_form, form_view, next_url, require_manager, run_action, save_form
from ..permissions import (
    access_priority,
    can_cascade_deployment,
    can_manage_links,
    can_manage_strategy,
    can_record_reading,
)
from .catchball import deployment_tree


def priority_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _priority_page(request, pk)


def _priority_page(request, pk: int, *, status: int = 200, **forms) -> HttpResponse:
    try:
        priority = selectors.priority_detail(pk)
    except Priority.DoesNotExist:
        raise Http404("No such priority.")
    return render(request, "strategy/priority.html",
                  _priority_context(request, priority, **forms), status=status)


def _priority_context(request, priority: Priority, **forms) -> dict:
    user = request.user
    manager = can_manage_strategy(user)
    link_manager = can_manage_links(user, priority)
    for kpi in priority.kpis.all():
        selectors.annotate_kpi(kpi, priority)
        kpi.may_record = can_record_reading(user, kpi)
        kpi.warnings = kpi_warnings(direction=kpi.direction, baseline=kpi.baseline,
                                    target=kpi.target)
        kpi.notes = kpi_notes(direction=kpi.direction, baseline=kpi.baseline, target=kpi.target)
        kpi.form = (forms.get("reading_form") if forms.get("reading_kpi") == kpi.pk
                    else ReadingForm(auto_id=f"id_kpi{kpi.pk}_%s")) if kpi.may_record else None
    deployments = deployment_tree(priority, user, cascade_forms=forms.get("cascade_forms"))
    ideas = list(selectors.linked_ideas(priority, user=user))
    for idea in ideas:
        idea.may_unlink = link_manager or can_edit_idea(user, idea)
    today = timezone.localdate()
    open_for_links = priority.is_open_for_linking(today)
    candidates = (selectors.link_candidates(priority, user=user, manager=link_manager)
                  if open_for_links else [])
    return {
        "priority": priority,
        "kpis": list(priority.kpis.all()),
        "deployments": deployments,
        "clarity_gaps": clarity_gaps(priority),
        "ideas": ideas,
        "figures": selectors.priority_figures([priority.pk], user=user)[priority.pk],
        "alignment": selectors.priority_alignment([priority], user=user)[priority.pk],
        "can_manage": manager,
        "open_for_links": open_for_links,
        "candidates": candidates,
        "link_form": forms.get("link_form") or LinkForm(),
        "deploy_form": (forms.get("deploy_form") or DeployForm(priority=priority, user=user))
        if manager and priority.status == Priority.Status.ACTIVE else None,
        "close_form": CloseForm() if manager else None,
        "history": list(priority.history.select_related("history_user")
                        .order_by("-history_date")[:8]) if manager else [],
        "changes": list(priority.changes.select_related("actor").order_by("-at", "-pk")[:10]),
        "resources": priority_resources([priority])[priority.pk],
        "today": today,
    }


@executives_form
def priority_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (goal_id := parse_id(request.GET.get("goal"))) is not None:
        initial["goal"] = goal_id

    def save(data):
        priority = services.priority_create(actor=request.user, **data)
        return (f"“{priority.title}” is set. Add a KPI and deploy it to the teams that will "
                f"carry it.", reverse("strategy:priority", args=[priority.pk]))

    return form_view(request, PriorityForm(request.POST or None, initial=initial), save,
                     title="New improvement priority", submit="Create priority",
                     cancel=reverse("strategy:index"))


@executives_form
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    priority = access_priority(request.user, pk)
    form = PriorityForm(request.POST or None, initial=initial_from(priority, PriorityForm))
    if not priority.owner_team.active:
        # Keep the current (now inactive) owner choosable: the service refuses only a change.
        form.fields["owner_team"].queryset = (
            Team.objects.filter(Q(active=True) | Q(pk=priority.owner_team_id))
            .select_related("tier").order_by("-tier__level", "name"))
    back = reverse("strategy:priority", args=[priority.pk])

    def save(data):
        services.priority_update(priority_id=priority.pk, actor=request.user, **data)
        return "Priority saved.", back

    return form_view(request, form, save, title=f"Edit “{priority.title}”", submit="Save",
                     cancel=back)


@require_POST
def priority_close(request: HttpRequest, pk: int) -> HttpResponse:
    priority = access_priority(request.user, pk)
    form = CloseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    run_action(request, lambda: services.priority_close(priority_id=priority.pk, actor=request.user,
                                                        note=note),
               "Priority closed. Its links stay; new items can no longer pick it.")
    return redirect("strategy:priority", pk=priority.pk)


@require_POST
def priority_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    priority = access_priority(request.user, pk)
    run_action(request, lambda: services.priority_reopen(priority_id=priority.pk, actor=request.user,
                                                         cause=request.POST.get("cause", "")),
               "Priority reopened.")
    return redirect("strategy:priority", pk=priority.pk)


@require_POST
def priority_link(request: HttpRequest, pk: int) -> HttpResponse:
    priority = access_priority(request.user, pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect(reverse("strategy:priority", args=[pk]) + "#ideas")
    idea_id = form.cleaned_data["idea"]
    try:
        run_action(request, lambda: services.priority_link_idea(
            priority_id=priority.pk, idea_id=idea_id, actor=request.user),
            f"Item #{idea_id} now serves “{priority.title}”.")
    except Http404:
        messages.error(request, f"There is no item #{idea_id} that you can see.")
    return redirect(reverse("strategy:priority", args=[pk]) + "#ideas")


@require_POST
def priority_unlink(request: HttpRequest, pk: int, idea_id: int) -> HttpResponse:
    priority = access_priority(request.user, pk)
    run_action(request, lambda: services.priority_unlink_idea(
        priority_id=priority.pk, idea_id=idea_id, actor=request.user),
        f"Item #{idea_id} no longer linked to “{priority.title}”.")
    return redirect(next_url(request, reverse("strategy:priority", args=[pk]) + "#ideas"))


@require_POST
def priority_deploy(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    priority = get_object_or_404(Priority, pk=pk)
    form = DeployForm(request.POST, priority=priority, user=request.user)

    def save(data):
        made = services.deployments_create(actor=request.user, priority=priority,
                                           teams=data["teams"], ask=data["ask"])
        names = ", ".join(d.team.name for d in made)
        return (f"Proposed to {names}. Their leads accept or counter it on their My work page, "
                f"then cascade it to their own teams.",
                reverse("strategy:priority", args=[pk]) + "#deployments")

    return save_form(request, form, save) or _priority_page(request, pk, status=400,
                                                           deploy_form=form)


@require_POST
def deployment_cascade(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's leads pass an accepted deployment on to their child teams with their own ask
    (a page of the priority's, where its form lives). A refusal shows the priority page again
    with the form's errors (400)."""
    deployment = get_object_or_404(Deployment.objects.select_related("team", "priority"), pk=pk)
    if not can_cascade_deployment(request.user, deployment):
        raise PermissionDenied(f"Only the leads of {deployment.team.name} can cascade a "
                               f"deployment to that team.")
    form = CascadeForm(request.POST, deployment=deployment)

    def save(data):
        try:
            made = services.deployment_cascade(deployment_id=pk, actor=request.user,
                                               teams=data["teams"], ask=data["ask"])
        except Forbidden as exc:
            raise PermissionDenied(exc.message)
        return (f"Cascaded to {', '.join(d.team.name for d in made)}. Their leads accept or "
                f"counter it on their My work page.",
                reverse("strategy:priority", args=[deployment.priority_id])
                + f"#deployment-{deployment.pk}")

    return save_form(request, form, save) or _priority_page(
        request, deployment.priority_id, status=400, cascade_forms={deployment.pk: form})
