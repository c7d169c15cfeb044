"""Home (My work), the team hierarchy, notifications, profile, health and error pages."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .forms import ProfileForm
from .models import Notification, Team
from .notifications import notification_mark_read
from .permissions import is_executive
from .registry import home_panels
from .selectors import (
    notifications_for,
    team_ancestors,
    teams_with_people,
    unread_notification_count,
    user_team_ids,
)


def home(request: HttpRequest) -> HttpResponse:
    """My work: the user's teams in the hierarchy, their leads, and the panels later apps add."""
    teams = list(
        teams_with_people().filter(memberships__user=request.user, active=True).distinct()
    )
    panels = [panel for build in home_panels() if (panel := build(request))]
    return render(
        request,
        "org/home.html",
        {"teams": teams, "panels": panels, "is_executive": is_executive(request.user)},
    )


def teams(request: HttpRequest) -> HttpResponse:
    """The whole tier hierarchy as a tree, the user's own teams highlighted."""
    all_teams = list(teams_with_people().filter(active=True))
    by_parent: dict[int | None, list[Team]] = {}
    for team in all_teams:
        by_parent.setdefault(team.parent_id, []).append(team)
    mine = user_team_ids(request.user)

    def build(parent_id):
        return [
            {"team": t, "mine": t.pk in mine, "children": build(t.pk)}
            for t in sorted(by_parent.get(parent_id, []), key=lambda t: t.name)
        ]

    return render(request, "org/teams.html", {"tree": build(None), "count": len(all_teams)})


def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_object_or_404(teams_with_people(), slug=slug)
    return render(
        request,
        "org/team_detail.html",
        {
            "team": team,
            "ancestors": list(team_ancestors(team)),
            "children": list(team.children.filter(active=True).select_related("tier")),
        },
    )


def notifications(request: HttpRequest) -> HttpResponse:
    items = list(notifications_for(request.user)[:100])
    return render(request, "org/notifications.html", {"notifications": items})


@never_cache
@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    return render(
        request, "base.html#badge", {"unread_count": unread_notification_count(request.user)}
    )


@require_POST
def notification_read(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Marks one notification read (and follows its link), or all of them with no id."""
    changed = notification_mark_read(user=request.user, notification_id=pk)
    if pk is not None:
        notification = get_object_or_404(notifications_for(request.user), pk=pk)
        if request.POST.get("follow") and notification.url.startswith("/"):
            return redirect(notification.url)
    else:
        messages.success(request, f"Marked {changed} notification(s) as read.")
    if request.htmx:
        return notification_badge(request)
    return redirect("notifications")


def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("profile")
    return render(request, "org/profile.html", {"form": form})


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache and broker status. 200 when all are up, 503 naming what is down.
    Also counts the e-mail outbox's failed and overdue e-mails (``email``): for monitoring,
    never a reason for 503."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    status = {}
    for name, check in checks.items():
        try:
            check()
            status[name] = {"ok": True}
        except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
            status[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    down = [name for name, s in status.items() if not s["ok"]]
    body = {"status": "ok" if not down else "unavailable", "down": down, "checks": status,
            "email": _email_outbox_status() if status["database"]["ok"] else None}
    return JsonResponse(body, status=200 if not down else 503)


# A pending e-mail this late was missed by the every-minute sweep (is beat or the worker down?).
EMAIL_OVERDUE_AFTER = timedelta(minutes=15)


def _email_outbox_status() -> dict | None:
    """Failed e-mails (given up, see the admin's filter) and pending ones overdue by more than
    15 minutes. Two separate counts, each over its small partial index (one aggregate with
    filtered counts would read the whole table on every probe)."""
    states = Notification.EmailState
    overdue_before = timezone.now() - EMAIL_OVERDUE_AFTER
    try:
        return {
            "failed": Notification.objects.filter(email_state=states.FAILED).count(),
            "overdue": Notification.objects.filter(
                email_state=states.PENDING, email_next_attempt_at__lt=overdue_before).count(),
        }
    except DatabaseError:  # reported by the database check; the counts are only extra
        return None


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    cache.set("tierline:healthz", "ok", 10)
    if cache.get("tierline:healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


def _check_broker() -> None:
    from celery import current_app as app  # the Tierline app (config/celery.py)

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
