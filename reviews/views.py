"""Improvement review pages (/reviews/…): the teams I lead and the tiers I review with (cadence,
last review, next due, missed), a team's or a tier's review page (what the review looks at, the
form to record it, its cadence) and a review held. Thin: forms validate, services change,
selectors read."""

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
from org.models import Team, Tier
from org.selectors import user_led_team_ids
from strategy.pages import run_posted

from . import selectors as sel
from . import services as svc
from .forms import CadenceForm, ReviewForm
from .models import Review, ReviewCadence
from .permissions import can_hold_team_review, can_hold_tier_review, can_set_cadence


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
    return render(request, "reviews/index.html", {
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
                return redirect("reviews:detail", pk=review.pk)
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
    return render(request, "reviews/scope.html", context,
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def team_review(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("tier"), slug=slug)
    return _scope_page(request, sel.team_scope(team),
                       may_hold=can_hold_team_review(request.user, team.pk),
                       may_cadence=can_set_cadence(request.user, team.pk),
                       action=reverse("reviews:team", args=[slug]),
                       cadence_action=reverse("reviews:team-cadence", args=[slug]))


@require_http_methods(["GET", "POST"])
def tier_review(request: HttpRequest, level: int) -> HttpResponse:
    tier = get_object_or_404(Tier, level=level)
    may = can_hold_tier_review(request.user, tier)
    return _scope_page(request, sel.tier_scope(tier), may_hold=may, may_cadence=may,
                       action=reverse("reviews:tier", args=[level]),
                       cadence_action=reverse("reviews:tier-cadence", args=[level]))


def _set_cadence(request: HttpRequest, **scope) -> None:
    """Saves the cadence posted for ``scope`` (team= or tier=)."""
    run_posted(request, CadenceForm(request.POST),
               lambda data: svc.cadence_set(actor=request.user, every=data["every"], **scope),
               "Review cadence saved.")


@require_POST
def team_cadence(request: HttpRequest, slug: str) -> HttpResponse:
    _set_cadence(request, team=get_object_or_404(Team, slug=slug))
    return redirect("reviews:team", slug=slug)


@require_POST
def tier_cadence(request: HttpRequest, level: int) -> HttpResponse:
    _set_cadence(request, tier=get_object_or_404(Tier, level=level))
    return redirect("reviews:tier", level=level)


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        review = sel.review_detail(pk, user=request.user)
    except Review.DoesNotExist:
        raise Http404("No such review.")
    scope = sel.team_scope(review.team) if review.team_id else sel.tier_scope(review.tier)
    return render(request, "reviews/detail.html", {
        "review": review, "scope": scope,
        "content": sel.review_content(scope, start=review.period_start, end=review.held_on,
                                      user=request.user)})
