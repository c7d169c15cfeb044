"""The standards library's pages (/standards/…): the list, a standard with its versions,
proposals and comments, the CoE's forms (new, edit, new version, accept or decline a proposal),
and commenting or proposing a change from a done item. Thin: forms validate, services change,
selectors read."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from strategy.pages import edit_view, first_error, form_view, run_action, run_posted

from . import selectors as sel
from . import services as svc
from .forms import (
    AcceptForm,
    DeclineForm,
    ProposalForm,
    ReviseForm,
    StandardCardForm,
    StandardCommentForm,
    StandardForm,
)
from .models import Standard, StandardProposal
from .permissions import can_edit_standards


def standard_list(request: HttpRequest) -> HttpResponse:
    return render(request, "standards/index.html", {
        "standards": list(sel.standards_listing()),
        "may_edit": can_edit_standards(request.user),
        "pending": list(sel.proposals_pending()[:20]) if can_edit_standards(request.user)
        else [],
        "today": timezone.localdate()})


def _require_coe(request) -> None:
    if not can_edit_standards(request.user):
        raise PermissionDenied(svc.NOT_COE)


@require_http_methods(["GET", "POST"])
def standard_new(request: HttpRequest) -> HttpResponse:
    _require_coe(request)

    def save(data):
        standard = svc.standard_create(actor=request.user, **data)
        return (f"“{standard.title}” is in the library.",
                reverse("standards:detail", args=[standard.pk]))

    return form_view(request, StandardForm(request.POST or None), save, title="New standard",
                     submit="Publish", cancel=reverse("standards:index"))


def standard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        standard = sel.standard_detail(pk, user=request.user)
    except Standard.DoesNotExist:
        raise Http404("No such standard.")
    versions = list(standard.versions.all())
    may_edit = can_edit_standards(request.user)
    current = versions[0] if versions else None
    return render(request, "standards/detail.html", {
        "standard": standard, "current": current, "versions": versions,
        "proposals": list(standard.proposals.all()), "comments": list(standard.comments.all()),
        "may_edit": may_edit,
        "accept_form": AcceptForm(initial={"body": current.body if current else ""}),
        "decline_form": DeclineForm(), "proposal_form": ProposalForm(
            initial={"idea": request.GET.get("idea", "")}),
        "comment_form": StandardCommentForm(), "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
def standard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coe(request)
    standard = get_object_or_404(Standard, pk=pk)
    page = reverse("standards:detail", args=[pk])
    return edit_view(request, standard, StandardCardForm,
                     partial(svc.standard_update, standard_id=pk, actor=request.user),
                     saved="Saved.", then=page, title=f"Edit “{standard.title}”", cancel=page)


@require_http_methods(["GET", "POST"])
def standard_revise(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coe(request)
    standard = get_object_or_404(Standard, pk=pk)
    current = standard.versions.order_by("-number").first()
    form = ReviseForm(request.POST or None, initial={"body": current.body if current else ""})

    def save(data):
        version = svc.standard_revise(standard_id=pk, actor=request.user, **data)
        return f"Version {version.number} published.", reverse("standards:detail", args=[pk])

    return form_view(request, form, save, title=f"New version of “{standard.title}”",
                     submit="Publish version", cancel=reverse("standards:detail", args=[pk]))


@require_POST
def standard_comment(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Standard, pk=pk)
    run_posted(request, StandardCommentForm(request.POST),
               lambda data: svc.standard_comment(standard_id=pk, actor=request.user,
                                                 text=data["text"]),
               "Comment added.")
    return redirect(reverse("standards:detail", args=[pk]) + "#comments")


@require_POST
def standard_propose(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Standard, pk=pk)
    form = ProposalForm(request.POST)
    if form.is_valid():
        idea_id = form.cleaned_data["idea"]
        try:
            run_action(request, lambda: svc.proposal_create(standard_id=pk, idea_id=idea_id,
                                                            actor=request.user,
                                                            text=form.cleaned_data["text"]),
                       "Proposal sent to the Centre of Excellence.")
        except Http404:
            messages.error(request, f"There is no item #{idea_id} that you can see.")
    else:
        messages.error(request, first_error(form))
    return redirect(reverse("standards:detail", args=[pk]) + "#proposals")


@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coe(request)
    proposal = get_object_or_404(StandardProposal, pk=pk)
    run_posted(request, AcceptForm(request.POST),
               lambda data: svc.proposal_accept(proposal_id=pk, actor=request.user, **data),
               "Accepted: a new version is published.")
    return redirect(reverse("standards:detail", args=[proposal.standard_id]) + "#proposals")


@require_POST
def proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coe(request)
    proposal = get_object_or_404(StandardProposal, pk=pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        run_action(request, lambda: svc.proposal_decline(proposal_id=pk, actor=request.user,
                                                         reason=form.cleaned_data["reason"]),
                   "Declined; the proposer is told why.")
    else:
        messages.error(request, "Give a reason for declining.")
    return redirect(reverse("standards:detail", args=[proposal.standard_id]) + "#proposals")
