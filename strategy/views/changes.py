"""/strategy/changes/: the planning windows (admins add them) and every change to priorities
and constraints, with the causes of those made outside a window."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from org.selectors import top_tier, user_led_team_ids

from .. import windows
from ..figures import churn_by_cycle
from ..forms import WindowForm
from ..pages import save_form
from ..permissions import can_manage_strategy, can_manage_windows


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
        windows.window_create(actor=request.user, **data)
        return "Planning window saved.", reverse("strategy:changes")

    saved = save_form(request, form, save) if form is not None else None
    if saved is not None:
        return saved
    today = timezone.localdate()
    return render(request, "strategy/changes.html", {
        "windows": list(windows.windows()), "changes": windows.recent_changes(limit=50),
        "current": windows.window_on(today), "needs_cause": windows.change_needs_cause(today),
        "stability": churn_by_cycle(cycles=4), "form": form, "today": today,
        "top": top_tier()}, status=400 if request.method == "POST" else 200)
