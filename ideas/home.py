"""The "My work" panels: items I reported (open), items I own, my teams' items needing
attention (new or aging). One set of queries per request, shared by the three panels."""

from .selectors import home_ideas
from .views import list_url

TEMPLATE = "ideas/_home_panel.html"


def _data(request) -> dict:
    cached = getattr(request, "_tierline_home_ideas", None)
    if cached is None:
        cached = request._tierline_home_ideas = home_ideas(request.user)
    return cached


def reported_panel(request) -> dict:
    data = _data(request)
    return {
        "title": "Items I reported (open)",
        # (anonymous ones also for 30 days after they close: their reporter is told nothing)
        "template": TEMPLATE,
        "context": {
            "key": "reported", "items": data["reported"], "count": data["reported_count"],
            "more_url": list_url(reporter="me", status="open"),
            "empty": "Nothing open. Seen something that could be better? Log it.",
        },
    }


def owned_panel(request) -> dict | None:
    data = _data(request)
    if not data["owned_count"]:
        return None
    return {
        "title": "Items I own",
        "template": TEMPLATE,
        "context": {
            "key": "owned", "items": data["owned"], "count": data["owned_count"],
            "more_url": list_url(owner="me", status="open", sort="activity"),
            "empty": "",
        },
    }


def attention_panel(request) -> dict | None:
    data = _data(request)
    if not data["has_teams"]:
        return None
    return {
        "title": "My teams: needing attention",
        "template": TEMPLATE,
        "context": {
            "key": "attention", "items": data["attention"], "count": data["attention_count"],
            "more_url": list_url(mine="on", attention="on", sort="activity"),
            "empty": "No new or aging items in your teams. Well done.",
        },
    }
