"""The boards list, a team's board (page and polled fragment), card moves and the tier view.

htmx requests get the fragment they target (a ``{% partialdef %}`` of the page); everything
also works as plain pages and form posts.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError
from ideas import workflow
from ideas.models import Idea
from ideas.registry import board_panels
from org.models import Team
from org.permissions import is_executive
from org.selectors import team_ancestors, user_team_ids

from .. import services
from ..conditional import etag_matches, not_modified
from ..forms import MoveForm
from ..permissions import can_manage_board, can_view_tier
from ..selectors.board import BoardFilters, access_board, board_settings_of, build_board
from ..selectors.board_view import BoardView, board_version, board_view, board_view_now
from ..selectors.sqdc import letters_for, sqdc_for_day
from ..selectors.tier import COUNTED, tier_overview
from .common import board_url, dialog, fragment, notice, polled, with_filters
from .sessions import huddle_context
from .sqdc import letters_context


def board_context(request: HttpRequest, view: BoardView, note: dict | None = None) -> dict:
    """What the board page and its fragment render of ``view``: the board, and what the
    person looking may do there."""
    user, team, filters = request.user, view.team, view.filters
    return {
        "team": team,
        "board": view.board,
        "settings": view.settings,
        "filters": filters,
        "filter_query": urlencode(filters.as_query()),
        "owner_choices": [(str(m.user.pk), m.user.name) for m in view.members],
        "categories": Idea.Category.choices,
        "kinds": Idea.Kind.choices,
        "etag": view.etag,
        "notice": note,
        "move_url": with_filters(reverse("huddles:move", args=[team.slug]), filters),
        "discussed_url": (reverse("huddles:huddle-discussed", args=[team.slug, view.huddle.pk])
                          if view.huddle_open else ""),
        "can_manage": can_manage_board(user, team),
        "huddle_open": view.huddle_open,
        "has_children": view.has_children,
        "capacity": view.capacity,
        "capacity_url": _capacity_url(user, team),
        **huddle_context(team, user, view.huddle, view.members),
        **letters_context(team, user, view.today, view.letters),
    }


def _capacity_url(user, team: Team) -> str:
    """The team's capacity page, for the people it lets in."""
    if not (team.pk in user_team_ids(user) or can_manage_board(user, team)
            or is_executive(user)):
        return ""
    try:
        return reverse("capacity:team", args=[team.slug])
    except NoReverseMatch:
        return ""


def board_answer(request: HttpRequest, team: Team, filters: BoardFilters, *, text: str,
                 level: str = "success", status: int = 200) -> HttpResponse:
    """After a change from the board: htmx gets the board re-rendered with a notice, a plain
    form a message and the board page."""
    if not request.htmx:
        messages.add_message(
            request, messages.SUCCESS if level == "success" else messages.ERROR, text)
        return redirect(board_url(team, filters))
    view = board_view_now(team, viewer=request.user, surface="board", filters=filters)
    context = board_context(request, view, notice(text, level))
    return polled(fragment(render(request, "huddles/board.html#board", context, status=status)))


@require_GET
def boards(request: HttpRequest) -> HttpResponse:
    """Every active team's board, the user's own teams first, with today's letters."""
    teams = list(Team.objects.filter(active=True).select_related("tier", "board_settings")
                 .order_by("-tier__level", "name"))
    mine = user_team_ids(request.user)
    today = timezone.localdate()
    letters = sqdc_for_day([t.pk for t in teams], today)
    rows = [{"team": t, "mine": t.pk in mine,
             "letters": letters_for(board_settings_of(t), letters.get(t.pk, {}))} for t in teams]
    tiers: dict[int, dict] = {}
    for row in rows:
        tiers.setdefault(row["team"].tier.level, {"tier": row["team"].tier, "rows": []})[
            "rows"].append(row)
    return render(request, "huddles/boards.html", {
        "my_rows": [r for r in rows if r["mine"]],
        "tiers": list(tiers.values()),
        "today": today,
    })


@require_GET
def board(request: HttpRequest, team_slug: str) -> HttpResponse:
    """The team's board. The board fragment polls with If-None-Match: unchanged → 304."""
    team = access_board(request.user, slug=team_slug)
    filters = BoardFilters.from_query(request.GET)
    today = timezone.localdate()
    is_poll = bool(request.htmx and request.htmx.target == "board")
    etag = board_version(team, viewer=request.user, surface="board", today=today,
                         filters=filters)
    if is_poll and etag_matches(request, etag):
        return not_modified(etag)
    view = board_view(team, viewer=request.user, etag=etag, filters=filters, today=today)
    context = board_context(request, view)
    if is_poll:
        return polled(render(request, "huddles/board.html#board", context), etag)
    context["panels"] = [p for build in board_panels() if (p := build(request, team))]
    return render(request, "huddles/board.html", context)


@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, team_slug: str) -> HttpResponse:
    """Moves a card (drag and drop or the Move to… form) through the service, and answers with
    the board as it now is. A move the workflow wants a reason or a learning note for asks for
    it; a stale version answers 409 with the card back in its true place."""
    team = access_board(request.user, slug=team_slug)
    filters = BoardFilters.from_query(request.GET)
    if request.method == "GET":
        return redirect(board_url(team, filters))
    data = request.POST
    try:
        moved = services.board_move(
            team=team, idea_id=data.get("idea"), to=(data.get("to") or "").strip(),
            actor=request.user, version=data.get("version"), reason=data.get("reason", ""),
            learning=data.get("learning", ""))
    except services.NoteNeeded as needed:
        return _ask_for_note(request, team, filters, needed)
    except DomainError as refusal:
        return board_answer(request, team, filters, text=refusal.message, level="error",
                            status=refusal.status_code)
    return board_answer(request, team, filters,
                        text=f"Moved “{moved.title}” to {workflow.LABELS[moved.status]}.")


def _ask_for_note(request: HttpRequest, team: Team, filters: BoardFilters,
                  needed: services.NoteNeeded) -> HttpResponse:
    """The dialog asking for what the move needs: a question when the move came without the
    field, the refusal when the form came back without filling it."""
    idea, to = needed.idea, (request.POST.get("to") or "").strip()
    if needed.field in request.POST:
        form, status = MoveForm(request.POST), 400
        form.is_valid()
        form.add_error(None, needed.message)
    else:
        form, status = MoveForm(initial={"idea": idea.pk, "version": idea.version, "to": to}), 200
    return dialog(request, "huddles/move.html", {
        "team": team, "idea": idea, "to": to, "to_label": workflow.LABELS.get(to, to),
        "form": form, "need": workflow.Requirement(**{needed.field: True}),
        "filter_query": urlencode(filters.as_query()), "board_url": board_url(team, filters),
    }, status)


@require_GET
def tier(request: HttpRequest, team_slug: str) -> HttpResponse:
    """For the teams above: each child team's board in numbers, red letters today, and the
    items waiting on this team."""
    team = access_board(request.user, slug=team_slug)
    ancestors = list(team_ancestors(team))
    if not can_view_tier(request.user, team, [a.pk for a in ancestors]):
        raise PermissionDenied("The tier view is for this team and the teams above it.")
    today = timezone.localdate()
    rows = tier_overview(team, viewer=request.user, today=today)
    escalated = build_board(team, viewer=request.user, today=today).escalated
    return render(request, "huddles/tier.html", {
        "team": team, "ancestors": ancestors, "rows": rows, "today": today,
        "escalated": escalated,
        "totals": {key: sum(r["counts"][key] for r in rows) for key in COUNTED},
        "red_count": sum(len(r["reds"]) for r in rows),
    })
