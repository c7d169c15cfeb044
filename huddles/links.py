"""Links from cards to pages other apps own, built once per board (a reverse() per card would
cost more than the rest of the card)."""

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
