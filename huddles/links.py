"""Links from cards to pages other apps own, built once per board (a reverse() per card would
cost more than the rest of the card), and the URL a display link opens."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

_MARK = 987654321


def idea_url_pattern() -> str:
    """'/ideas/{}/' — the idea page, by URL name when it exists, else its public path."""
    try:
        return reverse("ideas:detail", args=[_MARK]).replace(str(_MARK), "{}")
    except NoReverseMatch:
        return "/ideas/{}/"


def escalate_url_pattern() -> str:
    """'/escalations/new/?idea={}' — the escalation page (built by the escalation app)."""
    try:
        base = reverse("escalation:new")
    except NoReverseMatch:
        base = "/escalations/new/"
    return base + "?idea={}"


def time_url_pattern(team_slug: str) -> str:
    """'/boards/<team>/time/{}/' — the quick improvement-time entry from a card."""
    return reverse("huddles:time-log", args=[team_slug, _MARK]).replace(str(_MARK), "{}")


def display_link_url(request, team_slug: str, key: str) -> str:
    """The whole URL a wall screen opens with a display link's key."""
    return request.build_absolute_uri(
        reverse("huddles:wall", args=[team_slug]) + "?" + urlencode({"key": key}))
