"""A board's settings page: WIP limits, the done window, the wall refresh, the People letter,
and the team's display links (make one, revoke one)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.forms import apply_error
from org.models import Team

from .. import services
from ..forms import BoardSettingsForm, DisplayLinkForm
from ..links import display_link_url
from ..permissions import can_manage_board, can_set_people_letter
from ..selectors.board import access_board, board_settings_of
from ..selectors.display_links import display_links_of


def _manageable(request, team_slug) -> Team:
    team = access_board(request.user, slug=team_slug)
    if not can_manage_board(request.user, team):
        raise PermissionDenied("Only the team's leads can change its board settings.")
    return team


def _settings_form(request, team: Team, data=None) -> BoardSettingsForm:
    return BoardSettingsForm(data, initial=model_to_dict(board_settings_of(team)),
                             can_set_people=can_set_people_letter(request.user))


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
    form = _settings_form(request, team, request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if not can_set_people_letter(request.user):
            fields.pop("people_enabled", None)
        try:
            services.board_settings_update(team=team, actor=request.user, **fields)
        except DomainError as refusal:
            apply_error(form, refusal)
        else:
            messages.success(request, "Board settings saved.")
            return redirect("huddles:settings", team.slug)
    status = 400 if request.method == "POST" else 200
    return _settings_page(request, team, form, DisplayLinkForm(prefix="link"), status=status)


@require_POST
def display_link_create(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = _manageable(request, team_slug)
    link_form = DisplayLinkForm(request.POST, prefix="link")
    if link_form.is_valid():
        try:
            link, key = services.display_link_create(
                team=team, actor=request.user, label=link_form.cleaned_data["label"],
                expires_at=link_form.expires_at())
        except DomainError as refusal:
            link_form.add_error(None, refusal.message)
        else:
            # The key is shown this once: only its hash is stored.
            response = _settings_page(
                request, team, _settings_form(request, team), DisplayLinkForm(prefix="link"),
                new_link={"link": link, "url": display_link_url(request, team.slug, key)})
            response["Cache-Control"] = "no-store"
            return response
    return _settings_page(request, team, _settings_form(request, team), link_form, status=400)


@require_POST
def display_link_revoke(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = _manageable(request, team_slug)
    if not display_links_of(team).filter(pk=pk).exists():
        raise Http404("No such display link.")
    link = services.display_link_revoke(link_id=pk, actor=request.user)
    messages.success(request, f"Display link “{link.label}” revoked: that screen is refused "
                              "at its next refresh.")
    return redirect("huddles:settings", team.slug)
