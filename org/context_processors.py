"""Navigation: the sections the apps registered (core.registry.register_nav), in order."""

from django.urls import reverse

from core.registry import nav_entries

from .permissions import is_admin
from .selectors import unread_notification_count


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    items = []
    for entry in nav_entries():
        if entry.admin_only and not is_admin(user):
            continue
        url = reverse(entry.url_name)
        items.append({"label": entry.label, "url": url, "active": request.path == url
                      or (url != "/" and request.path.startswith(url))})
    if is_admin(user):
        items.append({"label": "Admin", "url": reverse("admin:index"), "active": False})
    return {"nav_items": items, "unread_count": unread_notification_count(user)}
