"""Improvement time from a board card: the quick entry (hours, day, note) in the board's
dialog, answered with the board whose protected vs used strip shows the new hours."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from capacity import services as time_services
from capacity.permissions import can_log_time
from core.errors import DomainError
from core.forms import apply_error
from ideas.selectors import ideas_visible_to
from org.selectors import user_team_ids

from ..forms import QuickTimeForm
from ..selectors.board import BoardFilters, access_board
from .board import board_answer
from .common import board_url, dialog, with_filters


@require_http_methods(["GET", "POST"])
def time_log(request: HttpRequest, team_slug: str, idea_id: int) -> HttpResponse:
    """Quick improvement-time entry from a card.

    The ideas service decides what may be logged; its refusals come back as form errors.
    The time counts against this board's team when the person belongs to it (else the
    service picks their own team)."""
    team = access_board(request.user, slug=team_slug)
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
        except DomainError as refusal:
            apply_error(form, refusal)
            status = refusal.status_code
        else:
            day = "today" if entry.date == timezone.localdate() else f"{entry.date:%a %d %b}"
            return board_answer(
                request, team, filters,
                text=(f"Logged {time_services.hours_text(entry.hours)} h on “{idea.title}” "
                      f"{day} — counts for {entry.team.name}."))
    return _time_form(request, team, filters, idea, form, mine=mine, status=status)


def _time_form(request, team, filters, idea, form, *, mine: bool, status=200) -> HttpResponse:
    action = with_filters(reverse("huddles:time-log", args=[team.slug, idea.pk]), filters)
    context = {"team": team, "idea": idea, "form": form, "action": action, "counts_for":
               team if mine else None, "board_url": board_url(team, filters),
               "today": timezone.localdate()}
    return dialog(request, "huddles/time_log.html", context, status)
