"""Huddle sessions from the board: start, attendance, notes, items discussed, end; and the
team's huddle history and records."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.params import parse_id
from org.models import Membership, Team
from org.permissions import is_admin
from org.selectors import team_ancestors

from .. import services
from ..forms import HuddleNotesForm
from ..models import Huddle
from ..permissions import can_edit_ended_huddle, can_run_huddle, can_view_huddles
from ..selectors.board import access_board, team_members
from ..selectors.sessions import (
    discussed_visible_to,
    huddle_of_team,
    huddle_today,
    huddles_held_vs_scheduled,
    huddles_of_team,
)
from .common import fragment, notice

YES = ("1", "true", "on", "yes")


def huddle_context(team: Team, user, huddle: Huddle | None,
                   members: list[Membership]) -> dict:
    """The huddle panel of a board: today's huddle, who is here, who may run it."""
    return {
        "huddle": huddle,
        "members": members,
        "attendee_ids": {u.pk for u in huddle.attendees.all()} if huddle else set(),
        "can_run_huddle": can_run_huddle(user, team),
        "huddle_time": team.tier.huddle_time,
    }


def _huddle_records_team(request, team_slug: str) -> Team:
    team = access_board(request.user, slug=team_slug)
    if not can_view_huddles(request.user, team, [a.pk for a in team_ancestors(team)]):
        raise PermissionDenied("Huddle records are for the team and the teams above it.")
    return team


def _huddle_of(team: Team, pk: int, *, with_people: bool = False) -> Huddle:
    huddle = huddle_of_team(team, pk, with_people=with_people)
    if huddle is None:
        raise Http404("No such huddle.")
    return huddle


def _huddle_panel(request, team, *, note=None, status=200) -> HttpResponse:
    today = timezone.localdate()
    context = {"team": team, "notice": note, "today": today,
               **huddle_context(team, request.user, huddle_today(team, today),
                                team_members(team))}
    response = fragment(render(request, "huddles/board.html#huddle", context, status=status),
                        target="#huddle-panel")
    # The cards show "discussed" toggles only while a huddle runs.
    response["HX-Trigger"] = "board-changed"
    return response


def _huddle_done(request, team, *, text, level="success", status=200, huddle=None):
    if request.htmx and request.htmx.target == "huddle-panel":
        return _huddle_panel(request, team, note=notice(text, level), status=status)
    messages.add_message(request, messages.SUCCESS if level == "success" else messages.ERROR,
                         text)
    if huddle is not None and request.POST.get("from") == "detail":
        return redirect("huddles:huddle", team.slug, huddle.pk)
    return redirect("huddles:board", team.slug)


def _refused(request, team, refusal: DomainError, huddle=None) -> HttpResponse:
    return _huddle_done(request, team, text=refusal.message, level="error",
                        status=refusal.status_code, huddle=huddle)


@require_POST
def huddle_start(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = access_board(request.user, slug=team_slug)
    try:
        services.huddle_start(team=team, actor=request.user)
    except DomainError as refusal:
        return _refused(request, team, refusal)
    return _huddle_done(request, team, text="Huddle started. Tick who is here.")


@require_POST
def huddle_end(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = access_board(request.user, slug=team_slug)
    huddle = _huddle_of(team, pk)
    notes, guests = request.POST.get("notes"), request.POST.get("guests")
    try:
        if guests is not None and huddle.is_open:
            services.huddle_update(huddle_id=huddle.pk, actor=request.user, guests=guests)
        huddle = services.huddle_end(huddle_id=huddle.pk, actor=request.user, notes=notes)
    except DomainError as refusal:
        return _refused(request, team, refusal, huddle)
    return _huddle_done(request, team, huddle=huddle,
                        text=f"Huddle ended after {huddle.duration_minutes} min.")


@require_POST
def huddle_attendance(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = access_board(request.user, slug=team_slug)
    huddle = _huddle_of(team, pk)
    try:
        services.huddle_set_attendance(huddle_id=huddle.pk, actor=request.user,
                                       user_id=parse_id(request.POST.get("user")),
                                       present=request.POST.get("present") in YES)
    except DomainError as refusal:
        return _refused(request, team, refusal, huddle)
    if request.htmx:
        return HttpResponse(status=204)
    return _huddle_done(request, team, text="Attendance saved.", huddle=huddle)


@require_POST
def huddle_notes(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = access_board(request.user, slug=team_slug)
    huddle = _huddle_of(team, pk)
    form = HuddleNotesForm(request.POST)
    if not form.is_valid():
        return _huddle_done(request, team, text=" ".join(
            m for errs in form.errors.values() for m in errs), level="error", status=400,
            huddle=huddle)
    try:
        services.huddle_update(huddle_id=huddle.pk, actor=request.user,
                               notes=form.cleaned_data["notes"],
                               guests=form.cleaned_data["guests"])
    except DomainError as refusal:
        return _refused(request, team, refusal, huddle)
    if request.htmx and request.htmx.target == "notes-status":
        return HttpResponse(f"Saved at {timezone.localtime():%H:%M}.")
    return _huddle_done(request, team, text="Notes saved.", huddle=huddle)


@require_POST
def huddle_discussed(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = access_board(request.user, slug=team_slug)
    huddle = _huddle_of(team, pk)
    discussed = request.POST.get("discussed") in YES
    idea_id = parse_id(request.POST.get("idea"))
    try:
        services.huddle_mark_discussed(huddle_id=huddle.pk, actor=request.user,
                                       idea_id=idea_id, discussed=discussed)
    except DomainError as refusal:
        if request.htmx:
            return HttpResponse(refusal.message, status=refusal.status_code)
        messages.error(request, refusal.message)
        return redirect("huddles:board", team.slug)
    if request.htmx:
        return render(request, "huddles/_card.html#discussed", {
            "card": {"idea": {"pk": idea_id}, "discussed": discussed},
            "discussed_url": reverse("huddles:huddle-discussed", args=[team.slug, huddle.pk]),
        })
    return redirect("huddles:board", team.slug)


@require_GET
def huddle_history(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = _huddle_records_team(request, team_slug)
    page = Paginator(huddles_of_team(team), 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    start = today - timedelta(days=27)
    stats = huddles_held_vs_scheduled([team], start, today)[team.pk]
    return render(request, "huddles/huddle_history.html", {
        "team": team, "page": page, "stats": stats, "start": start, "today": today,
        "member_count": len(team_members(team)),
    })


@require_GET
def huddle_detail(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = _huddle_records_team(request, team_slug)
    huddle = _huddle_of(team, pk, with_people=True)
    members = team_members(team)
    attendee_ids = {u.pk for u in huddle.attendees.all()}
    may_edit = (can_run_huddle(request.user, team) if huddle.is_open
                else can_edit_ended_huddle(request.user, team))
    return render(request, "huddles/huddle_detail.html", {
        "team": team, "huddle": huddle, "members": members, "attendee_ids": attendee_ids,
        "outsiders": [u for u in huddle.attendees.all()
                      if u.pk not in {m.user_id for m in members}],
        "discussed": discussed_visible_to(request.user, [huddle])[huddle.pk],
        "may_edit": may_edit, "notes_form": HuddleNotesForm(initial={
            "notes": huddle.notes, "guests": huddle.guests}),
        "is_admin": is_admin(request.user),
    })
