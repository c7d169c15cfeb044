"""The catchball of a deployment: a team's leads accept or counter, and cascade what they
accepted to their own teams; whoever proposed the hop revises or withdraws; both comment. The
priority page shows the deployments as a tree (``deployment_tree``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import DomainError, Forbidden
from org.models import Team
from org.permissions import is_lead

from .. import services
from ..forms import AnswerForm, CascadeForm, CommentForm, ReviseForm
from ..models import Deployment, Priority
from ..pages import next_url, run_action
from ..permissions import (
    can_answer_deployment,
    can_cascade_deployment,
    can_comment_deployment,
    can_revise_deployment,
)


def deployment_tree(priority: Priority, user, *, cascade_forms: dict | None = None
                    ) -> list[Deployment]:
    """The priority's deployments (prefetched) as a tree: the ones from the top, each with its
    cascades in ``kids``, and what ``user`` may do with each. A lead sees a cascade form under
    an accepted deployment to their team while child teams remain (one query for all)."""
    rows = list(priority.deployments.all())
    by_id = {d.pk: d for d in rows}
    deployed = {d.team_id for d in rows}
    for d in rows:
        d.kids = []
        if d.parent_id in by_id:
            d.parent = by_id[d.parent_id]  # the permission reads the parent's team
    roots = []
    for d in rows:
        (by_id[d.parent_id].kids if d.parent_id in by_id else roots).append(d)
    cascading = [d for d in rows if d.state == Deployment.State.ACCEPTED
                 and is_lead(user, d.team_id) and can_cascade_deployment(user, d)]
    targets: dict[int, list[int]] = {}
    for pk, parent_id in (Team.objects.filter(active=True,
                                              parent_id__in={d.team_id for d in cascading})
                          .exclude(pk__in=deployed).values_list("pk", "parent_id")):
        targets.setdefault(parent_id, []).append(pk)
    for d in rows:
        d.may_answer = can_answer_deployment(user, d) and d.state == Deployment.State.PROPOSED
        d.may_revise = can_revise_deployment(user, d)
        d.may_comment = can_comment_deployment(user, d)
        d.cascade_form = None
        if d in cascading and targets.get(d.team_id):
            d.cascade_form = (cascade_forms or {}).get(d.pk) or CascadeForm(
                deployment=d, teams=Team.objects.filter(pk__in=targets[d.team_id])
                .select_related("tier").order_by("name"))

    def depth(nodes, level):
        for node in nodes:
            node.depth = level
            depth(node.kids, level + 1)
    depth(roots, 0)
    return roots


def _deployment(pk: int) -> Deployment:
    return get_object_or_404(Deployment.objects.select_related("priority", "team", "parent"),
                             pk=pk)


def _back_to_priority(deployment: Deployment) -> str:
    return reverse("strategy:priority", args=[deployment.priority_id]) + \
        f"#deployment-{deployment.pk}"


@require_POST
def deployment_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A team lead accepts or counters (with a comment) a deployment to their team. From My
    work with htmx, the card is swapped for the answer (or shown again with the refusal)."""
    deployment = _deployment(pk)
    if not can_answer_deployment(request.user, deployment):
        raise PermissionDenied(f"Only the leads of {deployment.team.name} can answer a "
                               f"deployment to that team.")
    back = next_url(request, _back_to_priority(deployment))
    form = AnswerForm(request.POST)
    error, success = None, None
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
    else:
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["decision"] == "accept":
                services.deployment_accept(deployment_id=pk, actor=request.user,
                                           comment=comment)
                success = f"Accepted “{deployment.priority.title}” for {deployment.team.name}."
            else:
                services.deployment_counter(deployment_id=pk, actor=request.user,
                                            comment=comment)
                success = (f"Countered “{deployment.priority.title}”; the executive team sees "
                           f"your comment.")
        except Forbidden as exc:
            raise PermissionDenied(exc.message)
        except DomainError as exc:
            error = exc.message
    if request.htmx:
        deployment.refresh_from_db()
        if error:
            return render(request, "strategy/panels/home_answer.html#card", {
                "d": deployment, "error": error, "comment": request.POST.get("comment", ""),
                "next": back})
        return render(request, "strategy/panels/home_answer.html#answered",
                      {"d": deployment, "message": success})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect(back)


@require_POST
def deployment_revise(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = _deployment(pk)
    if not can_revise_deployment(request.user, deployment):
        raise PermissionDenied("Only whoever proposed this deployment revises it.")
    form = ReviseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
    else:
        ask = form.cleaned_data["ask"] if "ask" in request.POST else None
        run_action(request, lambda: services.deployment_revise(
            deployment_id=pk, actor=request.user, comment=form.cleaned_data["comment"], ask=ask),
            f"Proposed again to {deployment.team.name}.")
    return redirect(next_url(request, _back_to_priority(deployment)))


@require_POST
def deployment_comment(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = _deployment(pk)
    if not can_comment_deployment(request.user, deployment):
        raise PermissionDenied("Only executives and the team's leads take part in this "
                               "catchball.")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["text"][0])
    else:
        run_action(request, lambda: services.deployment_comment(
            deployment_id=pk, actor=request.user, text=form.cleaned_data["text"]))
    return redirect(next_url(request, _back_to_priority(deployment)))


@require_POST
def deployment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = _deployment(pk)
    if not can_revise_deployment(request.user, deployment):
        raise PermissionDenied("Only whoever proposed this deployment withdraws it.")
    run_action(request, lambda: services.deployment_withdraw(deployment_id=pk, actor=request.user),
               f"Withdrew “{deployment.priority.title}” from {deployment.team.name}.")
    return redirect(reverse("strategy:priority", args=[deployment.priority_id]) +
                    "#deployments")
