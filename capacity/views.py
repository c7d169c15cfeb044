"""Improvement-time and capacity pages: quick time entry on the item page (a panel registered in
apps.py), protected time without an item (slack) on the team's capacity page, removing an
entry, and protected vs used capacity per team with its mix (/capacity/…)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.dates import last_weeks
from core.errors import DomainError
from core.forms import apply_error
from ideas.permissions import access_idea
from ideas.selectors import idea_detail, visible_idea_ids
from ideas.views import detail_context as idea_detail_context
from org.models import Team
from org.permissions import is_admin, is_executive
from org.selectors import user_team_ids

from . import selectors as sel
from . import services as svc
from .forms import CapacityForm, SlackEntryForm, TimeEntryForm
from .models import TeamCapacity, TimeEntry
from .permissions import (
    can_delete_time_entry,
    can_log_slack,
    can_log_time,
    can_set_capacity,
    can_view_entry,
    can_view_team_time,
)

# ---------------------------------------------------------------- improvement time


def time_panel(request, idea) -> dict | None:
    """The "Improvement time" panel on the item page (registered in apps.py)."""
    user = request.user
    form = getattr(request, "_time_form", None)
    may_log = can_log_time(user, idea)
    data = sel.idea_time(idea)
    for entry in data["entries"]:
        entry.may_delete = can_delete_time_entry(user, entry)
    return {"template": "capacity/_time_panel.html", "context": {
        "idea": idea, "time": data, "may_log": may_log,
        "form": form or (TimeEntryForm(user=user, idea=idea) if may_log else None)}}


@require_POST
def time_log(request: HttpRequest, pk: int) -> HttpResponse:
    idea = access_idea(request.user, pk)
    form = TimeEntryForm(request.POST, user=request.user, idea=idea)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = svc.time_entry_create(idea_id=idea.pk, actor=request.user,
                                          hours=data["hours"], day=data["date"],
                                          note=data["note"], team=data["team"])
        except DomainError as exc:
            apply_error(form, exc)
            status = exc.status_code
        else:
            if not request.htmx:
                messages.success(request, f"Logged {svc.hours_text(entry.hours)} h for {entry.team.name}.")
                return redirect(reverse("ideas:detail", args=[idea.pk]) + "#improvement-time")
            form, status = None, 200
    if request.htmx:
        panel = time_panel(_with_form(request, form), idea)
        context = {"panel": panel, "saved": status == 200}
        return render(request, "capacity/_time_panel.html", context, status=status)
    idea = idea_detail(request.user, pk)
    messages.error(request, "The time was not logged: see the improvement time panel.")
    return render(request, "ideas/detail.html",
                  idea_detail_context(_with_form(request, form), idea), status=status)


def _with_form(request, form):
    request._time_form = form
    return request


@require_POST
def time_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = TimeEntry.objects.filter(pk=entry_id).select_related("idea", "team").first()
    if entry is None or not can_view_entry(request.user, entry):
        raise Http404
    if entry.idea_id is None:
        return _slack_delete(request, entry)
    idea = access_idea(request.user, entry.idea_id)
    try:
        svc.time_entry_delete(entry_id=entry.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Time entry removed.")
    return redirect(reverse("ideas:detail", args=[idea.pk]) + "#improvement-time")


def _slack_delete(request: HttpRequest, entry: TimeEntry) -> HttpResponse:
    try:
        svc.time_entry_delete(entry_id=entry.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Time entry removed.")
    return redirect(reverse("capacity:team", args=[entry.team.slug]) + "#slack")


# ---------------------------------------------------------------- capacity

WEEKS_SHOWN = 8


@require_GET
def capacity_overview(request: HttpRequest) -> HttpResponse:
    """My teams' protected vs used improvement time; executives and admins also see every
    team and the picture by tier."""
    user = request.user
    everyone = is_admin(user) or is_executive(user)
    teams = Team.objects.filter(active=True).select_related("tier").order_by("-tier__level",
                                                                             "name")
    if not everyone:
        teams = teams.filter(pk__in=list(user_team_ids(user)))
    teams = list(teams)
    views = sel.capacity_by_week([t.pk for t in teams], 4)
    rows = [{"team": t, "view": views.get(t.pk)} for t in teams]
    by_tier = sel.capacity_by_tier(4) if everyone else None
    mix = sel.mix_rows(_tiers_mix(by_tier)) if by_tier else None
    context = {"rows": rows, "by_tier": by_tier, "mix": mix, "weeks": last_weeks(4)}
    return render(request, "capacity/overview.html", context)


def _team_for(user, slug: str) -> tuple[Team, bool]:
    """The team of a capacity page and whether the user sets its capacity; 404 for people
    outside its audience (its members, the teams above, executives, admins)."""
    team = get_object_or_404(Team.objects.select_related("tier"), slug=slug)
    may_set = can_set_capacity(user, team)
    if not (may_set or can_view_team_time(user, team)):
        raise Http404("No such team.")
    return team, may_set


def _tiers_mix(rows: list[dict]) -> dict:
    total: dict = {}
    for row in rows:
        for category, hours in row["mix"].items():
            total[category] = total.get(category, 0) + hours
    return total


@require_http_methods(["GET", "POST"])
def capacity_team(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    team, may_set = _team_for(user, slug)
    cap = TeamCapacity.objects.filter(team=team).first()
    form = CapacityForm(request.POST or None, initial={
        "unit": cap.unit if cap else "hours", "amount": cap.amount if cap else None,
        "member_hours_per_week": cap.member_hours_per_week if cap else "37.5"})
    status = 200
    if request.method == "POST":
        if not may_set:
            messages.error(request, "Only the team's leads set its protected capacity.")
            return redirect("capacity:team", slug=slug)
        if form.is_valid():
            data = form.cleaned_data
            try:
                svc.capacity_set(team=team, actor=user, unit=data["unit"],
                                 amount=data["amount"],
                                 member_hours_per_week=data["member_hours_per_week"])
            except DomainError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, "Protected capacity saved.")
                return redirect("capacity:team", slug=slug)
        status = 400
    return render(request, "capacity/team.html",
                  _team_context(request, team, may_set, form=form), status=status)


@require_POST
def slack_log(request: HttpRequest, slug: str) -> HttpResponse:
    """Protected time without an item (reflection, training …), logged for this team by one
    of its people; refusals come back as form errors on the team's capacity page."""
    team, may_set = _team_for(request.user, slug)
    if not can_log_slack(request.user, team):
        raise PermissionDenied("Only the team's own people log its improvement time.")
    slack_form = SlackEntryForm(request.POST)
    status = 400
    if slack_form.is_valid():
        d = slack_form.cleaned_data
        try:
            entry = svc.slack_entry_create(actor=request.user, category=d["category"],
                                           hours=d["hours"], day=d["date"], note=d["note"],
                                           team=team)
        except DomainError as exc:
            apply_error(slack_form, exc)
            status = exc.status_code
        else:
            messages.success(request, f"Logged {svc.hours_text(entry.hours)} h of "
                                      f"{entry.get_category_display().lower()} for {team.name}.")
            return redirect(reverse("capacity:team", args=[team.slug]) + "#slack")
    return render(request, "capacity/team.html",
                  _team_context(request, team, may_set, slack_form=slack_form), status=status)


def _team_context(request, team: Team, may_set: bool, *, form=None, slack_form=None) -> dict:
    user = request.user
    view = sel.capacity_by_week([team.pk], WEEKS_SHOWN)[team.pk]
    cap = view.capacity
    if form is None:
        form = CapacityForm(initial={
            "unit": cap.unit if cap else "hours", "amount": cap.amount if cap else None,
            "member_hours_per_week": cap.member_hours_per_week if cap else "37.5"})
    may_log_slack = can_log_slack(user, team)
    entries = (TimeEntry.objects.filter(team=team).select_related("user", "idea")
               .order_by("-date", "-id")[:30])
    visible_ids = visible_idea_ids(user, [e.idea_id for e in entries if e.idea_id])
    return {"team": team, "view": view, "form": form, "may_set": may_set,
            "entries": entries, "visible_ids": visible_ids,
            "mix": sel.mix_rows(view.mix), "may_log_slack": may_log_slack,
            "slack_form": slack_form or (SlackEntryForm() if may_log_slack else None),
            "max_protected": max([w.protected for w in view.weeks]
                                 + [w.used for w in view.weeks] + [1])}
