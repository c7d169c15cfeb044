"""Navigation entries: only sections that exist are shown, never dead links."""

from django.urls import NoReverseMatch, reverse

from .permissions import is_admin
from .selectors import unread_notification_count

# (label, url name), shown to everyone. Later apps' sections appear once their URL exists.
SECTIONS = [
    ("My work", "home"),
    ("Ideas", "ideas:list"),
    ("Boards", "huddles:boards"),
    ("Escalations", "escalation:inbox"),
    ("Strategy", "strategy:index"),
    ("Scorecards", "scorecards:index"),
    ("Learning", "ideas:learning"),
    ("Systemic issues", "systemic:list"),
    ("Teams", "org:teams"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    items = []
    for label, name in SECTIONS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path == url
                      or (url != "/" and request.path.startswith(url))})
    if is_admin(user):
        items.append({"label": "Admin", "url": reverse("admin:index"), "active": False})
    return {"nav_items": items, "unread_count": unread_notification_count(user)}
