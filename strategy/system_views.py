"""System-work pages: improvement reviews (/reviews/…), the standards library (/standards/…),
experiments on an item, and planning windows with the change history (/strategy/changes/).
Thin: forms validate, services change, selectors read."""

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError, Forbidden
from core.forms import apply_error
from ideas.permissions import access_idea
from org.models import Team, Tier
from org.selectors import top_tier, user_led_team_ids

from . import system_selectors as sel
from . import system_services as svc
from .models import Experiment, Review, ReviewCadence, Standard, StandardProposal
from .permissions import (
    can_edit_standards,
    can_hold_team_review,
    can_hold_tier_review,
    can_manage_strategy,
    can_manage_windows,
    can_set_cadence,
)
from .system_forms import (
    AcceptForm,
    CadenceForm,
    DecideForm,
    DeclineForm,
    EvidenceForm,
    ExperimentForm,
    ProposalForm,
    ReviewForm,
    ReviseForm,
    StandardCardForm,
    StandardCommentForm,
    StandardForm,
    WindowForm,
)
from .views import _form_view, _run, _save_form


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return "Check the form."


def _run_posted(request, form, action: Callable[[dict], object], success: str) -> None:
    """A plain POST action: runs ``action(cleaned_data)`` through ``_run`` when the form is
    valid, else shows the form's first error as a message."""
    if form.is_valid():
        _run(request, lambda: action(form.cleaned_data), success)
    else:
        messages.error(request, _first_error(form))


# ---------------------------------------------------------------- experiments


def _idea_anchor(idea_id: int) -> str:
    return reverse("ideas:detail", args=[idea_id]) + "#evidence"


@require_POST
def experiment_add(request: HttpRequest, pk: int) -> HttpResponse:
    idea = access_idea(request.user, pk)
    _run_posted(request, ExperimentForm(request.POST),
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
    _run_posted(request, EvidenceForm(request.POST),
                lambda data: svc.experiment_update(experiment_id=exp.pk, actor=request.user,
                                                   evidence=data["evidence"]),
                "Evidence recorded.")
    return redirect(_idea_anchor(exp.idea_id))


@require_POST
def experiment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    exp = _experiment(request, pk)
    _run_posted(request, DecideForm(request.POST),
                lambda data: svc.experiment_decide(
                    experiment_id=exp.pk, actor=request.user, decision=data["decision"],
                    evidence=data["evidence"] or None, learning=data["learning"]),
                "Experiment decided.")
    return redirect(_idea_anchor(exp.idea_id))


# ---------------------------------------------------------------- reviews


def review_index(request: HttpRequest) -> HttpResponse:
    """The teams I lead (cadence, last review, next due, missed), the tiers whose review I take
    part in, and the latest reviews across the organisation."""
    today = timezone.localdate()
    led_ids = user_led_team_ids(request.user)
    led = list(Team.objects.filter(pk__in=led_ids, active=True).select_related("tier")
               .order_by("-tier__level", "name"))
    missed = sel.missed_reviews(start=today - timedelta(days=182), end=today, team_ids=led_ids)
    for team in led:
        team.review = missed.get(team.pk)
    tiers = sorted({t.tier for t in led}, key=lambda t: -t.level)
    tier_missed = sel.missed_tier_reviews(start=today - timedelta(days=182), end=today)
    for tier in tiers:
        tier.review = tier_missed.get(tier.level)
    recent = list(sel.reviews_visible_to(request.user).order_by("-held_on", "-pk")[:20])
    all_missed = sel.missed_reviews(start=today - timedelta(days=91), end=today)
    names = dict(Team.objects.filter(pk__in=[k for k, v in all_missed.items() if v["missed"]])
                 .values_list("pk", "name"))
    overdue = sorted(({"team_id": k, "name": names[k], **v} for k, v in all_missed.items()
                      if v["missed"]), key=lambda r: (-r["missed"], r["name"]))
    return render(request, "strategy/reviews/index.html", {
        "led": led, "tiers": tiers, "recent": recent, "overdue": overdue, "today": today,
        "all_tiers": list(Tier.objects.order_by("-level"))})


def _scope_page(request, scope: sel.ReviewScope, *, may_hold: bool, may_cadence: bool,
                action: str, cadence_action: str) -> HttpResponse:
    today = timezone.localdate()
    start = svc.review_period_start(held_on=today, **scope.key)
    choices = sel.focus_choices(scope, user=request.user)
    form = None
    if may_hold:
        form = ReviewForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                review = svc.review_create(
                    actor=request.user, held_on=data["held_on"],
                    assessment=data["assessment"], notes=data["notes"],
                    focus_ideas=data["focus_ideas"], focus_issues=data["focus_issues"],
                    focus_notes=[data["focus_note"]] if data["focus_note"] else [],
                    team=scope.team, tier=scope.tier)
            except Forbidden as exc:
                raise PermissionDenied(exc.message)
            except DomainError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, "Review recorded. The focus areas lead the next "
                                          "cycle.")
                return redirect("system:review", pk=review.pk)
    elif request.method == "POST":
        raise PermissionDenied(f"Only the leads of {scope.name} hold its review.")
    cadence = ReviewCadence.objects.filter(**scope.key).first()
    context = {
        "scope": scope,
        "content": sel.review_content(scope, start=start, end=today, user=request.user),
        "last": sel.reviews_for(scope.key, user=request.user, limit=1),
        "reviews": sel.reviews_for(scope.key, user=request.user),
        "form": form,
        "cadence": cadence,
        "cadence_form": CadenceForm(initial={"every": cadence.every if cadence else "monthly"})
        if may_cadence else None,
        "action": action,
        "cadence_action": cadence_action,
        "today": today,
    }
    return render(request, "strategy/reviews/scope.html", context,
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def team_review(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("tier"), slug=slug)
    return _scope_page(request, sel.team_scope(team),
                       may_hold=can_hold_team_review(request.user, team.pk),
                       may_cadence=can_set_cadence(request.user, team.pk),
                       action=reverse("system:team-review", args=[slug]),
                       cadence_action=reverse("system:team-cadence", args=[slug]))


@require_http_methods(["GET", "POST"])
def tier_review(request: HttpRequest, level: int) -> HttpResponse:
    tier = get_object_or_404(Tier, level=level)
    may = can_hold_tier_review(request.user, tier)
    return _scope_page(request, sel.tier_scope(tier), may_hold=may, may_cadence=may,
                       action=reverse("system:tier-review", args=[level]),
                       cadence_action=reverse("system:tier-cadence", args=[level]))


def _set_cadence(request: HttpRequest, **scope) -> None:
    """Saves the cadence posted for ``scope`` (team= or tier=)."""
    _run_posted(request, CadenceForm(request.POST),
                lambda data: svc.cadence_set(actor=request.user, every=data["every"], **scope),
                "Review cadence saved.")


@require_POST
def team_cadence(request: HttpRequest, slug: str) -> HttpResponse:
    _set_cadence(request, team=get_object_or_404(Team, slug=slug))
    return redirect("system:team-review", slug=slug)


@require_POST
def tier_cadence(request: HttpRequest, level: int) -> HttpResponse:
    _set_cadence(request, tier=get_object_or_404(Tier, level=level))
    return redirect("system:tier-review", level=level)


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        review = sel.review_detail(pk, user=request.user)
    except Review.DoesNotExist:
        raise Http404("No such review.")
    scope = sel.team_scope(review.team) if review.team_id else sel.tier_scope(review.tier)
    return render(request, "strategy/reviews/detail.html", {
        "review": review, "scope": scope,
        "content": sel.review_content(scope, start=review.period_start, end=review.held_on,
                                      user=request.user)})


# ---------------------------------------------------------------- standards


def standards(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/standards/index.html", {
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
                reverse("system:standard", args=[standard.pk]))

    return _form_view(request, StandardForm(request.POST or None), save, title="New standard",
                      submit="Publish", cancel=reverse("system:standards"))


def standard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        standard = sel.standard_detail(pk, user=request.user)
    except Standard.DoesNotExist:
        raise Http404("No such standard.")
    versions = list(standard.versions.all())
    may_edit = can_edit_standards(request.user)
    current = versions[0] if versions else None
    return render(request, "strategy/standards/detail.html", {
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
    form = StandardCardForm(request.POST or None, initial={
        "title": standard.title, "summary": standard.summary,
        "review_date": standard.review_date})

    def save(data):
        svc.standard_update(standard_id=pk, actor=request.user, **data)
        return "Saved.", reverse("system:standard", args=[pk])

    return _form_view(request, form, save, title=f"Edit “{standard.title}”", submit="Save",
                      cancel=reverse("system:standard", args=[pk]))


@require_http_methods(["GET", "POST"])
def standard_revise(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coe(request)
    standard = get_object_or_404(Standard, pk=pk)
    current = standard.versions.order_by("-number").first()
    form = ReviseForm(request.POST or None, initial={"body": current.body if current else ""})

    def save(data):
        version = svc.standard_revise(standard_id=pk, actor=request.user, **data)
        return f"Version {version.number} published.", reverse("system:standard", args=[pk])

    return _form_view(request, form, save, title=f"New version of “{standard.title}”",
                      submit="Publish version", cancel=reverse("system:standard", args=[pk]))


@require_POST
def standard_comment(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Standard, pk=pk)
    _run_posted(request, StandardCommentForm(request.POST),
                lambda data: svc.standard_comment(standard_id=pk, actor=request.user,
                                                  text=data["text"]),
                "Comment added.")
    return redirect(reverse("system:standard", args=[pk]) + "#comments")


@require_POST
def standard_propose(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Standard, pk=pk)
    form = ProposalForm(request.POST)
    if form.is_valid():
        idea_id = form.cleaned_data["idea"]
        try:
            _run(request, lambda: svc.proposal_create(standard_id=pk, idea_id=idea_id,
                                                      actor=request.user,
                                                      text=form.cleaned_data["text"]),
                 "Proposal sent to the Centre of Excellence.")
        except Http404:
            messages.error(request, f"There is no item #{idea_id} that you can see.")
    else:
        messages.error(request, _first_error(form))
    return redirect(reverse("system:standard", args=[pk]) + "#proposals")


@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coe(request)
    proposal = get_object_or_404(StandardProposal, pk=pk)
    _run_posted(request, AcceptForm(request.POST),
                lambda data: svc.proposal_accept(proposal_id=pk, actor=request.user, **data),
                "Accepted: a new version is published.")
    return redirect(reverse("system:standard", args=[proposal.standard_id]) + "#proposals")


@require_POST
def proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coe(request)
    proposal = get_object_or_404(StandardProposal, pk=pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        _run(request, lambda: svc.proposal_decline(proposal_id=pk, actor=request.user,
                                                   reason=form.cleaned_data["reason"]),
             "Declined; the proposer is told why.")
    else:
        messages.error(request, "Give a reason for declining.")
    return redirect(reverse("system:standard", args=[proposal.standard_id]) + "#proposals")


# ---------------------------------------------------------------- planning windows and churn


@require_http_methods(["GET", "POST"])
def changes(request: HttpRequest) -> HttpResponse:
    """Planning windows (admins add them) and every change to priorities and constraints, with
    the causes of those made outside a window."""
    if not (can_manage_strategy(request.user) or user_led_team_ids(request.user)):
        raise PermissionDenied("Executives, team leads and admins see the change history.")
    form = WindowForm(request.POST or None) if can_manage_windows(request.user) else None
    if request.method == "POST" and form is None:
        raise PermissionDenied("Only administrators set planning windows.")

    def save(data):
        svc.window_create(actor=request.user, **data)
        return "Planning window saved.", reverse("strategy:changes")

    saved = _save_form(request, form, save) if form is not None else None
    if saved is not None:
        return saved
    today = timezone.localdate()
    return render(request, "strategy/changes.html", {
        "windows": list(sel.windows()), "changes": sel.recent_changes(limit=50),
        "current": svc.window_on(today), "needs_cause": svc.change_needs_cause(today),
        "stability": sel.churn_by_cycle(cycles=4), "form": form, "today": today,
        "top": top_tier()}, status=400 if request.method == "POST" else 200)
