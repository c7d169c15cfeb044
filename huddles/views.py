"""Boards, the wall screen, SQDC letters, huddles and board settings (HTML and htmx fragments).

htmx requests get the fragment they target (a ``{% partialdef %}`` of the page); everything
also works as plain pages and form posts.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.params import local_url, parse_id
from ideas import system_services as time_services
from ideas import workflow
from ideas.models import Idea
from ideas.permissions import can_log_time, can_transition
from ideas.registry import board_panels
from ideas.selectors import ideas_visible_to
from org.models import Team, User
from org.permissions import is_admin, is_executive
from org.selectors import team_ancestors, user_team_ids

from . import services
from .forms import (
    BoardSettingsForm,
    DisplayLinkForm,
    HuddleNotesForm,
    MoveForm,
    QuickTimeForm,
    SqdcForm,
)
from .models import Huddle, SqdcDay
from .permissions import (
    can_edit_ended_huddle,
    can_manage_board,
    can_run_huddle,
    can_set_people_letter,
    can_set_sqdc,
    can_view_board,
    can_view_huddles,
    can_view_tier,
)
from .selectors import (
    BoardFilters,
    board_capacity,
    board_settings_of,
    board_state_for_link,
    board_state_for_team,
    board_team,
    build_board,
    discussed_ids,
    discussed_visible_to,
    display_links_of,
    huddle_today,
    huddles_held_vs_scheduled,
    huddles_of_team,
    letters_for,
    sqdc_for_day,
    sqdc_month,
    team_letters,
    team_members,
    tier_overview,
)

WALL_CARDS_PER_COLUMN = 6  # what fits a column of a 1080-line TV
FRAGMENT_HEADER = "X-Tierline-Fragment"  # huddles.js swaps 4xx answers that carry it


# --------------------------------------------------------------------------- helpers


def _team(request: HttpRequest, slug: str) -> Team:
    team = board_team(slug)
    if team is None or not can_view_board(request.user, team):
        raise Http404("No such board.")
    return team


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]
    return etag in tags


def _not_modified(etag: str) -> HttpResponse:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache, private"
    return response


def _fragment_headers(response: HttpResponse, etag: str | None = None) -> HttpResponse:
    if etag:
        response["ETag"] = etag
    response["Cache-Control"] = "no-cache, private"
    response["Vary"] = "HX-Request, HX-Target, Cookie"
    return response


def _with_filters(url: str, filters: BoardFilters | None) -> str:
    """``url`` carrying the board's filters, so the answer shows the board as it was."""
    query = filters.as_query() if filters else {}
    return f"{url}?{urlencode(query)}" if query else url


def _board_url(team: Team, filters: BoardFilters | None = None) -> str:
    return _with_filters(reverse("huddles:board", args=[team.slug]), filters)


def _board_etag(state, user, today: date, filters: BoardFilters) -> str:
    return state.etag(viewer=f"u{user.pk}", today=today,
                      extra="board?" + urlencode(filters.as_query()))


def _letters_context(team: Team, settings, user, today: date) -> dict:
    return {
        "letters": team_letters(team, settings, today),
        "can_set_today": can_set_sqdc(user, team, today, today),
        "today": today,
    }


def _huddle_context(team: Team, user, today: date, members=None) -> dict:
    huddle = huddle_today(team, today)
    members = members if members is not None else team_members(team)
    return {
        "huddle": huddle,
        "members": members,
        "attendee_ids": {u.pk for u in huddle.attendees.all()} if huddle else set(),
        "can_run_huddle": can_run_huddle(user, team),
        "huddle_time": team.tier.huddle_time,
    }


def _board_context(request: HttpRequest, team: Team, filters: BoardFilters, today: date,
                   etag: str, notice: dict | None = None) -> dict:
    user = request.user
    members = team_members(team)
    huddle_ctx = _huddle_context(team, user, today, members)
    huddle = huddle_ctx["huddle"]
    board = build_board(team, viewer=user, filters=filters, discussed_ids=discussed_ids(huddle),
                        today=today)
    return {
        "team": team,
        "board": board,
        "settings": board.settings,
        "filters": filters,
        "filter_query": urlencode(filters.as_query()),
        "owner_choices": [(str(m.user.pk), m.user.name) for m in members],
        "categories": Idea.Category.choices,
        "kinds": Idea.Kind.choices,
        "etag": etag,
        "notice": notice,
        "move_url": _with_filters(reverse("huddles:move", args=[team.slug]), filters),
        "discussed_url": (reverse("huddles:huddle-discussed", args=[team.slug, huddle.pk])
                          if huddle and huddle.is_open else ""),
        "can_manage": can_manage_board(user, team),
        "huddle_open": bool(huddle and huddle.is_open),
        "has_children": team.children.filter(active=True).exists(),
        "capacity": board_capacity(team, today),
        "capacity_url": _capacity_url(user, team),
        **huddle_ctx,
        **_letters_context(team, board.settings, user, today),
    }


def _capacity_url(user, team: Team) -> str:
    """The team's capacity page (ideas), for the people it lets in."""
    if not (team.pk in user_team_ids(user) or can_manage_board(user, team)
            or is_executive(user)):
        return ""
    try:
        return reverse("systemic:capacity", args=[team.slug])
    except NoReverseMatch:
        return ""


def _board_fragment(request, team, filters, *, notice=None, status=200) -> HttpResponse:
    today = timezone.localdate()
    state = board_state_for_team(team.slug, today=today)
    etag = _board_etag(state, request.user, today, filters)
    context = _board_context(request, team, filters, today, etag, notice)
    response = render(request, "huddles/board.html#board", context, status=status)
    response[FRAGMENT_HEADER] = "1"
    return _fragment_headers(response)


def _after_change(request, team, filters, *, text: str, level: str = "success",
                  status: int = 200) -> HttpResponse:
    """htmx: the re-rendered board with a notice; plain form: a message and the board page."""
    if request.htmx:
        return _board_fragment(request, team, filters, notice={"level": level, "text": text},
                               status=status)
    messages.add_message(request, messages.SUCCESS if level == "success" else messages.ERROR,
                         text)
    return redirect(_board_url(team, filters))


# --------------------------------------------------------------------------- boards


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
    team = _team(request, team_slug)
    filters = BoardFilters.from_query(request.GET)
    today = timezone.localdate()
    fragment = bool(request.htmx and request.htmx.target == "board")
    state = board_state_for_team(team.slug, today=today)
    etag = _board_etag(state, request.user, today, filters)
    if fragment and _etag_matches(request, etag):
        return _not_modified(etag)
    context = _board_context(request, team, filters, today, etag)
    if fragment:
        return _fragment_headers(render(request, "huddles/board.html#board", context), etag)
    context["panels"] = [p for build in board_panels() if (p := build(request, team))]
    return render(request, "huddles/board.html", context)


@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, team_slug: str) -> HttpResponse:
    """Moves a card (drag and drop or the Move to… form). A move the workflow wants a reason
    or a learning note for asks for it first; a stale version answers 409 with the card back
    in its true place."""
    team = _team(request, team_slug)
    filters = BoardFilters.from_query(request.GET)
    if request.method == "GET":
        return redirect(_board_url(team, filters))
    data = request.POST
    to = (data.get("to") or "").strip()
    idea = None
    if (idea_id := parse_id(data.get("idea"))) is not None:
        idea = ideas_visible_to(request.user).filter(pk=idea_id, team_id=team.pk).first()
    if idea is not None and to in workflow.allowed_targets(idea.status) \
            and str(idea.version) == str(data.get("version")) and can_transition(request.user, idea):
        need = workflow.requirement(idea.status, to)
        if (need.reason and not data.get("reason", "").strip()) or \
                (need.learning and not data.get("learning", "").strip()):
            return _move_form(request, team, filters, idea, to, MoveForm(initial={
                "idea": idea.pk, "version": idea.version, "to": to}))
    try:
        moved = services.board_move(
            team=team, idea_id=data.get("idea"), to=to, actor=request.user,
            version=data.get("version"), reason=data.get("reason", ""),
            learning=data.get("learning", ""))
    except DomainError as exc:
        if idea is not None and exc.field in ("reason", "learning"):
            form = MoveForm(data)
            form.is_valid()
            form.add_error(None, exc.message)
            return _move_form(request, team, filters, idea, to, form, status=400)
        return _after_change(request, team, filters, text=exc.message, level="error",
                             status=exc.status_code)
    return _after_change(request, team, filters,
                         text=f"Moved “{moved.title}” to {workflow.LABELS[moved.status]}.")


def _dialog(request, page: str, context: dict, status: int = 200) -> HttpResponse:
    """A form of the board's dialog: htmx gets its ``form`` partial swapped into the dialog,
    a plain request the whole page."""
    if not request.htmx:
        return render(request, page, context, status=status)
    response = render(request, f"{page}#form", context, status=status)
    response["HX-Retarget"] = "#dialog-body"
    response["HX-Reswap"] = "innerHTML"
    response[FRAGMENT_HEADER] = "1"
    return response


def _move_form(request, team, filters, idea, to, form, status=200) -> HttpResponse:
    need = workflow.requirement(idea.status, to)
    context = {"team": team, "idea": idea, "to": to, "to_label": workflow.LABELS.get(to, to),
               "form": form, "need": need, "filter_query": urlencode(filters.as_query()),
               "board_url": _board_url(team, filters)}
    return _dialog(request, "huddles/move.html", context, status)


@require_http_methods(["GET", "POST"])
def time_log(request: HttpRequest, team_slug: str, idea_id: int) -> HttpResponse:
    """Quick improvement-time entry from a card (hours, day, note), in the board's dialog.

    The ideas service decides what may be logged; its refusals come back as form errors.
    The time counts against this board's team when the person belongs to it (else the
    service picks their own team). Answered with the re-rendered board, whose protected vs
    used strip shows the new hours."""
    team = _team(request, team_slug)
    filters = BoardFilters.from_query(request.GET)
    idea = (ideas_visible_to(request.user)
            .filter(Q(team_id=team.pk) | Q(waiting_on_team_id=team.pk), pk=idea_id)
            .select_related("team").first())
    if idea is None:
        raise Http404("No such item on this board.")
    if not can_log_time(request.user, idea):
        raise PermissionDenied("Join a team before logging improvement time.")
    mine = team.pk in user_team_ids(request.user)
    if request.method == "GET":
        return _time_form(request, team, filters, idea, QuickTimeForm(), mine=mine)
    form = QuickTimeForm(request.POST)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        try:
            entry = time_services.time_entry_create(
                idea_id=idea.pk, actor=request.user, hours=d["hours"], day=d["date"],
                note=d["note"], team=team if mine else None)
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
            status = exc.status_code
        else:
            day = "today" if entry.date == timezone.localdate() else f"{entry.date:%a %d %b}"
            return _after_change(
                request, team, filters,
                text=(f"Logged {time_services.hours_text(entry.hours)} h on “{idea.title}” "
                      f"{day} — counts for {entry.team.name}."))
    return _time_form(request, team, filters, idea, form, mine=mine, status=status)


def _time_form(request, team, filters, idea, form, *, mine: bool, status=200) -> HttpResponse:
    action = _with_filters(reverse("huddles:time-log", args=[team.slug, idea.pk]), filters)
    context = {"team": team, "idea": idea, "form": form, "action": action, "counts_for":
               team if mine else None, "board_url": _board_url(team, filters),
               "today": timezone.localdate()}
    return _dialog(request, "huddles/time_log.html", context, status)


@require_GET
def tier(request: HttpRequest, team_slug: str) -> HttpResponse:
    """For the teams above: each child team's board in numbers, red letters today, and the
    items waiting on this team."""
    team = _team(request, team_slug)
    ancestors = list(team_ancestors(team))
    if not can_view_tier(request.user, team, [a.pk for a in ancestors]):
        raise PermissionDenied("The tier view is for this team and the teams above it.")
    today = timezone.localdate()
    rows = tier_overview(team, viewer=request.user, today=today)
    board = build_board(team, viewer=request.user, today=today)
    return render(request, "huddles/tier.html", {
        "team": team, "ancestors": ancestors, "rows": rows, "today": today,
        "escalated": board.escalated, "totals": {
            key: sum(r["counts"][key] for r in rows)
            for key in ("new", "in_progress", "waiting", "done", "aging")},
        "red_count": sum(len(r["reds"]) for r in rows),
    })


# --------------------------------------------------------------------------- wall screen


def _wall_refused(request, message: str, status: int = 403) -> HttpResponse:
    template = "huddles/wall_refused.html#fragment" if request.htmx else \
        "huddles/wall_refused.html"
    response = render(request, template, {"message": message}, status=status)
    response[FRAGMENT_HEADER] = "1"
    response["Cache-Control"] = "no-store"
    return response


def _wall_fast_not_modified(request, team_slug: str, today: date) -> HttpResponse | None:
    """An unchanged poll of a logged-in wall in two queries: the session, then one query for
    the board version and the user's password hash (to check the session like
    django.contrib.auth does, without loading the user)."""
    user_id = request.session.get(SESSION_KEY)
    if not user_id:
        return None
    state = board_state_for_team(team_slug, user_id=user_id, today=today)
    if state is None or not state.team_active or not state.user_password:
        return None
    expected = User(password=state.user_password).get_session_auth_hash()
    if not constant_time_compare(request.session.get(HASH_SESSION_KEY, ""), expected):
        return None
    etag = state.etag(viewer=f"u{user_id}", today=today, extra="wall")
    return _not_modified(etag) if _etag_matches(request, etag) else None


@login_not_required
@require_GET
def wall(request: HttpRequest, team_slug: str) -> HttpResponse:
    """The board for a TV: large type, no navigation, refreshes itself.

    Opened by a logged-in user, or by anyone holding a display link (``?key=…``) — which shows
    this one board read-only, private items masked. Polls carry If-None-Match; an unchanged
    board answers 304 in at most two queries without rendering anything."""
    today = timezone.localdate()
    poll = bool(request.htmx)
    key = request.GET.get("key")
    if key is not None:
        token_hash = services.display_key_hash(key)
        state = board_state_for_link(token_hash, today=today) if token_hash else None
        if state is None:
            return _wall_refused(request, "This display link is not valid.")
        if state.team_slug != team_slug:
            return _wall_refused(request, "This display link is for another team's board.")
        if not state.link_active or not state.team_active:
            return _wall_refused(request, "This display link was revoked or has expired. "
                                          "Ask the team's lead for a new one.")
        etag = state.etag(viewer=f"l{state.link_id}", today=today, extra="wall")
        if poll and _etag_matches(request, etag):
            return _not_modified(etag)
        services.display_link_seen(state.link_id)
        return _render_wall(request, board_team(team_slug), None, etag, today, key)

    if poll and request.headers.get("If-None-Match"):
        response = _wall_fast_not_modified(request, team_slug, today)
        if response is not None:
            return response
    if not request.user.is_authenticated:
        if poll:
            return _wall_refused(request, "Log in again to see this board.")
        return redirect_to_login(request.get_full_path())
    team = _team(request, team_slug)
    state = board_state_for_team(team.slug, today=today)
    etag = state.etag(viewer=f"u{request.user.pk}", today=today, extra="wall")
    if poll and _etag_matches(request, etag):
        return _not_modified(etag)
    return _render_wall(request, team, request.user, etag, today, None)


def _render_wall(request, team: Team, viewer, etag: str, today: date, key) -> HttpResponse:
    board = build_board(team, viewer=viewer, today=today)
    for column in board.all_columns:
        column.shown = column.cards[:WALL_CARDS_PER_COLUMN]
        column.hidden = len(column.cards) - len(column.shown)
    poll_url = request.path + (f"?{urlencode({'key': key})}" if key else "")
    context = {
        "team": team, "board": board, "settings": board.settings, "etag": etag,
        "today": today, "now": timezone.localtime(), "poll_url": poll_url,
        "display_link": key is not None,
        "letters": team_letters(team, board.settings, today),
        "huddle": huddle_today(team, today), "huddle_time": team.tier.huddle_time,
        "capacity": board_capacity(team, today),
    }
    template = "huddles/wall.html#wall-board" if request.htmx else "huddles/wall.html"
    response = render(request, template, context)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    if request.htmx:
        return _fragment_headers(response, etag)
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- settings and links


def _manageable(request, team_slug) -> Team:
    team = _team(request, team_slug)
    if not can_manage_board(request.user, team):
        raise PermissionDenied("Only the team's leads can change its board settings.")
    return team


def _settings_page(request, team, form, link_form, *, new_link=None, status=200):
    links = list(display_links_of(team))
    now = timezone.now()
    for link in links:
        link.state = link.state_at(now)
    return render(request, "huddles/settings.html", {
        "team": team, "form": form, "link_form": link_form, "links": links,
        "new_link": new_link,
    }, status=status)


@require_http_methods(["GET", "POST"])
def board_settings(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = _manageable(request, team_slug)
    current = board_settings_of(team)
    may_people = can_set_people_letter(request.user)
    form = BoardSettingsForm(request.POST or None, initial=model_to_dict(current),
                             can_set_people=may_people)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if not may_people:
            fields.pop("people_enabled", None)
        try:
            services.board_settings_update(team=team, actor=request.user, **fields)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Board settings saved.")
            return redirect("huddles:settings", team.slug)
    status = 400 if request.method == "POST" else 200
    return _settings_page(request, team, form, DisplayLinkForm(prefix="link"), status=status)


@require_POST
def display_link_create(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = _manageable(request, team_slug)
    link_form = DisplayLinkForm(request.POST, prefix="link")
    settings_form = BoardSettingsForm(initial=model_to_dict(board_settings_of(team)),
                                      can_set_people=can_set_people_letter(request.user))
    if link_form.is_valid():
        try:
            link, key = services.display_link_create(
                team=team, actor=request.user, label=link_form.cleaned_data["label"],
                expires_at=link_form.expires_at())
        except DomainError as exc:
            link_form.add_error(None, exc.message)
        else:
            url = request.build_absolute_uri(
                reverse("huddles:wall", args=[team.slug]) + "?" + urlencode({"key": key}))
            # The key is shown this once: only its hash is stored.
            response = _settings_page(request, team, settings_form,
                                      DisplayLinkForm(prefix="link"),
                                      new_link={"link": link, "url": url})
            response["Cache-Control"] = "no-store"
            return response
    return _settings_page(request, team, settings_form, link_form, status=400)


@require_POST
def display_link_revoke(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = _manageable(request, team_slug)
    if not display_links_of(team).filter(pk=pk).exists():
        raise Http404("No such display link.")
    link = services.display_link_revoke(link_id=pk, actor=request.user)
    messages.success(request, f"Display link “{link.label}” revoked: that screen is refused "
                              "at its next refresh.")
    return redirect("huddles:settings", team.slug)


# --------------------------------------------------------------------------- SQDC


def _letters_fragment(request, team, *, notice=None, status=200) -> HttpResponse:
    today = timezone.localdate()
    context = {"team": team, "notice": notice,
               **_letters_context(team, board_settings_of(team), request.user, today)}
    response = render(request, "huddles/board.html#sqdc", context, status=status)
    response["HX-Retarget"] = "#sqdc-letters"
    response["HX-Reswap"] = "outerHTML"
    response[FRAGMENT_HEADER] = "1"
    return response


def _parse_day(value, default: date) -> date | None:
    if not value:
        return default
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _sqdc_form_response(request, team, form, *, status=200) -> HttpResponse:
    context = {"team": team, "form": form,
               "next": _safe_next(request, reverse("huddles:board", args=[team.slug]))}
    return _dialog(request, "huddles/sqdc_edit.html", context, status)


def _safe_next(request, default: str) -> str:
    return local_url(request, request.POST.get("next") or request.GET.get("next")) or default


@require_POST
def sqdc_set(request: HttpRequest, team_slug: str) -> HttpResponse:
    """One click on a letter: green or amber at once; red asks for its note first."""
    team = _team(request, team_slug)
    today = timezone.localdate()
    day = _parse_day(request.POST.get("date"), today)
    category, status = request.POST.get("category", ""), request.POST.get("status", "")
    note = request.POST.get("note")
    if day is not None and status == SqdcDay.Status.RED and not (note or "").strip():
        existing = SqdcDay.objects.filter(team=team, date=day, category=category).first()
        if not (existing and existing.note):
            form = SqdcForm(initial={"date": day, "category": category, "status": status})
            return _sqdc_form_response(request, team, form)
    try:
        if day is None:
            raise DomainError("Give the date as YYYY-MM-DD.", field="date")
        row = services.sqdc_set(team=team, day=day, category=category, status=status,
                                note=note, actor=request.user, today=today)
    except DomainError as exc:
        if request.htmx:
            return _letters_fragment(request, team, notice={"level": "error",
                                                            "text": exc.message},
                                     status=exc.status_code)
        messages.error(request, exc.message)
        return redirect(_safe_next(request, reverse("huddles:board", args=[team.slug])))
    text = f"{row.get_category_display()} is {row.get_status_display().lower()} for today."
    if request.htmx:
        return _letters_fragment(request, team, notice={"level": "success", "text": text})
    messages.success(request, text)
    return redirect(_safe_next(request, reverse("huddles:board", args=[team.slug])))


@require_http_methods(["GET", "POST"])
def sqdc_edit(request: HttpRequest, team_slug: str) -> HttpResponse:
    """One letter of one day with its note: today's red letter, or a lead's correction."""
    team = _team(request, team_slug)
    today = timezone.localdate()
    if request.method == "GET":
        day = _parse_day(request.GET.get("date"), today) or today
        category = request.GET.get("category", "safety")
        row = SqdcDay.objects.filter(team=team, date=day, category=category).first()
        form = SqdcForm(initial={
            "date": day, "category": category,
            "status": request.GET.get("status") or (row.status if row else "green"),
            "note": row.note if row else ""})
        return _sqdc_form_response(request, team, form)
    form = SqdcForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.sqdc_set(team=team, day=d["date"], category=d["category"],
                              status=d["status"], note=d["note"], actor=request.user,
                              today=today)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            text = (f"{SqdcDay.Category(d['category']).label} on {d['date']:%d %b} is "
                    f"{SqdcDay.Status(d['status']).label.lower()}.")
            if request.htmx:
                response = _letters_fragment(request, team,
                                             notice={"level": "success", "text": text})
                response["HX-Trigger"] = "dialog-close"
                return response
            messages.success(request, text)
            return redirect(_safe_next(request, reverse("huddles:board", args=[team.slug])))
    return _sqdc_form_response(request, team, form, status=400)


@require_GET
def sqdc_month_view(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = _team(request, team_slug)
    today = timezone.localdate()
    year, month = today.year, today.month
    raw = request.GET.get("month", "")
    if raw:
        try:
            year, month = (int(x) for x in raw.split("-", 1))
            date(year, month, 1)
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            messages.error(request, "Give the month as YYYY-MM.")
            year, month = today.year, today.month
    settings = board_settings_of(team)
    first = date(year, month, 1)
    prev_month = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    next_month = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return render(request, "huddles/sqdc_month.html", {
        "team": team, "first": first, "today": today,
        "categories": sqdc_month(team, settings, year, month, today),
        "prev_month": prev_month, "next_month": next_month if next_month <= today else None,
        "can_correct": can_set_sqdc(request.user, team, today - timedelta(days=1),
                                    today),
        "can_set_today": can_set_sqdc(request.user, team, today, today),
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    })


# --------------------------------------------------------------------------- huddles


def _huddle_records_team(request, team_slug: str) -> Team:
    team = _team(request, team_slug)
    if not can_view_huddles(request.user, team, [a.pk for a in team_ancestors(team)]):
        raise PermissionDenied("Huddle records are for the team and the teams above it.")
    return team


def _huddle_of(request, team: Team, pk: int) -> Huddle:
    huddle = Huddle.objects.filter(team=team, pk=pk).first()
    if huddle is None:
        raise Http404("No such huddle.")
    return huddle


def _huddle_panel(request, team, *, notice=None, status=200) -> HttpResponse:
    today = timezone.localdate()
    context = {"team": team, "notice": notice, "today": today,
               **_huddle_context(team, request.user, today)}
    response = render(request, "huddles/board.html#huddle", context, status=status)
    response["HX-Retarget"] = "#huddle-panel"
    response["HX-Reswap"] = "outerHTML"
    response[FRAGMENT_HEADER] = "1"
    # The cards show "discussed" toggles only while a huddle runs.
    response["HX-Trigger"] = "board-changed"
    return response


def _huddle_done(request, team, *, text, level="success", status=200, huddle=None):
    if request.htmx and request.htmx.target == "huddle-panel":
        return _huddle_panel(request, team, notice={"level": level, "text": text},
                             status=status)
    messages.add_message(request, messages.SUCCESS if level == "success" else messages.ERROR,
                         text)
    if huddle is not None and request.POST.get("from") == "detail":
        return redirect("huddles:huddle", team.slug, huddle.pk)
    return redirect("huddles:board", team.slug)


@require_POST
def huddle_start(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = _team(request, team_slug)
    try:
        services.huddle_start(team=team, actor=request.user)
    except DomainError as exc:
        return _huddle_done(request, team, text=exc.message, level="error",
                            status=exc.status_code)
    return _huddle_done(request, team, text="Huddle started. Tick who is here.")


@require_POST
def huddle_end(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = _team(request, team_slug)
    huddle = _huddle_of(request, team, pk)
    notes, guests = request.POST.get("notes"), request.POST.get("guests")
    try:
        if guests is not None and huddle.is_open:
            services.huddle_update(huddle_id=huddle.pk, actor=request.user, guests=guests)
        huddle = services.huddle_end(huddle_id=huddle.pk, actor=request.user, notes=notes)
    except DomainError as exc:
        return _huddle_done(request, team, text=exc.message, level="error",
                            status=exc.status_code, huddle=huddle)
    return _huddle_done(request, team, huddle=huddle,
                        text=f"Huddle ended after {huddle.duration_minutes} min.")


@require_POST
def huddle_attendance(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = _team(request, team_slug)
    huddle = _huddle_of(request, team, pk)
    present = request.POST.get("present") in ("1", "true", "on", "yes")
    try:
        services.huddle_set_attendance(huddle_id=huddle.pk, actor=request.user,
                                       user_id=parse_id(request.POST.get("user")),
                                       present=present)
    except DomainError as exc:
        return _huddle_done(request, team, text=exc.message, level="error",
                            status=exc.status_code, huddle=huddle)
    if request.htmx:
        return HttpResponse(status=204)
    return _huddle_done(request, team, text="Attendance saved.", huddle=huddle)


@require_POST
def huddle_notes(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = _team(request, team_slug)
    huddle = _huddle_of(request, team, pk)
    form = HuddleNotesForm(request.POST)
    if not form.is_valid():
        return _huddle_done(request, team, text=" ".join(
            m for errs in form.errors.values() for m in errs), level="error", status=400,
            huddle=huddle)
    try:
        services.huddle_update(huddle_id=huddle.pk, actor=request.user,
                               notes=form.cleaned_data["notes"],
                               guests=form.cleaned_data["guests"])
    except DomainError as exc:
        return _huddle_done(request, team, text=exc.message, level="error",
                            status=exc.status_code, huddle=huddle)
    if request.htmx and request.htmx.target == "notes-status":
        return HttpResponse(f"Saved at {timezone.localtime():%H:%M}.")
    return _huddle_done(request, team, text="Notes saved.", huddle=huddle)


@require_POST
def huddle_discussed(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = _team(request, team_slug)
    huddle = _huddle_of(request, team, pk)
    discussed = request.POST.get("discussed") in ("1", "true", "on", "yes")
    idea_id = parse_id(request.POST.get("idea"))
    try:
        services.huddle_mark_discussed(huddle_id=huddle.pk, actor=request.user,
                                       idea_id=idea_id, discussed=discussed)
    except DomainError as exc:
        if request.htmx:
            return HttpResponse(exc.message, status=exc.status_code)
        messages.error(request, exc.message)
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
    huddle = (Huddle.objects.filter(team=team, pk=pk)
              .select_related("started_by", "ended_by").prefetch_related("attendees").first())
    if huddle is None:
        raise Http404("No such huddle.")
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
