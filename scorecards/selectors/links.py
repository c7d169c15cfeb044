"""Where each figure links: the scope as a query parameter, the items behind a number, the
reviews behind "reviews missed"."""

from urllib.parse import urlencode

from django.urls import reverse

from core.periods import Period
from org.models import Team

from ..definitions import Metric


def scope_param_of(kind: str, scope_id: int, team: Team | None = None) -> str:
    """``org``, ``tier:<level>`` or ``team:<slug>`` (what ``parse_scope`` reads back)."""
    if kind == "org":
        return "org"
    if kind == "tier":
        return f"tier:{scope_id}"
    return f"team:{team.slug if team else scope_id}"


def reviews_url(kind: str, scope_id: int, team: Team | None = None) -> str:
    """Where the reviews of a scope are held (the list behind "reviews missed")."""
    if kind == "team" and team is not None:
        return reverse("reviews:team", args=[team.slug])
    if kind == "tier":
        return reverse("reviews:tier", args=[scope_id])
    return reverse("reviews:index")


def drill_url(scope: str, drill: str | None, period: Period, **extra) -> str | None:
    """The page listing the items behind a number (None: the figure has no such list)."""
    if not drill:
        return None
    params = {"scope": scope, "metric": drill, **period.as_params(), **extra}
    return f"{reverse('scorecards:items')}?{urlencode(params)}"


def tile_url(metric: Metric, card_kind: str, scope_id: int, team: Team | None,
             scope: str, period: Period) -> str | None:
    """What a tile links to: the items behind it, or the page that holds its figure."""
    if metric.key == "missed_reviews":
        return reviews_url(card_kind, scope_id, team)
    if metric.key == "capacity_honoured":
        return reverse("capacity:overview")
    return drill_url(scope, metric.drill, period)
