"""What the strategy API views share — and the system-work APIs built on strategy (experiments,
reviews, standards): the methods they answer, executives-only writes, a person as the API shows
one."""

from rest_framework import permissions

from ..permissions import can_manage_strategy
from ..services import NOT_EXECUTIVE

WRITE_METHODS = ["get", "post", "patch", "head", "options"]


class ExecutivesWrite(permissions.BasePermission):
    """Reads for everyone logged in; writes for executives and admins."""

    message = NOT_EXECUTIVE

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or can_manage_strategy(request.user)


def person(user) -> dict | None:
    return {"id": user.pk, "name": user.name} if user else None
