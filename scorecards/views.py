"""Scorecard pages: organisation → tier → team → the items behind a number, with CSV exports.

One view serves each page and its htmx fragment (the period switcher swaps the card only)."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify

from core.downloads import csv_response
from core.errors import DomainError, Forbidden
from core.pagination import NarrowPaginator
from core.periods import KINDS, LABELS, Period, default_end, parse_period
from ideas.models import Idea
from org.models import Tier
from org.selectors import team_descendants, user_teams

from . import executive as executive_card
from . import selectors
from .definitions import BY_KEY
from .permissions import access_team, can_view_organisation, can_view_team, check_organisation
from .selectors.importance import explain

EXPORTS = {
    "metrics": selectors.metrics_csv_rows,
    "table": selectors.table_csv_rows,
    "trend": selectors.trend_csv_rows,
}


def _period(request: HttpRequest) -> tuple[Period, dict]:
    """The period asked for, or the default with the error to show beside the form."""
    try:
        return parse_period(request.GET.get("period"), request.GET.get("from"),
                            request.GET.get("to")), {}
    except DomainError as exc:
        return parse_period("month"), {exc.field or "period": exc.message}


def _form_context(request: HttpRequest, period: Period, errors: dict) -> dict:
    return {
        "period": period,
        "errors": errors,
        "kinds": [(k, LABELS[k]) for k in KINDS],
        "max_day": default_end().isoformat(),
        "asked": {"period": request.GET.get("period", period.kind),
                  "from": request.GET.get("from", period.start.isoformat()),
                  "to": request.GET.get("to", period.end.isoformat())},
    }


def _url(name: str, period: Period, *args) -> str:
    return f"{reverse(name, args=args)}?{urlencode(period.as_params())}"


def _deny(exc: Forbidden):
    raise PermissionDenied(exc.message)


def _export(request: HttpRequest, exports: dict, card, period: Period,
            name: str) -> HttpResponse | None:
    """The CSV table ``?export=`` asks for (404 for an unknown one), or None: the page."""
    export = request.GET.get("export")
    if not export:
        return None
    if export not in exports:
        raise Http404("No such export.")
    return csv_response(f"scorecard-{name}-{export}-{period.start}-{period.end}.csv",
                        exports[export](card))


def _show(request: HttpRequest, card: selectors.Scorecard, period: Period, errors: dict,
          *, crumbs: list, export_name: str) -> HttpResponse:
    response = _export(request, EXPORTS, card, period, export_name)
    if response is not None:
        return response
    context = {"card": card, "crumbs": crumbs, **_form_context(request, period, errors)}
    template = "scorecards/scorecard.html"
    if request.htmx and request.htmx.target == "scorecard":
        template += "#card"
    return render(request, template, context)


def index(request: HttpRequest) -> HttpResponse:
    """Executives and admins: the organisation. Everyone else: the team scorecards they may
    open (their teams and the teams below them)."""
    if not can_view_organisation(request.user):
        teams = {}
        for team in user_teams(request.user):
            teams[team.pk] = team
            for below in team_descendants(team):
                if below.active:
                    teams.setdefault(below.pk, below)
        return render(request, "scorecards/mine.html", {
            "teams": sorted(teams.values(), key=lambda t: (-t.tier.level, t.name))})
    period, errors = _period(request)
    card = selectors.scorecard("org", period=period)
    return _show(request, card, period, errors, crumbs=[], export_name="organisation")


def tier(request: HttpRequest, level: int) -> HttpResponse:
    try:
        check_organisation(request.user)
    except Forbidden as exc:
        _deny(exc)
    tier_obj = Tier.objects.filter(level=level).first()
    if tier_obj is None:
        raise Http404("No such tier.")
    period, errors = _period(request)
    card = selectors.scorecard("tier", period=period, scope_id=level, tier=tier_obj)
    crumbs = [("Organisation", _url("scorecards:index", period))]
    return _show(request, card, period, errors, crumbs=crumbs, export_name=f"tier-{level}")


def team(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        team_obj = access_team(request.user, slug=slug)
    except Forbidden as exc:
        _deny(exc)
    period, errors = _period(request)
    card = selectors.scorecard("team", period=period, team=team_obj)
    crumbs = []
    if can_view_organisation(request.user):
        crumbs = [("Organisation", _url("scorecards:index", period)),
                  (f"Tier {team_obj.tier.level}",
                   _url("scorecards:tier", period, team_obj.tier.level))]
    if team_obj.parent_id and can_view_team(request.user, team_obj.parent):
        crumbs.append((team_obj.parent.name,
                       _url("scorecards:team", period, team_obj.parent.slug)))
    return _show(request, card, period, errors, crumbs=crumbs, export_name=team_obj.slug)


EXECUTIVE_EXPORTS = {
    "metrics": executive_card.metrics_csv_rows,
    "trend": executive_card.trend_csv_rows,
}


def executive(request: HttpRequest) -> HttpResponse:
    """The executive scorecard: the executive layer graded on clarity, stability, constraint
    coverage, top-tier decisions, systemic issues and protected capacity honoured. For the
    executive team (members of a top-tier team) and admins."""
    if not can_view_organisation(request.user):
        raise PermissionDenied("The executive scorecard is for the executive team and admins.")
    period, errors = _period(request)
    card = executive_card.executive_scorecard(request.user, period=period)
    response = _export(request, EXECUTIVE_EXPORTS, card, period, "executive")
    if response is not None:
        return response
    context = {"card": card, "organisation_url": _url("scorecards:index", period),
               **_form_context(request, period, errors)}
    template = "scorecards/executive.html"
    if request.htmx and request.htmx.target == "executive-card":
        template += "#card"
    return render(request, template, context)


def _check_scope(user, scope: selectors.DrillScope) -> None:
    if scope.kind == "team":
        if not can_view_team(user, scope.team):
            raise PermissionDenied("A team's scorecard is for its members and the teams above.")
    elif not can_view_organisation(user):
        raise PermissionDenied("The organisation and tier scorecards are for executives and "
                               "admins.")


# Drill-downs that list items as they are now, not over the period.
NOW_ITEMS = {"aging", "important", "escalations_open", "escalations_stalled",
             *selectors.NOW_DRILLS}

ITEM_COLUMNS = ["id", "title", "team", "kind", "category", "priority", "status", "owner",
                "created", "last activity", "done", "aging since"]


def _item_row(idea: Idea) -> list:
    return [idea.pk, idea.title, idea.team.name, idea.kind, idea.category, idea.priority,
            idea.status, idea.owner.name if idea.owner else "",
            idea.created_at.date().isoformat(), idea.last_activity_at.date().isoformat(),
            idea.done_at.date().isoformat() if idea.done_at else "",
            idea.aging_flagged_at.date().isoformat() if idea.aging_flagged_at else ""]


def items(request: HttpRequest) -> HttpResponse:
    """The items behind a number: ``?scope=org|tier:<level>|team:<slug>&metric=<drill>``
    with the scorecard's period; only the items the user may see."""
    scope = selectors.parse_scope(request.GET.get("scope", "org"))
    _check_scope(request.user, scope)
    drill = request.GET.get("metric", "")
    if drill not in selectors.DRILLS:
        raise Http404("No such figure.")
    period, errors = _period(request)
    category = request.GET.get("category", "")
    kind = request.GET.get("kind", "")
    if category not in dict(Idea.Category.choices):
        category = ""
    if kind not in dict(Idea.Kind.choices):
        kind = ""
    qs = selectors.drill_items(request.user, scope, drill, period, category=category, kind=kind)
    if request.GET.get("export") == "csv":
        rows = ([ITEM_COLUMNS], (_item_row(i) for i in qs.iterator(chunk_size=500)))
        name = f"items-{slugify(scope.label)}-{drill}-{period.start}-{period.end}.csv"
        return csv_response(name, (r for part in rows for r in part))
    page = NarrowPaginator(qs, 50).get_page(request.GET.get("page"))
    if drill == "important":  # each row says why it ranks where it does
        explain(page.object_list, start=page.start_index())
    if scope.kind == "org":
        back_url = reverse("scorecards:index")
    elif scope.kind == "tier":
        back_url = reverse("scorecards:tier", args=[scope.scope_id])
    else:
        back_url = reverse("scorecards:team", args=[scope.team.slug])
    back_url += "?" + urlencode(period.as_params())
    context = {
        "scope": scope, "drill": drill, "drill_label": selectors.DRILLS[drill], "page": page,
        "category": dict(Idea.Category.choices).get(category), "kind": kind,
        "back_url": back_url, "metric": BY_KEY.get(drill),
        "now_drill": drill in NOW_ITEMS,
        **_form_context(request, period, errors),
    }
    template = "scorecards/items.html#rows" if request.htmx and \
        request.htmx.target == "item-rows" else "scorecards/items.html"
    return render(request, template, context)
